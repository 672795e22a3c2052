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
    valid_from: str = ""  # 生效日期, ISO YYYY-MM-DD; "" = always (see core.validity)
    valid_until: str = ""  # 失效日期, the last day it is offered; "" = never expires
    questions: tuple[str, ...] = ()  # 客户问法: wordings customers use for what this phrase answers (suggestions)
    keywords: tuple[str, ...] = ()  # 关键词: words a suggestion for this phrase should react to
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


class UsageKind(StrEnum):
    """What happened to a phrase, as the lead's daily report counts it (the values are its JSON keys)."""

    PASTED = "pasted"  # pasted into the agent's window
    COPIED = "copied"  # left on the clipboard only (Ctrl+Enter, or the paste could not be sent)
    SENT = "sent"  # sent to the customer (the send flow records it)
    ABANDONED = "abandoned"  # the fill-in form was cancelled
    GUARD_OVERRIDDEN = "guard_overridden"  # pasted anyway after a 禁语 warning
    CUSTOMISED = "customised"  # the agent saved their own wording of a team phrase


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


@dataclass(frozen=True, slots=True)
class TeamUpdate:
    """A team phrase that changed under the agent's override (团队已更新): the team's text the override
    was made from; the new text is the team phrase as stored now."""

    uid: str  # the team phrase
    old_title: str
    old_body: str


@dataclass(frozen=True, slots=True)
class LibraryVersion:
    """One applied import or subscription update of a team library, as `palette library log` shows it."""

    library: str
    version: int  # 1, 2, … per library; a rollback is a version too
    applied_at: str  # ISO 8601, UTC
    who: str  # the profile's 工号, else the OS user
    source: str  # the path or URL, or "rollback to N"
    checksum: str  # of the layer's content (LibraryData.checksum)
    label: str  # the library's own version text, e.g. 2026.12
    added: int = 0
    changed: int = 0
    removed: int = 0
    phrases: int = 0
    restorable: bool = True  # False when the layer was too big to keep (see store.history)
