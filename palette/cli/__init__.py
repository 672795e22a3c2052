"""The `palette` command line (docs/DESIGN.md, "The command line contract"): `palette.cli:main` is the
installed entry point (pyproject, packaging)."""

from palette.cli.entry import main

__all__ = ["main"]
