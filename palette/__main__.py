"""`python -m palette` behaves like the `palette` command."""

from palette.cli import main

raise SystemExit(main())
