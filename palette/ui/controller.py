"""The main flow, hotkey to paste: remember the target, show the palette, fill, check, paste, record.

This is the one object that knows the order of things; the palette window, the fill-in form, the
paster and the engines stay ignorant of each other. When the agent selected or copied the customer's
message before the hotkey, the empty query lists the suggester's confident answers first (建议), the
form offers the values the message carries, and the phrase pasted after it is learned for its words.
Everything here runs on the GUI thread: the hotkey thread only reaches it through the queued signal
of `HotkeyBridge`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from PySide6.QtCore import QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QGuiApplication, QScreen

from palette.core import events
from palette.core.config import Settings, paste_key_for
from palette.core.guard import Decision, Guard, Kind, apply_suggestions, decide
from palette.core.message import extract_values, field_value, looks_like_message
from palette.core.model import Phrase, SendMode, UsageKind
from palette.core.placeholders import (
    PROFILE_KEYS,
    Context,
    Conversation,
    Rendered,
    UnfilledPlaceholderError,
    display_spans,
    ensure_pasteable,
    render,
)
from palette.core.punctuation import to_full_width
from palette.core.sending import Step, joined, plan, send_key, send_mode_for, takes_images
from palette.core.store import Store, StoreChange, StoreError
from palette.core.validity import in_window
from palette.platform.base import Desktop, HotkeyBackend, WindowRef
from palette.platform.clipboard import as_png
from palette.platform.paster import Part, PasteOutcome, Paster
from palette.ui.fill_form import FillForm
from palette.ui.palette_window import FULL_HEIGHT, Choice, ChoiceMode, PaletteWindow
from palette.ui.placement import Rect, place
from palette.ui.rows import Row
from palette.ui.suggestions import LIMIT, SuggesterLike, word_spans

Span = tuple[int, int]


class SearchHit(Protocol):
    """What the palette needs of a search result (`search.Hit`)."""

    @property
    def phrase(self) -> Phrase: ...

    @property
    def spans(self) -> Mapping[str, tuple[Span, ...]]: ...

    @property
    def kind(self) -> str: ...


Search = Callable[[str, int], Sequence[SearchHit]]


class HotkeyBridge(QObject):
    """The signal the hotkey thread emits; connected queued, so the slot runs on the GUI thread.

    Not a `run_in_background` job: there is no work to hand off and no result. The thread is the OS
    backend's own (X11's waits on the X server, macOS's is pynput's event tap; Windows calls from the
    GUI thread) and lives the whole session, firing many times; all it needs from Qt is one signal
    that is safe to emit from a foreign thread."""

    activated = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fired_at = 0.0  # perf_counter() when the hotkey thread saw the key: latency is measured from it

    def fire(self) -> None:
        self.fired_at = time.perf_counter()
        self.activated.emit()


class PaletteController(QObject):
    """Runs one palette session at a time and records what was used."""

    notify = Signal(str, str)  # title, message: for the tray

    def __init__(
        self,
        store: Store,
        window: PaletteWindow,
        paster: Paster,
        desktop: Desktop | None,
        search: Search,
        *,
        clock: Callable[[], datetime] = datetime.now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = Settings(store)
        self.window = window
        self.paster = paster
        self.desktop = desktop
        self._search = search
        self._clock = clock
        self.target: WindowRef | None = None
        self._opened_at = 0.0
        self._pasting = False
        self._paste_combo = ""  # the key the last paste was meant to send, named when it could not be
        self._paste_uid = ""  # the phrase of the paste in flight: its outcome is counted for the report
        self._sending: tuple[str, SendMode] = ("", SendMode.NEVER)  # uid and send mode of the paste under way
        self._hotkey: HotkeyBackend | None = None
        self.conversation = Conversation(idle_minutes=float(self.settings.config().idle_minutes))
        self.guard = Guard(store.forbidden_words())
        self._context = self._new_context()
        self.form = FillForm(guard=self.guard)
        window.set_form(self.form)
        self._form_for: tuple[Row, ChoiceMode] | None = None
        self._suggester: SuggesterLike | None = None  # built in the background by the app
        self._snapshot_due = False  # the palette opened and the clipboard is still to be read
        self._message = ""  # the customer's message of this opening (customer data: never logged)
        self._suggested: list[tuple[Phrase, tuple[str, ...]]] = []  # confident answers to it, with why

        self.bridge = HotkeyBridge(self)
        self.bridge.activated.connect(self.open, Qt.ConnectionType.QueuedConnection)
        window.set_rows(self.rows)
        window.chosen.connect(self._chosen)
        window.fill_requested.connect(self._ask)
        window.new_conversation.connect(self.new_conversation)
        window.dragged.connect(self._remember_position)
        window.ready.connect(self._ready)
        window.hidden.connect(self._hidden)
        self.form.accepted.connect(self._filled)
        self.form.cancelled.connect(self._form_cancelled)
        paster.finished.connect(self._pasted)
        store.listen(self._store_changed)

    def attach_hotkey(self, hotkey: HotkeyBackend) -> None:
        self._hotkey = hotkey

    def set_suggester(self, suggester: SuggesterLike | None) -> None:
        """The suggestion engine, once built (None: none yet, or being rebuilt)."""
        self._suggester = suggester

    # -- opening -------------------------------------------------------------------------------------

    def open(self) -> None:
        """Hotkey, tray or `palette show`: remember where the agent was, then show the palette."""
        if self.window.isVisible():
            self.window.raise_()
            self.window.activateWindow()
            return
        now = time.perf_counter()
        fired = self.bridge.fired_at
        self._opened_at = fired if 0 < now - fired < 1.0 else now
        self.bridge.fired_at = 0.0
        self.target = self.desktop.active_window() if self.desktop is not None else None
        self._context = self._new_context()
        screen, target = self._target_screen()
        geo = screen.availableGeometry()
        remembered = self.settings.config().palette_positions.get(screen.name())
        x, y = place(
            (geo.x(), geo.y(), geo.width(), geo.height()),
            (self.window.width(), FULL_HEIGHT),
            target,
            (int(remembered[0]), int(remembered[1])) if remembered else None,
        )
        self.window.present(geo, QPoint(x, y))
        self._snapshot_due = True
        QTimer.singleShot(0, self._snapshot_clipboard)

    def _target_screen(self) -> tuple[QScreen, Rect | None]:
        """The screen of the window the agent came from, and where that window is (None: unknown, so
        the pointer's screen)."""
        geo = self.desktop.geometry(self.target) if self.desktop is not None and self.target is not None else None
        if geo is not None:
            x, y, w, h = geo
            screen = QGuiApplication.screenAt(QPoint(x + w // 2, y + h // 2))
            if screen is not None:
                return screen, geo
        return QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen(), geo

    def _remember_position(self, pos: QPoint) -> None:
        """The agent dragged the palette: it opens there on this screen whenever it cannot sit beside
        the window."""
        centre = pos + QPoint(self.window.width() // 2, self.window.height() // 2)
        screen = QGuiApplication.screenAt(centre) or self.window.screen()
        top_left = screen.availableGeometry().topLeft()
        positions = dict(self.settings.config().palette_positions)
        positions[screen.name()] = (pos.x() - top_left.x(), pos.y() - top_left.y())
        self.settings.set("palette_positions", positions)

    def _snapshot_clipboard(self) -> None:
        if not self._snapshot_due:
            return
        self._snapshot_due = False
        self.paster.clipboard.snapshot()
        if self.paster.clipboard.text_at_open:  # [剪贴板] can only be filled once we have read it
            self._context = self._new_context()
        self._take_message()

    def _take_message(self) -> None:
        """The customer's message the agent selected or copied: its values for the form, and the
        suggestions the empty query shows (none unless confident)."""
        message = self.paster.clipboard.message_at_open().strip()
        found = looks_like_message(message) and self.window.isVisible()
        events.emit("message.read", found=found)  # whether there was one; never what it says
        if not found:
            return
        started = time.perf_counter()
        self._message = message
        self.conversation.take_from_message(extract_values(message))
        self._suggested = []
        for s in self._suggester.suggest(message, LIMIT) if self._suggester is not None else ():
            phrase = self.store.get(s.uid)
            if s.confident and phrase is not None and not phrase.hidden:
                self._suggested.append((phrase, tuple(s.why)))
        events.emit("suggest.shown", hits=len(self._suggested), ms=events.ms_since(started))
        if self._suggested:
            self.window.set_message(message)

    def _new_context(self) -> Context:
        return Context(
            profile=self.store.profile(),
            conversation=self.conversation,
            aliases=self.settings.config().placeholder_aliases,
            clipboard=self.paster.clipboard.text_at_open or None,
            clock=self._clock,
        )

    def _ready(self) -> None:
        if self._opened_at:
            events.emit("palette.shown", ms=events.ms_since(self._opened_at))
            self._opened_at = 0.0
        self._snapshot_clipboard()  # an Enter typed with the hotkey must see the suggestions first
        if self._hotkey is not None:
            early = self._hotkey.palette_ready()
            if early:  # replayed before control returns to the event loop, so order is kept
                self.window.replay_keys([(k.qt_key, k.text) for k in early])

    def _hidden(self) -> None:
        if self._form_for is not None:  # closed with the fill-in form open: as good as cancelled
            self.store.record_event(_phrase(self._form_for[0]).uid, UsageKind.ABANDONED)
        elif not self._pasting and not self.window.loading and not self.window.model.rows:
            self.store.record_miss(self.window.search.text())  # typed by the agent; normalised by the store
        self._form_for = None
        self.form.clear()
        if not self._pasting:
            self.paster.clipboard.forget_snapshot()
            self._forget_message()

    def _forget_message(self) -> None:
        self._message = ""
        self._suggested = []

    # -- results -------------------------------------------------------------------------------------

    def rows(self, query: str) -> list[Row]:
        """The hits for `query`, rendered with what is known now, matches and gaps marked. With a
        customer's message and nothing typed: its suggestions first, then the pinned and next phrases."""
        hits = self._search(query, 9)
        marked = self.store.team_updates()
        if query or not self._suggested:
            return [self._row(h.phrase, tuple(h.spans.get("title", ())), h.spans.get("body", ()), marked) for h in hits]
        out = [
            self._row(p, word_spans(p.title, why), word_spans(p.body, why), marked, why=why)
            for p, why in self._suggested
        ]
        shown = {row.uid for row in out}
        for h in hits:
            if h.kind in ("pinned", "next") and h.phrase.uid not in shown:
                out.append(self._row(h.phrase, tuple(h.spans.get("title", ())), h.spans.get("body", ()), marked))
        return out

    def _row(
        self,
        p: Phrase,
        title: tuple[Span, ...],
        body: Sequence[Span],
        marked: Collection[str],
        *,
        why: tuple[str, ...] | None = None,
    ) -> Row:
        r = render(p.body, self._context)
        text_spans, gaps = display_spans(p.body, r, body)
        return Row(
            uid=p.uid,
            category=p.category,
            title=p.title,
            shortcut=p.shortcut,
            text=r.text,
            missing=r.missing,
            title_spans=title,
            text_spans=text_spans,
            gap_spans=gaps,
            forbidden=tuple(self.guard.forbidden(r.text)),
            team_updated=p.usage_key in marked,
            suggested=why is not None,
            why=why or (),
            phrase=p,
        )

    def new_conversation(self) -> None:
        """A new customer: forget every value typed for the last one."""
        self.conversation.reset()
        self._context = self._new_context()
        events.emit("conversation.reset")

    # -- choosing, filling, checking ---------------------------------------------------------------------

    def _chosen(self, row: Row, choice: Choice) -> None:
        phrase = _phrase(row)
        rendered = render(phrase.body, self._context)
        if rendered.missing:
            self._ask(row, choice.mode)
            return
        self._finish(row, phrase, rendered, choice)

    def _ask(self, row: Row, mode: ChoiceMode) -> None:
        phrase = _phrase(row)
        rendered = render(phrase.body, self._context)
        if not rendered.missing:
            return
        self._form_for = (row, mode)
        profile = [name for name in rendered.missing if name in PROFILE_KEYS]
        taken = self.conversation.from_message
        prefill = {name: value for name in rendered.missing if (value := field_value(name, taken))}
        self.form.load(phrase.body, rendered.missing, self._context, profile_fields=profile, prefill=prefill)
        self.window.show_form()
        events.emit("form.shown", fields=len(rendered.missing))  # how many names, never which values

    def _filled(self, values: dict[str, str], save: list[str]) -> None:
        if self._form_for is None:
            return
        row, mode = self._form_for
        self._form_for = None
        for name in save:
            self.store.set_profile(name, values[name])
        self.conversation.remember({k: v for k, v in values.items() if k not in save})
        self._context = self._new_context()
        self.window.back_to_list()
        self._chosen(row, Choice(mode))

    def _form_cancelled(self) -> None:
        if self._form_for is not None:
            self.store.record_event(_phrase(self._form_for[0]).uid, UsageKind.ABANDONED)
        self._form_for = None
        self.window.back_to_list()

    def _finish(self, row: Row, phrase: Phrase, rendered: Rendered, choice: Choice) -> None:
        mode = choice.mode
        if not self._on_shelf(phrase):  # the list was shown before midnight, or the phrase changed since
            self.window.warn(row, mode, self.tr("这条话术不在有效期内(生效/失效日期),不能粘贴。"), blocking=True)
            return
        try:
            text = ensure_pasteable(rendered)
        except UnfilledPlaceholderError as e:
            self.window.warn(row, mode, self.tr("还有未填写的占位符:{0}").format("、".join(e.names)), blocking=True)
            return
        findings = found = self.guard.check(rendered)
        if row.replace:  # Ctrl+R: the suggested wording, for this paste only
            text = apply_suggestions(text, findings)[0]
            findings = self.guard.forbidden(text)  # not check(): `text` has no record of [[escapes]]
        decision = decide(findings, self.settings.config().guard_mode)
        if decision is not Decision.PASTE and not (decision is Decision.CONFIRM and choice.confirmed):
            words = [f for f in findings if f.kind is Kind.FORBIDDEN]
            shown = Row(  # what Enter would send, with the values just typed in, not the [名称] gaps
                uid=row.uid,
                category=row.category,
                title=row.title,
                shortcut=row.shortcut,
                text=rendered.text,
                forbidden=tuple(f for f in found if f.kind is Kind.FORBIDDEN),
                replace=row.replace,
                phrase=phrase,
            )
            parts = [
                self.tr("含服务禁语“{0}”").format(f.word)
                + (self.tr(",建议:“{0}”").format(f.suggestion) if f.suggestion else "")
                for f in words
            ]
            self.window.warn(shown, mode, ";".join(parts) + "。", blocking=decision is Decision.REFUSE)
            events.emit("guard.warned", blocked=decision is Decision.REFUSE, words=len(words))
            return
        if decision is Decision.CONFIRM:  # warned, and the agent chose to paste anyway
            listed = [(f.word, f.source) for f in findings if f.kind is Kind.FORBIDDEN]
            self.store.record_guard_override(phrase.uid, listed)
        if self.settings.config().normalize_punctuation:
            text = to_full_width(text)  # after the guard: its matching folds full-width to half-width anyway
        answered = row.suggested or bool(self.window.search.text())  # not a pinned row under the 建议 ones
        self._paste(phrase, text, mode, learn=answered)

    def _on_shelf(self, phrase: Phrase) -> bool:
        """Whether `phrase` (and the team phrase it customises) is inside its validity dates today."""
        day = self._clock().date().isoformat()
        original = self.store.get(phrase.override_of) if phrase.override_of else None
        return in_window(phrase, day) and (original is None or in_window(original, day))

    def _paste(self, phrase: Phrase, text: str, mode: ChoiceMode, *, learn: bool) -> None:
        self._pasting = True
        self._paste_uid = phrase.uid  # before pasting: an outcome may be told at once (no target window)
        self.window.dismiss()
        if mode is ChoiceMode.COPY:
            self.paster.copy_only(joined(text))
        else:
            wm_class = self.target.wm_class if self.target else ""
            config = self.settings.config()
            combo = paste_key_for(wm_class, config.paste_rules, config.paste_key)
            self._paste_combo = combo
            library = self.store.library(phrase.library)
            send = SendMode.NEVER  # Shift+Enter: paste only, this once
            if mode is ChoiceMode.PASTE:
                default = library.send if library else SendMode.NEVER
                send = send_mode_for(phrase.send, wm_class, config.send_rules, default)
            with_images = takes_images(wm_class, config.text_only_windows)
            if phrase.images and not with_images:
                self.notify.emit(self.tr("图片未粘贴"), self.tr("此窗口只能接收文字:已只粘贴文字。"))
            each = bool(library and library.send_each)
            parts = self._parts(plan(text, phrase.images, send, send_each=each, with_images=with_images))
            if not parts:  # nothing left to paste (its only picture could not be read)
                self._pasting = False
                return
            self._sending = (phrase.uid, send)
            restore = config.restore_delay_ms if config.restore_clipboard else None
            key = send_key(send) or ""
            self.paster.run(parts, self.target, combo, send_key=key, gap_ms=config.send_gap_ms, restore_ms=restore)
        self.conversation.touch()
        self.store.record_use(phrase.uid)
        if learn and self._message and self._suggester is not None:
            self._suggester.learn(self.store, self._message, phrase.uid)  # the words only, never the text
        self._forget_message()

    def _parts(self, steps: Sequence[Step]) -> list[Part]:
        """The paster's parts: a picture's stored bytes as PNG; one that cannot be read is left out, said once."""
        parts: list[Part] = []
        for step in steps:
            if step.image is None:
                parts.append(Part(text=step.text, send=step.send))
                continue
            try:
                parts.append(Part(png=as_png(self.store.image_bytes(step.image.sha256)), send=step.send))
            except (StoreError, ValueError):
                self.notify.emit(self.tr("图片未粘贴"), self.tr("有一张图片无法读取,已跳过。"))
        if parts and steps and steps[-1].send and not parts[-1].send:  # the skipped picture carried the send
            parts[-1] = Part(text=parts[-1].text, png=parts[-1].png, send=True)
        return parts

    def _pasted(self, outcome: PasteOutcome) -> None:
        self._pasting = False
        if self._paste_uid:
            kind = UsageKind.PASTED if outcome is PasteOutcome.PASTED else UsageKind.COPIED
            self.store.record_event(self._paste_uid, kind)
            if self.paster.sent:
                self.store.record_event(self._paste_uid, UsageKind.SENT)
            self._paste_uid = ""
        uid, send = self._sending
        self._sending = ("", SendMode.NEVER)
        if self.paster.sent:
            sent, ms = self.paster.sent, self.paster.last_send_ms
            events.emit("paste.sent", uid=events.ident(uid), mode=send.value, messages=sent, ms=ms)
        if outcome is PasteOutcome.STOPPED:
            why = self.tr("焦点离开了聊天窗口,或窗口没有读取粘贴:没发出的内容已复制。")
            self.notify.emit(self.tr("发送已停止"), why)
        elif outcome.copied and outcome is not PasteOutcome.ASKED:
            key = key_label(self._paste_combo or self.settings.config().paste_key)
            self.notify.emit(self.tr("已复制"), self.tr("已复制,请按 {0} 粘贴").format(key))

    def _store_changed(self, change: StoreChange) -> None:
        if change.settings:  # profile, settings or forbidden words
            self.guard = self.form.guard = Guard(self.store.forbidden_words())
            self.conversation.idle_minutes = float(self.settings.config().idle_minutes)
            self._context = self._new_context()


def _phrase(row: Row) -> Phrase:
    """The phrase behind a row the controller made (`rows()` gives each one)."""
    assert row.phrase is not None, "a palette row without its phrase"
    return row.phrase


def key_label(combo: str) -> str:
    """`shift+insert` as the agent reads it on the keyboard: `Shift+Insert` (`super` is Cmd on macOS)."""
    names = {"ctrl": "Ctrl", "alt": "Alt", "shift": "Shift", "super": "Cmd" if sys.platform == "darwin" else "Super"}
    names |= {"pageup": "PgUp", "pagedown": "PgDn", "escape": "Esc"}
    return "+".join(names.get(p, p.upper() if len(p) == 1 else p.capitalize()) for p in combo.split("+"))
