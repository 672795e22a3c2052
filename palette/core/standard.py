"""The standard library (标准话术): its reviewable TOML source, the bundled `phrases.db`, first-run import.

`resources/standard_library.toml` is what people review and edit; `python -m palette.core.standard build`
writes `phrases.db` from it; a test keeps the two equal. On first run (and after an update that
ships a changed `phrases.db`) the user database gets it as a read-only layer; otherwise nothing is written.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

from palette.core import paths
from palette.core.library_io import LibraryData, read_library_db, write_library_db
from palette.core.model import STANDARD_LIBRARY, ForbiddenWord, Library, LibraryKind, Phrase
from palette.core.store import Store


def load_source(library_toml: Path, forbidden_toml: Path) -> LibraryData:
    """Parse the TOML sources; phrase order is the file's order (the call flow)."""
    doc: dict[str, Any] = tomllib.loads(library_toml.read_text(encoding="utf-8"))
    name = doc.get("library", STANDARD_LIBRARY)
    phrases: list[Phrase] = []
    for category in doc["categories"]:
        for item in category["phrases"]:
            phrases.append(
                Phrase(
                    uid=item["uid"],
                    library=name,
                    category=category["name"],
                    title=item["title"],
                    body=item["body"],
                    shortcut=item.get("shortcut", ""),
                    tags=tuple(item.get("tags", ())),
                    sort_order=len(phrases),
                )
            )
    words = tomllib.loads(forbidden_toml.read_text(encoding="utf-8"))
    forbidden = tuple(ForbiddenWord(w["word"], w.get("suggestion", ""), name) for w in words["words"])
    return LibraryData(name=name, version=str(doc.get("version", "")), phrases=tuple(phrases), forbidden=forbidden)


def source_data() -> LibraryData:
    return load_source(paths.resource("standard_library.toml"), paths.resource("forbidden_words.toml"))


def ensure_standard_library(store: Store, bundled: Path | None = None) -> bool:
    """Import the bundled standard library when it is missing or changed; True when it wrote."""
    data = read_library_db(bundled or paths.standard_library_db(), library=STANDARD_LIBRARY)
    checksum = data.checksum()
    if _has_standard(store, checksum):
        return False
    with store.transaction():  # asked again under the lock: of two first runs, only one imports
        if _has_standard(store, checksum):
            return False
        store.replace_layer(
            Library(STANDARD_LIBRARY, LibraryKind.STANDARD, version=data.version, checksum=checksum, read_only=True),
            data.phrases,
            data.forbidden,
        )
    return True


def _has_standard(store: Store, checksum: str) -> bool:
    current = store.library(STANDARD_LIBRARY)
    return current is not None and current.checksum == checksum


def main(argv: list[str]) -> int:
    """`python -m palette.core.standard build [OUT]`: write phrases.db from the TOML sources."""
    if not argv or argv[0] != "build":
        print("usage: python -m palette.core.standard build [OUT.db]", file=sys.stderr)
        return 2
    out = Path(argv[1]) if len(argv) > 1 else paths.standard_library_db()
    try:
        data = source_data()
    except (OSError, tomllib.TOMLDecodeError, KeyError) as e:
        print(f"standard library source: {e}", file=sys.stderr)
        return 2
    try:
        write_library_db(data, out)
    except OSError as e:
        print(f"{out}: cannot write ({e.strerror or e})", file=sys.stderr)
        return 2
    print(f"{out}: {len(data.phrases)} phrases, {len(data.forbidden)} forbidden words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
