"""The bundle's windowed executable (Windows `palette-gui.exe`): the tray app, no console, no arguments."""

from palette.app import main

raise SystemExit(main())
