"""The phrase manager (tray → 管理话术): libraries and categories, a filtered phrase table, an editor.

Every action goes straight to the store as an undoable command (`QUndoStack`), so it is saved at once
and the palette's search index, which listens to the store, shows it on the next keystroke. The
window listens too: a team re-import or a `palette add` while it is open shows up without a reload.
What is listed, how reordering renumbers, and which fields are valid are pure functions in
`core.editing`; this module only arranges widgets and turns keys into commands.

Keys: Ctrl+F filter, Ctrl+N new, Ctrl+D duplicate, Ctrl+S save, Delete delete (a team phrase: hide),
Ctrl+Z / Ctrl+Shift+Z undo / redo, Ctrl+M move to a category, Alt+Up / Alt+Down reorder, Ctrl+T pin,
Ctrl+E customise, Ctrl+R restore the team version, Ctrl+H hide / unhide, Esc discard edits, Ctrl+W close.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QKeyEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QLineEdit,
    QMainWindow,
    QSplitter,
    QToolButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from palette.core import editing
from palette.core.config import Settings
from palette.core.editing import Entry
from palette.core.guard import Guard
from palette.core.listing import Listing
from palette.core.model import PERSONAL_LIBRARY, Phrase
from palette.core.search import SearchIndex
from palette.core.store import Store, StoreChange, StoreError
from palette.ui.manager import loading
from palette.ui.manager.actions import CategoryPicker, apply_icons, name_actions, update_actions
from palette.ui.manager.commands import Add, Delete, Edit, Flags, fields_of
from palette.ui.manager.editor import EditorContext, PhraseEditor
from palette.ui.manager.table import PAGE, EntryModel, EntryTable
from palette.ui.manager.tree import LibraryTree

REREAD_SHARE = 0.2  # more changed phrases than this share: re-read them all rather than one by one
DEFAULT_CATEGORY = "常用"


class PhraseManager(QMainWindow):
    """Tray → 管理话术. Built on first use and kept: closing hides it."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = Settings(store)
        self.listing = Listing([], [])
        self.by_key: dict[str, Entry] = {}
        self._generation = 0
        self._stale = True
        self._index: SearchIndex | None = None
        self._index_for: tuple[int, object] | None = None
        self._index_entries: dict[str, Entry] = {}  # the index's phrases' entries, by uid
        self._node: tuple[str | None, str | None] = (None, None)
        self._selecting = False
        self._library_names: list[str] = []
        self._disabled: frozenset[str] = frozenset()
        self._ordered = True  # the table lists entries in `listing` order (no filter)
        self._changed: set[str] | None = None  # uids changed since the last refresh; None: re-read all
        self.undo_stack = QUndoStack(self)

        self.tree = LibraryTree()
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.model = EntryModel(self)
        self.table = EntryTable(self.model)
        self.editor = PhraseEditor()

        middle = QWidget()
        mid_layout = QVBoxLayout(middle)
        mid_layout.setContentsMargins(0, 0, 0, 0)
        mid_layout.addWidget(self.filter)
        mid_layout.addWidget(self.table)
        split = QSplitter()
        split.addWidget(self.tree)
        split.addWidget(middle)
        split.addWidget(self.editor)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 2)
        self.setCentralWidget(split)
        self.toolbar = self.addToolBar("actions")
        self.toolbar.setObjectName("actions")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

        self._make_actions()
        self.retranslate()
        self.apply_icons()
        em = self.fontMetrics().horizontalAdvance("国")  # sizes follow the font, so they scale on HiDPI
        self.resize(em * 100, self.fontMetrics().height() * 42)
        split.setSizes([em * 14, em * 50, em * 36])
        self.table.size_columns(em)

        self.tree.currentItemChanged.connect(self._node_changed)
        self.filter.textChanged.connect(lambda _t: self._show_view())
        self.filter.installEventFilter(self)
        self.table.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.move_requested.connect(self._move_to, Qt.ConnectionType.QueuedConnection)
        self.editor.edited.connect(self._update_actions)
        self.undo_stack.indexChanged.connect(self._undo_index_changed)  # a method: gone with the window
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self._refresh_if_stale)
        self.destroyed.connect(store.listen(self._on_store_change))  # not called once the C++ side is gone

    # -- actions ----------------------------------------------------------------------------------

    def _action(
        self, icon_name: str, keys: Sequence[QKeySequence | QKeySequence.StandardKey | str], slot: Callable[[], object]
    ) -> QAction:
        action = QAction(self)
        action.setProperty("icon_name", icon_name)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        std = QKeySequence.StandardKey
        self.act_new = self._action("new", [std.New], self.new_phrase)
        self.act_duplicate = self._action("duplicate", ["Ctrl+D"], self.duplicate)
        self.act_save = self._action("save", [std.Save], self.save)
        self.act_delete = self._action("delete", [std.Delete], self.delete)
        self.act_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.addAction(self.act_delete)  # Delete in a text field deletes text, not the phrase
        self.removeAction(self.act_delete)
        self.act_undo = self._action("undo", [std.Undo], self.undo_stack.undo)
        self.act_redo = self._action("redo", [*QKeySequence.keyBindings(std.Redo), "Ctrl+Y"], self.undo_stack.redo)
        self.act_move = self._action("move", ["Ctrl+M"], self.move_to_category)
        self.act_up = self._action("up", ["Alt+Up"], lambda: self.nudge(-1))
        self.act_down = self._action("down", ["Alt+Down"], lambda: self.nudge(1))
        self.act_pin = self._action("pin", ["Ctrl+T"], self.toggle_pin)
        self.act_customise = self._action("customise", ["Ctrl+E"], self.customise)
        self.act_revert = self._action("revert", ["Ctrl+R"], self.revert)
        self.act_hide = self._action("hide", ["Ctrl+H"], self.toggle_hidden)
        self.act_filter = self._action("filter", [std.Find], self.focus_filter)
        self.act_discard = self._action("revert", [], self.discard)
        self.act_close = self._action("", [std.Close], self.close)
        self.act_enable_library = QAction(self, checkable=True)
        self.act_enable_library.triggered.connect(self.set_library_enabled)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        for a in (
            self.act_new, self.act_duplicate, self.act_save, self.act_delete, self.act_undo, self.act_redo,
            self.act_move, self.act_up, self.act_down, self.act_pin, self.act_hide,
        ):  # fmt: skip
            self.toolbar.addAction(a)
        self._layer_buttons: dict[QAction, QToolButton] = {}
        for a in (self.act_customise, self.act_revert):
            button = QToolButton()
            button.setDefaultAction(a)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.editor.banner_buttons.addWidget(button)
            self._layer_buttons[a] = button
        self.editor.banner_buttons.addStretch(1)
        self.editor.buttons.addStretch(1)
        for a in (self.act_discard, self.act_save):
            button = QToolButton()
            button.setDefaultAction(a)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.editor.buttons.addWidget(button)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("管理话术"))
        self.filter.setPlaceholderText(self.tr("筛选:中文、拼音、首字母或快捷码 (Ctrl+F)"))
        name_actions(self)
        self._update_actions()
        if self.listing.entries:
            self._rebuild_tree()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 4)

    def apply_icons(self) -> None:
        apply_icons(self)

    def _undo_index_changed(self, _index: int) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        update_actions(self)

    # -- showing -----------------------------------------------------------------------------------

    def present(self) -> None:
        """Tray → 管理话术: show (up to date), raise, and put the keyboard in the filter box."""
        if self._stale and not (not self.listing.entries and loading.preview(self)):
            self.refresh()
        self.show()
        self.raise_()
        self.activateWindow()
        self.focus_filter()

    @property
    def up_to_date(self) -> bool:
        """Whether the window shows the store as it is (false while a big store is still being read)."""
        return not self._stale

    def focus_filter(self) -> None:
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter.selectAll()

    def report(self, message: str, ms: int = 6000) -> None:
        self.statusBar().showMessage(message, ms)

    def _on_store_change(self, change: StoreChange) -> None:
        if change.usage and not change.libraries:
            return  # usage counts do not show here
        if change.libraries:
            self._changed = None  # a layer came, went or was replaced: read everything again
        elif self._changed is not None:
            self._changed |= change.uids
        self._stale = True
        if self.isVisible():
            self._refresh_timer.start()

    def _refresh_if_stale(self) -> None:
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Re-read the store: entries, tree, the table (keeping the selection), the editor's context."""
        self._stale = False
        changed, self._changed = self._changed, set()
        patch = None
        if changed is None or len(changed) > REREAD_SHARE * len(self.listing.entries):
            libraries = self.store.libraries()
            self._library_names = [lib.name for lib in libraries]
            self._disabled = frozenset(lib.name for lib in libraries if not lib.enabled)
            self.listing = Listing(self.store.phrases(), self._library_names, self._disabled)
        else:
            patch = self.listing.update(changed, self.store.get)
        self.by_key = self.listing.by_key
        self.model.disabled = self._disabled
        self.model.collisions = self.listing.collisions
        if patch is None or patch.gone or patch.came:
            self._generation += 1
        self._rebuild_tree()
        self.editor.set_context(
            EditorContext(
                profile=self.store.profile(),
                aliases=self.settings.config().placeholder_aliases,
                guard=Guard(self.store.forbidden_words()),
                categories=self.listing.categories(),
                shortcut_owner=self.listing.owner,
                image_bytes=self.store.image_bytes,
            )
        )
        current = self.editor.entry.key if self.editor.entry is not None else None
        if patch is not None and self._ordered:
            loading.patch_view(self, patch, select=current)
        else:
            self._show_view(select=current)
        if current is not None and current in self.by_key:
            entry = self.by_key[current]
            if self.editor.dirty:
                self.editor.entry = entry  # keep the agent's typing; save goes to the entry as it is now
            else:
                self.editor.load(entry)
        elif current is not None and not self.editor.is_new:
            self.editor.load(None)
        self._update_actions()

    def _rebuild_tree(self) -> None:
        self._selecting = True
        self._node = self.tree.rebuild(self.listing.counts, self._library_names, self._disabled, self._node)
        self._selecting = False

    def _tree_menu(self, pos: QPoint) -> None:
        self.tree.offer(pos, self.act_enable_library)

    def set_library_enabled(self, enabled: bool) -> None:
        """The tree's 启用此话术库 switch: a disabled library leaves the search and the palette, nothing
        of it is deleted."""
        library = self._node[0]
        if library is None:
            return
        try:
            self.store.set_library_enabled(library, enabled)
        except StoreError as e:
            self.report(str(e))
        self.refresh()

    def select_node(self, library: str | None, category: str | None = None) -> None:
        self.tree.select((library, category))

    def _node_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        """The editor keeps what it shows (and any unsaved typing) while the table lists another node."""
        if self._selecting or current is None:
            return
        self._node = current.data(0, Qt.ItemDataRole.UserRole)
        self._show_view(select=self.editor.entry.key if self.editor.entry is not None else None)

    def view(self) -> list[Entry]:
        library, category = self._node
        return editing.in_view(self.listing.entries, library, category)

    def _show_view(self, select: str | None = None) -> None:
        """Fill the table with the tree node's entries, or the filter's hits among them."""
        if select is None:
            current = self.current_entry()
            select = current.key if current is not None else None
        rows = self.view()
        text = self.filter.text().strip()
        more = None
        if text:
            more = self._search(rows, text)
            rows = more(PAGE)
            if len(rows) < PAGE:
                more = None  # every match is listed already
        reorderable = not text and self._node[0] == PERSONAL_LIBRARY
        self._ordered = not text
        self._selecting = True
        self.model.set_rows(rows, reorderable=reorderable, more=more)
        self._selecting = False
        if select is not None:
            self.select_entry(select)
        self._update_actions()

    def _search(self, rows: list[Entry], text: str) -> Callable[[int], list[Entry]]:
        """The palette's search engine over the entries in view, hidden ones included: a function
        giving the best `n` hits, so the table can ask for more as the agent scrolls."""
        key = (self._generation, self._node)
        if self._index is None or self._index_for != key:
            self._index = SearchIndex.from_phrases([e.shown for e in rows], libraries=self._library_names)
            self._index_for = key
            self._index_entries = {e.shown.uid: e for e in rows}
        index, by_uid = self._index, self._index_entries

        def best(n: int) -> list[Entry]:
            return [by_uid[h.phrase.uid] for h in index.query(text, n, scan=n) if h.phrase.uid in by_uid]

        return best

    def current_entry(self) -> Entry | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        entry: Entry = self.model.rows[index.row()]
        return entry

    def select_entry(self, key: str) -> bool:
        row = loading.row_of(self, key)
        if row is None:
            return False
        e = self.model.rows[row]
        index = self.model.index(row, 0)
        self._selecting = True
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self._selecting = False
        self.table.scrollTo(index)
        if self.editor.entry is None or self.editor.entry.key != key or not self.editor.dirty:
            self.editor.load(e)
        self._update_actions()
        return True

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._selecting:
            return
        target = self.model.rows[current.row()].key if current.isValid() else None
        if self.editor.dirty:  # save first; not from inside the selection model's signal (a save reloads)
            QTimer.singleShot(0, lambda: self._switch_to(target))
            return
        self.editor.load(self.by_key.get(target) if target is not None else None)
        self._update_actions()

    def _switch_to(self, key: str | None) -> None:
        """Another row was chosen while the editor had unsaved typing: save it, or stay on it."""
        if not self._leave_editor():
            shown = self.editor.entry
            if shown is None or not self.select_entry(shown.key):
                self._selecting = True
                self.table.clearSelection()
                self.table.setCurrentIndex(QModelIndex())
                self._selecting = False
            return
        if key is None or not self.select_entry(key):
            self.editor.load(None)
            self._update_actions()

    def _leave_editor(self) -> bool:
        """Before the editor shows something else: save what was typed; False when it cannot be saved."""
        if not self.editor.dirty:
            return True
        if self.save():
            return True
        self.report(self.tr("这条话术还不能保存:请先修正,或按 Esc 放弃修改"))
        return False

    # -- the commands --------------------------------------------------------------------------------

    def after_command(self, key: str) -> None:
        """After a command ran (first time, undo or redo): show the store as it is, on the entry."""
        self.refresh()
        if key and key in self.by_key and not self.select_entry(key):
            entry = self.by_key[key]
            self.filter.clear()
            self.select_node(entry.library, entry.shown.category)
            self.select_entry(key)

    def new_phrase(self, body: str = "") -> None:
        """Ctrl+N; from the palette's no-match state with what the agent typed as the `body`."""
        if not self._leave_editor():
            return
        category = self._node[1]
        current = self.current_entry()
        if category is None:
            category = current.shown.category if current is not None else DEFAULT_CATEGORY
        self.table.clearSelection()
        self.editor.load(None, new_category=category)
        if body:
            self.editor.body.setPlainText(body)
        self.editor.title.setFocus()
        self._update_actions()

    def save(self) -> bool:
        """Save the editor (Ctrl+S): a new phrase, or the changed fields of an editable one."""
        editor = self.editor
        if not editor.dirty:
            return True
        if editor.problems():
            (editor.title if not editor.values()["title"] else editor.body).setFocus()
            return False
        values = editor.values()
        if editor.is_new:
            editor.mark_saved()
            self.undo_stack.push(
                Add(self, self.tr("新建「{0}」").format(values["title"]), values, None, editor.images.data)
            )
            return True
        entry = editor.entry
        assert entry is not None and entry.override is not None
        before = {k: v for k, v in fields_of(entry.override).items() if v != values[k]}
        after = {k: values[k] for k in before}
        editor.mark_saved()
        text = self.tr("修改「{0}」").format(values["title"])
        self.undo_stack.push(Edit(self, text, entry.key, [(entry.override.uid, before, after)], editor.images.data))
        self.report(self.tr("已保存"))
        return True

    def discard(self) -> None:
        """Esc in the editor: drop what was typed."""
        self.editor.load(self.editor.entry)
        self.table.setFocus()
        self._update_actions()

    def duplicate(self) -> None:
        e = self.current_entry()
        if e is None or not self._leave_editor():
            return
        fields = fields_of(e.shown)
        fields["title"] = self.tr("{0}(副本)").format(fields["title"])
        fields["shortcut"] = ""  # a copy with the same code would make the code ambiguous
        self.undo_stack.push(Add(self, self.tr("复制「{0}」").format(e.shown.title), fields, None))
        self.editor.title.setFocus()
        self.editor.title.selectAll()

    def delete(self) -> None:
        """Delete: the agent's own phrase; for a customised one, their version; a team phrase is hidden."""
        e = self.current_entry()
        if e is None:
            return
        title = e.shown.title
        if e.read_only:
            if not e.shown.hidden:
                self.undo_stack.push(Flags(self, self.tr("隐藏「{0}」").format(title), e, hidden=True))
            self.report(self.tr("团队话术不能删除,已隐藏「{0}」(Ctrl+Z 撤销)").format(title))
            return
        row = self.table.currentIndex().row()
        if e.customised:
            self.undo_stack.push(Delete(self, self.tr("恢复团队版本「{0}」").format(title), e))
            self.report(self.tr("已恢复「{0}」的团队版本(Ctrl+Z 撤销)").format(title))
            return
        self.undo_stack.push(Delete(self, self.tr("删除「{0}」").format(title), e))
        if self.model.rows:
            self.select_entry(self.model.rows[min(row, len(self.model.rows) - 1)].key)
        self.report(self.tr("已删除「{0}」(Ctrl+Z 撤销)").format(title))

    def customise(self) -> None:
        e = self.current_entry()
        if e is None or not e.read_only:
            return
        self.undo_stack.push(
            Add(self, self.tr("自定义「{0}」").format(e.shown.title), fields_of(e.shown), override_of=e.key)
        )
        self.editor.body.setFocus()

    def revert(self) -> None:
        e = self.current_entry()
        if e is None or not e.customised:
            return
        self.undo_stack.push(Delete(self, self.tr("恢复团队版本「{0}」").format(e.shown.title), e))
        self.report(self.tr("已恢复「{0}」的团队版本(Ctrl+Z 撤销)").format(e.shown.title))

    def toggle_pin(self) -> None:
        e = self.current_entry()
        if e is not None:
            text = self.tr("取消置顶「{0}」") if e.shown.pinned else self.tr("置顶「{0}」")
            self.undo_stack.push(Flags(self, text.format(e.shown.title), e, pinned=not e.shown.pinned))

    def toggle_hidden(self) -> None:
        e = self.current_entry()
        if e is not None:
            text = self.tr("取消隐藏「{0}」") if e.shown.hidden else self.tr("隐藏「{0}」")
            self.undo_stack.push(Flags(self, text.format(e.shown.title), e, hidden=not e.shown.hidden))

    def move_to_category(self) -> None:
        e = self.current_entry()
        if e is None or not self._leave_editor():
            return
        target = CategoryPicker.ask(self, self.listing.categories(), e.shown.category)
        if target is None or target == e.shown.category:
            return
        text = self.tr("移动「{0}」到「{1}」").format(e.shown.title, target)
        if e.override is None:  # a team phrase moves as the agent's own version of it
            self.undo_stack.push(Add(self, text, {**fields_of(e.shown), "category": target}, override_of=e.key))
            return
        change = (e.override.uid, {"category": e.override.category}, {"category": target})
        self.undo_stack.push(Edit(self, text, e.key, [change]))

    def _personal(self) -> list[Phrase]:
        return self.store.phrases(library=PERSONAL_LIBRARY)

    def _reorder(self, key: str, orders: dict[str, int]) -> None:
        if not orders:
            return
        personal = {p.uid: p for p in self._personal()}
        changes = [(uid, {"sort_order": personal[uid].sort_order}, {"sort_order": n}) for uid, n in orders.items()]
        title = self.by_key[key].shown.title if key in self.by_key else ""
        self.undo_stack.push(Edit(self, self.tr("调整「{0}」的顺序").format(title), key, changes))

    def nudge(self, delta: int) -> None:
        """Alt+Up / Alt+Down: move the agent's own phrase one place within what the table shows."""
        e = self.current_entry()
        if e is None or e.original is not None or not self.model.reorderable:
            return
        view = [r.key for r in self.model.rows if r.original is None]
        self._reorder(e.key, editing.nudge(self._personal(), view, e.key, delta))

    def _move_to(self, keys: list[str], before: str | None) -> None:
        """A drag in the table: the dragged phrases go right before the row dropped on."""
        keys = [k for k in keys if k in self.by_key and self.by_key[k].original is None]
        if keys:
            self._reorder(keys[0], editing.move_before(self._personal(), keys, before))

    # -- keys and events ----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.filter and key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.table.setFocus()
                if not self.table.currentIndex().isValid() and self.model.rows:
                    self.table.selectRow(0)
                return True
            if watched is self.filter and key == Qt.Key.Key_Escape and self.filter.text():
                self.filter.clear()
                return True
            if watched is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                target = self.editor.body if self.editor.entry is not None and self.editor.entry.editable else None
                if target is not None:
                    target.setFocus()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.editor.isAncestorOf(self.focusWidget() or self):
            self.discard()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self.apply_icons()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._leave_editor():
            event.ignore()
            return
        event.accept()
