"""The phrase manager (tray → 管理话术), split by feature as Anki's browser is: `window` arranges the
panes and turns keys into commands, `tree` lists libraries and categories, `table` is the phrase
table's model, `editor` the editing pane, `commands` the undoable store changes."""

from palette.ui.manager.window import CategoryPicker, PhraseManager

__all__ = ["CategoryPicker", "PhraseManager"]
