"""The records Palette works with: plain frozen dataclasses shared by every layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

STANDARD_LIBRARY = "标准话术"
PERSONAL_LIBRARY = "我的话术"


class LibraryKind(StrEnum):
    STANDARD = "standard"  # bundled with the app, read-only
    TEAM = "team"  # imported or subscribed from a team lead's file, read-only
    PERSONAL = "personal"  # the agent's own phrases and overrides, editable


class SendMode(StrEnum):
    """What is pressed after a phrase is pasted: nothing (a paste only), or a chat's send key."""

    NEVER = "never"
    ENTER = "enter"
    CTRL_ENTER = "ctrl+enter"


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A picture a phrase carries, stored once in the user database by the SHA-256 of its bytes."""

    sha256: str
    mime: str  # image/png, image/jpeg or image/gif
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Phrase:
    """One approved phrase. `uid` is stable across edits and re-imports; all user state is keyed on it."""

    uid: str
    library: str
    category: str
    title: str
    body: str
    shortcut: str = ""
    tags: tuple[str, ...] = ()
    sort_order: int = 0
    override_of: str | None = None  # a personal phrase that replaces this team/standard uid
    pinned: bool = False  # agent state, kept by uid outside the library layer
    hidden: bool = False
    images: tuple[ImageRef, ...] = ()  # pasted before the text, in this order
    send: SendMode | None = None  # None: the library's default

    @property
    def usage_key(self) -> str:
        """Usage is counted on the phrase being replaced, so it survives customising and reverting."""
        return self.override_of or self.uid


@dataclass(frozen=True, slots=True)
class Library:
    name: str
    kind: LibraryKind
    source: str = ""  # file path or URL a team library is subscribed to
    version: str = ""
    imported_at: str = ""  # ISO 8601, UTC
    checksum: str = ""  # sha256 of the source bytes that produced this layer
    read_only: bool = True
    enabled: bool = True  # a disabled library stays stored but is out of the search and the palette
    send: SendMode = SendMode.NEVER  # the send mode of its phrases that name none
    send_each: bool = False  # a phrase with images: a send after each image and the text, or one after all

    def send_of(self, phrase: Phrase) -> SendMode:
        """`phrase`'s own send mode, or this library's default when it names none."""
        return phrase.send or self.send


@dataclass(frozen=True, slots=True)
class Usage:
    """How an agent uses one phrase: count, last use and an exponentially decayed frecency score."""

    uid: str
    count: int
    last_used: float  # Unix time
    score: float  # frecency at `last_used`; decays with a half-life (see store.FRECENCY_HALF_LIFE)


@dataclass(frozen=True, slots=True)
class ForbiddenWord:
    """A 服务禁语 and the better wording to suggest; `source` is 标准, a team library's name, or 我的."""

    word: str
    suggestion: str = ""
    source: str = STANDARD_LIBRARY


@dataclass(frozen=True, slots=True)
class LayerDiff:
    """What replacing one library layer changes, by uid."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    moved: tuple[str, ...] = ()  # the part of `changed` whose only change is the position (a row deleted above)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)
