"""`core.listing`: the manager's entries patched from store notifications equal a full re-read."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from palette.core.editing import ShortcutOwners, categories, entries, layer_collisions, offered
from palette.core.listing import Listing
from palette.core.model import PERSONAL_LIBRARY, STANDARD_LIBRARY, Library, LibraryKind, Phrase
from palette.core.store import Store, StoreError

TEAM = "客服一组"
CODES = ["", "a", "A", "b", "zz"]

OPS = st.lists(
    st.tuples(st.sampled_from(["add", "customise", "delete", "restore", "edit", "code", "flag"]), st.integers(0, 9)),
    max_size=25,
)


def team(n: int) -> list[Phrase]:
    return [Phrase(f"t{i}", TEAM, f"k{i % 2}", f"t{i}", "b", shortcut=CODES[i % 5], sort_order=i) for i in range(n)]


def assert_agrees(listing: Listing, store: Store, order: list[str], disabled: frozenset[str]) -> None:
    want = entries(store.phrases(), order)
    assert listing.entries == want
    assert listing.by_key == {e.key: e for e in want}
    assert listing.collisions == layer_collisions(want, disabled)
    assert {n: list(c.items()) for n, c in listing.counts.items()} == {
        n: list(c.items()) for n, c in Listing(store.phrases(), order, disabled).counts.items()
    }
    assert listing.categories() == categories(want)
    owners = ShortcutOwners(e for e in want if offered(e, disabled))
    for code in CODES[1:]:
        for exclude in (None, "t1", "t3"):
            assert listing.owner(code, exclude) == owners.owner(code, exclude)


@settings(deadline=None)
@given(OPS, st.booleans())
def test_updated_listing_agrees_with_reading_everything_again(ops: list[tuple[str, int]], off: bool) -> None:
    """Whatever the manager does to the store, patching the listing from the notifications gives the
    entries, collision marks, counts and shortcut owners a full re-read gives."""
    with tempfile.TemporaryDirectory() as d, Store(Path(d) / "palette.db") as store:
        store.replace_layer(Library(TEAM, LibraryKind.TEAM), team(6))
        store.replace_layer(
            Library(STANDARD_LIBRARY, LibraryKind.STANDARD),
            [Phrase("s0", STANDARD_LIBRARY, "问候", "s0", "b", shortcut="a")],
        )
        order = [lib.name for lib in store.libraries()]
        disabled = frozenset({TEAM} if off else ())
        seen: set[str] = set()
        store.listen(lambda change: seen.update(change.uids))
        listing = Listing(store.phrases(), order, disabled)
        deleted: list[Phrase] = []
        for op, n in ops:
            with contextlib.suppress(StoreError):  # a code another phrase has is refused
                do(store, op, n, deleted)
            changed = set(seen)
            seen.clear()
            patch = listing.update(changed, store.get)
            assert all(listing.by_key[e.key] == e for e in patch.came)
            assert_agrees(listing, store, order, disabled)


def do(store: Store, op: str, n: int, deleted: list[Phrase]) -> None:
    mine = store.phrases(PERSONAL_LIBRARY)
    customised = {p.override_of for p in mine}
    if op == "add":
        store.add_phrase(category=f"c{n % 3}", title=f"p{n}", body="b", shortcut=CODES[n % 5])
    elif op == "customise" and f"t{n % 6}" not in customised:
        store.add_phrase(category="改", title="o", body="b", override_of=f"t{n % 6}", shortcut=CODES[n % 5])
    elif op == "delete" and mine:
        deleted.append(store.delete_phrase(mine[n % len(mine)].uid))
    elif op == "restore" and deleted:
        store.restore_phrase(deleted.pop())
    elif op == "edit" and mine:
        store.update_phrase(mine[n % len(mine)].uid, sort_order=n, category=f"c{n % 2}")
    elif op == "code" and mine:
        store.update_phrase(mine[n % len(mine)].uid, shortcut=CODES[n % 5])
    elif op == "flag":
        everyone = store.phrases()
        store.set_flags(everyone[n % len(everyone)].uid, pinned=n % 2 == 0, hidden=n % 3 == 0)
