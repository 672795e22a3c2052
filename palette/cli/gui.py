"""show, manage, settings (and no command): the only commands that load Qt, through the app, lazily."""

from __future__ import annotations

import argparse


def cmd_gui(args: argparse.Namespace) -> int:
    from palette.app import main as run_app

    return run_app(args.command)
