"""The interface language: Qt translation files installed per the `language` setting, and swapped live.

Chinese is the source language of every `tr()` string, so 中文 needs no file of ours; it loads Qt's own
Chinese strings (standard buttons, text field menus). English loads `resources/i18n/palette_en.qm`,
compiled from `palette_en.ts` by `resources/i18n/update.sh`. Installing or removing a translator sends
every widget a LanguageChange event; windows that set their texts in `retranslate()` follow at once.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from palette.core import paths
from palette.core.config import Language, Settings
from palette.core.store import Store, StoreChange


def translation_files(language: Language) -> list[Path]:
    """The .qm files for a language, ours last so that they win."""
    qt = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if language is Language.EN:
        return [paths.resource("i18n", "palette_en.qm")]
    return [qt / "qtbase_zh_CN.qm"]


class Translations:
    """Keeps the application's translators in line with the `language` setting."""

    def __init__(self, app: QCoreApplication, store: Store) -> None:
        self.app = app
        self.settings = Settings(store)
        self.language: Language | None = None
        self._installed: list[QTranslator] = []
        self.apply()
        store.listen(self._on_change)

    def _on_change(self, change: StoreChange) -> None:
        if change.settings:
            self.apply()

    def apply(self) -> None:
        language = self.settings.config().language
        if language == self.language:
            return
        for old in self._installed:
            self.app.removeTranslator(old)
        self._installed = []
        for path in translation_files(language):
            translator = QTranslator(self.app)
            if path.is_file() and translator.load(str(path)):
                self.app.installTranslator(translator)
                self._installed.append(translator)
        self.language = language
