"""Rolling a team library back to a kept version (`palette library rollback`).

A rollback is a person's explicit act on their own machine: it is not held back by the mass-removal
rule of `subscribe` (that guards against torn reads and a lead's slip arriving unasked), and it is
itself a version, so rolling forward again is one more rollback. Personal phrases, pins and usage are
keyed outside the layer and stay. A subscription does not re-apply the content rolled back from; the
lead's next new version arrives as usual.
"""

from __future__ import annotations

from palette.core.model import LayerDiff, Library, LibraryKind, LibraryVersion
from palette.core.store import Store, StoreError
from palette.core.subscribe import skip_rolled_back


def rollback(store: Store, name: str, to: int | None = None) -> tuple[LibraryVersion, LayerDiff]:
    """Make team library `name` what version `to` was (default: the one before the current); one
    transaction. Returns the version restored and what changed."""
    lib = store.library(name)
    if lib is None or lib.kind is not LibraryKind.TEAM:
        raise StoreError(f"{name!r} is not a team library (see palette library list)")
    versions = store.library_versions(name)
    if to is None:
        if len(versions) < 2:
            raise StoreError(f"{name}: no earlier version to roll back to (see palette library log {name})")
        target = versions[-2]
    else:
        found = [v for v in versions if v.version == to]
        if not found:
            kept = f"{versions[0].version}-{versions[-1].version}" if versions else "none"
            raise StoreError(f"{name}: no version {to} (kept: {kept}; see palette library log {name})")
        target = found[0]
        if versions and target.version == versions[-1].version:
            raise StoreError(f"{name}: version {to} is the current one; nothing to roll back")
    phrases, forbidden = store.version_layer(name, target.version)
    restored = Library(name, LibraryKind.TEAM, source=lib.source, version=target.label, checksum=target.checksum)
    with store.transaction():
        diff = store.replace_layer(restored, phrases, forbidden, origin=f"rollback to {target.version}")
        skip_rolled_back(store, name, lib.checksum)
    return target, diff
