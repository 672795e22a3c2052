"""Where the palette opens: beside the window the agent is answering in, never over its text.

Pure geometry on (x, y, width, height) tuples, so the rules are unit-tested without a screen.
"""

from __future__ import annotations

Rect = tuple[int, int, int, int]  # x, y, width, height
GAP = 8  # between the target window's edge and the palette


def clamp(pos: tuple[int, int], size: tuple[int, int], screen: Rect) -> tuple[int, int]:
    """`pos` moved the least so that a window of `size` lies on `screen` (its top-left wins if too big)."""
    sx, sy, sw, sh = screen
    w, h = size
    x = max(sx, min(pos[0], sx + sw - w))
    y = max(sy, min(pos[1], sy + sh - h))
    return x, y


def place(
    screen: Rect, size: tuple[int, int], target: Rect | None = None, remembered: tuple[int, int] | None = None
) -> tuple[int, int]:
    """Top-left of the palette: beside `target` where a side has room (the wider side first), else where
    the agent last dragged it on this screen (`remembered`, relative to the screen), else centred a
    fifth of the way down. Always on `screen`."""
    sx, sy, sw, sh = screen
    w = size[0]
    if target is not None:
        tx, ty, tw, _th = target
        right = sx + sw - (tx + tw) - GAP  # room right of the target, on this screen
        left = tx - sx - GAP
        sides = sorted(((right, tx + tw + GAP), (left, tx - GAP - w)), reverse=True)
        for room, x in sides:
            if room >= w:
                return clamp((x, ty), size, screen)
    if remembered is not None:
        return clamp((sx + remembered[0], sy + remembered[1]), size, screen)
    return clamp((sx + (sw - w) // 2, sy + sh // 5), size, screen)
