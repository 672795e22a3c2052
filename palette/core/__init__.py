"""Pure logic: store, search, placeholders, library import/export, lint. No Qt, no OS input."""
