"""The bundle's `palette` executable: the command line (and the tray app when run without a command;
`CHILD_ARG` first: the app's suggestion build, run as its child process)."""

import sys

if sys.argv[1:2] == ["--palette-suggest-build"]:  # palette.core.suggest.child.CHILD_ARG, not imported here
    from palette.core.suggest.child import main as child_main

    raise SystemExit(child_main(sys.argv[2:]))

from palette.cli import main

raise SystemExit(main())
