"""Where the palette opens, for a table of screens and target windows (pure geometry, no Qt)."""

from __future__ import annotations

import pytest

from palette.ui.placement import GAP, Rect, place

SCREEN: Rect = (0, 0, 1920, 1080)
SIZE = (660, 600)


@pytest.mark.parametrize(
    ("screen", "target", "remembered", "expected"),
    [
        # a chat window on the left half: the palette opens to its right, level with its top
        (SCREEN, (0, 100, 1000, 800), None, (1000 + GAP, 100)),
        # on the right half: to its left
        (SCREEN, (1100, 50, 820, 900), None, (1100 - GAP - 660, 50)),
        # room on both sides: the wider one (left here)
        (SCREEN, (900, 0, 300, 500), None, (900 - GAP - 660, 0)),
        # beside, but kept on the screen vertically (the target's top is too low for 600 px)
        (SCREEN, (0, 700, 900, 380), None, (900 + GAP, 480)),
        # maximised: no room beside it, nothing remembered: centred a fifth down
        (SCREEN, (0, 0, 1920, 1080), None, ((1920 - 660) // 2, 1080 // 5)),
        # maximised, and the agent dragged it before: where they put it
        (SCREEN, (0, 0, 1920, 1080), (1200, 450), (1200, 450)),
        # remembered on a second screen: relative to that screen, clamped when it changed size
        ((1920, 0, 1280, 1024), (1920, 0, 1280, 1024), (1000, 900), (1920 + 1280 - 660, 1024 - 600)),
        # no target known (tray, `palette show` on Wayland): remembered, else the default
        (SCREEN, None, (10, 20), (10, 20)),
        (SCREEN, None, None, (630, 216)),
        # a target hanging off the screen's left edge still leaves room on the right
        (SCREEN, (-200, 0, 900, 700), None, (700 + GAP, 0)),
        # a screen not at the origin (second monitor above the first)
        ((0, -1080, 1920, 1080), (0, -1080, 960, 1080), None, (960 + GAP, -1080)),
    ],
)
def test_placement(
    screen: Rect, target: Rect | None, remembered: tuple[int, int] | None, expected: tuple[int, int]
) -> None:
    assert place(screen, SIZE, target, remembered) == expected


def test_a_palette_larger_than_the_screen_keeps_its_top_left_on_it() -> None:
    assert place((0, 0, 500, 400), SIZE, None, (50, 50)) == (0, 0)
