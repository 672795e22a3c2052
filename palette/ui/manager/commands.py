"""Every manager action as an undoable store change (`QUndoCommand`): it is written at once, and undo
and redo write again. The commands know the window only as a `Host` (store, report, after_command)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from palette.core.editing import Entry
from palette.core.model import ImageRef, Phrase
from palette.core.store import Store, StoreError


class Host(Protocol):
    """What a command needs of the window that pushed it."""

    store: Store

    def report(self, message: str, ms: int = 6000) -> None: ...

    def after_command(self, key: str) -> None: ...


def fields_of(p: Phrase) -> dict[str, Any]:
    return {
        "title": p.title,
        "category": p.category,
        "body": p.body,
        "shortcut": p.shortcut,
        "tags": p.tags,
        "images": p.images,
        "send": p.send,
    }


class StoreCommand(QUndoCommand):
    """One action on the store. A StoreError (the data changed underneath, e.g. a re-import removed the
    phrase) drops the command from the stack and is reported instead of raised.

    Pictures: the store drops one when its last phrase lets go of it, so a command keeps the bytes of
    every picture it touches (`blobs`, given for new ones, read before a write for stored ones) and
    stores them again in the same transaction as each write, undo and redo alike (`_write_with`)."""

    def __init__(self, manager: Host, text: str, key: str, blobs: Mapping[str, bytes] | None = None) -> None:
        super().__init__(text)
        self.manager = manager
        self.store = manager.store
        self.key = key
        self.blobs: dict[str, bytes] = dict(blobs or {})

    def keep(self, refs: Iterable[ImageRef]) -> None:
        """Hold the bytes of these stored pictures, for a later undo or redo that needs them again."""
        for ref in refs:
            if ref.sha256 not in self.blobs:
                try:
                    self.blobs[ref.sha256] = self.store.image_bytes(ref.sha256)
                except StoreError:  # already gone: the write that needs it says so
                    continue

    def _write_with(self, step: Callable[[], None]) -> None:
        """`step` with the pictures held stored first, and what no phrase uses any more dropped after."""
        with self.store.transaction():
            for data in self.blobs.values():
                self.store.add_image(data)
            step()
            if self.blobs:
                self.store.drop_unlinked_images()

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        self._run(self.apply)

    def undo(self) -> None:
        self._run(self.revert)

    def _run(self, step: Callable[[], None]) -> None:
        try:
            step()
        except StoreError as e:
            self.setObsolete(True)
            self.manager.report(str(e))
        self.manager.after_command(self.key)


class Add(StoreCommand):
    """A new personal phrase, or an override of a read-only one (自定义)."""

    def __init__(
        self,
        manager: Host,
        text: str,
        fields: dict[str, Any],
        override_of: str | None,
        blobs: Mapping[str, bytes] | None = None,
    ) -> None:
        super().__init__(manager, text, override_of or "", blobs)
        self.fields = fields
        self.override_of = override_of
        self.phrase: Phrase | None = None

    def apply(self) -> None:
        phrase = self.phrase
        if phrase is None:
            self.keep(self.fields.get("images", ()))
            self._write_with(self._add)
        else:
            self._write_with(lambda: self.store.restore_phrase(phrase))

    def _add(self) -> None:
        self.phrase = self.store.add_phrase(**self.fields, override_of=self.override_of)
        self.key = self.override_of or self.phrase.uid

    def revert(self) -> None:
        assert self.phrase is not None
        self.store.delete_phrase(self.phrase.uid)


class Delete(StoreCommand):
    """Delete a personal phrase, or drop an override (恢复团队版本)."""

    def __init__(self, manager: Host, text: str, entry: Entry) -> None:
        super().__init__(manager, text, entry.key)
        assert entry.override is not None
        self.uid = entry.override.uid
        self.phrase: Phrase | None = None

    def apply(self) -> None:
        current = self.store.get(self.uid)
        if current is not None:
            self.keep(current.images)
        self.phrase = self.store.delete_phrase(self.uid)

    def revert(self) -> None:
        phrase = self.phrase
        assert phrase is not None
        self._write_with(lambda: self.store.restore_phrase(phrase))


class Edit(StoreCommand):
    """Field changes to personal phrases, in one transaction: an edit, a move, a reorder."""

    def __init__(
        self,
        manager: Host,
        text: str,
        key: str,
        changes: list[tuple[str, dict[str, Any], dict[str, Any]]],
        blobs: Mapping[str, bytes] | None = None,
    ) -> None:
        super().__init__(manager, text, key, blobs)
        self.changes = changes  # (uid, before, after)
        for _uid, before, _after in changes:
            self.keep(before.get("images", ()))

    def _write(self, forward: bool) -> None:
        def step() -> None:
            for uid, before, after in self.changes:
                self.store.update_phrase(uid, **(after if forward else before))

        self._write_with(step)

    def apply(self) -> None:
        self._write(True)

    def revert(self) -> None:
        self._write(False)


class Flags(StoreCommand):
    def __init__(self, manager: Host, text: str, entry: Entry, **after: bool) -> None:
        super().__init__(manager, text, entry.key)
        self.uid = entry.shown.uid
        self.after = after
        self.before = {name: getattr(entry.shown, name) for name in after}

    def apply(self) -> None:
        self.store.set_flags(self.uid, **self.after)

    def revert(self) -> None:
        self.store.set_flags(self.uid, **self.before)
