"""The bundle's `palette` executable: the command line (and the tray app when run without a command)."""

from palette.cli import main

raise SystemExit(main())
