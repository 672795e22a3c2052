"""Sending into chat windows: which key sends, how a phrase splits into messages, and in what order
images and text go.

A chat console sends on Enter, some clients on Ctrl+Enter, a plain text box never: the send mode is
the phrase's own, else the first window-class rule that matches the target, else its library's
default. A body line that is exactly `---` splits a phrase into messages; without a send mode the
parts are pasted together, joined by a blank line, so the same text reads the same in the palette,
on the command line and in the target. Line breaks inside a part stay line breaks: a part is pasted
in one go, never typed, so nothing presses Enter between its lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from palette.core.model import ImageRef, SendMode

PART_BREAK = "---"
PART_JOIN = "\n\n"

SendRules = tuple[tuple[str, SendMode], ...]

_SEND_KEYS = {SendMode.ENTER: "enter", SendMode.CTRL_ENTER: "ctrl+enter"}


def split_parts(text: str) -> tuple[str, ...]:
    """The messages of a phrase: its text cut at every line that is `---` (spaces around it allowed).

    Parts keep their inner line breaks; the breaks next to a `---` line and parts left empty go."""
    parts: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip() == PART_BREAK:
            parts.append([])
        else:
            parts[-1].append(line)
    return tuple(t for t in ("\n".join(p).strip("\n") for p in parts) if t.strip())


def joined(text: str) -> str:
    """The parts as one message, a blank line between them: what a paste without sending gives."""
    return PART_JOIN.join(split_parts(text))


def send_key(mode: SendMode) -> str | None:
    """The key combination a send mode presses after the paste (`enter`, `ctrl+enter`), None for never."""
    return _SEND_KEYS.get(mode)


def window_send_mode(wm_class: str, rules: Sequence[tuple[str, SendMode]]) -> SendMode | None:
    """The first rule whose class appears in the window's class, as `paste_rules` match."""
    cls = wm_class.lower()
    return next((mode for pattern, mode in rules if pattern and pattern in cls), None)


def send_mode_for(
    phrase_send: SendMode | None, wm_class: str, rules: Sequence[tuple[str, SendMode]], library_default: SendMode
) -> SendMode:
    """Phrase, then window-class rule, then library default: the one place the send mode is decided."""
    if phrase_send is not None:
        return phrase_send
    return window_send_mode(wm_class, rules) or library_default


def takes_images(wm_class: str, text_only: Sequence[str]) -> bool:
    """False for a window class (a terminal) that can only take text."""
    cls = wm_class.lower()
    return not any(pattern and pattern in cls for pattern in text_only)


@dataclass(frozen=True, slots=True)
class Step:
    """One paste of a send sequence: a picture or a text, and whether the send key follows it."""

    text: str = ""
    image: ImageRef | None = None
    send: bool = False

    def __repr__(self) -> str:  # the text may carry customer data: never in a repr
        what = f"image {self.image.sha256[:8]}" if self.image else f"text of {len(self.text)} chars"
        return f"Step({what}, send={self.send})"


def plan(
    text: str, images: Sequence[ImageRef], mode: SendMode, *, send_each: bool = False, with_images: bool = True
) -> tuple[Step, ...]:
    """The pastes of one phrase, in order: its images, then its text.

    With a send mode, each `---` part is a message of its own, sent in order; images are sent with the
    first part (one send after both), or each on its own when `send_each`. Without one, the parts go
    as one text. `with_images` False (a terminal) leaves the pictures out."""
    pics = tuple(images) if with_images else ()
    if mode is SendMode.NEVER:
        body = joined(text)
        return tuple(Step(image=i) for i in pics) + ((Step(text=body),) if body else ())
    parts = split_parts(text)
    steps = [Step(image=i, send=send_each) for i in pics]
    steps += [Step(text=p, send=True) for p in parts]
    if steps and not steps[-1].send:  # pictures only, sent together: one send after the last
        steps[-1] = Step(image=steps[-1].image, send=True)
    return tuple(steps)
