"""The phrase manager (tray → 管理话术), split by feature as Anki's browser is: `window` arranges the
panes and turns keys into commands, `tree` lists libraries and categories, `table` is the phrase
table, `editor` the editing pane, `commands` the undoable store changes, `actions` their state."""

from palette.ui.manager.actions import CategoryPicker
from palette.ui.manager.window import PhraseManager

__all__ = ["CategoryPicker", "PhraseManager"]
