"""The bundle's windowed executable (Windows `palette-gui.exe`): the tray app, no console, no arguments
(but `CHILD_ARG`: the app's suggestion build runs this executable as its child process)."""

import sys

if sys.argv[1:2] == ["--palette-suggest-build"]:  # palette.core.suggest.child.CHILD_ARG, not imported here
    from palette.core.suggest.child import main as child_main

    raise SystemExit(child_main(sys.argv[2:]))

from palette.app import main

raise SystemExit(main())
