#!/usr/bin/env bash
# Start Palette from a source checkout (sets itself up first). Arguments go to `palette`,
# so `bash packaging/start.sh --version` or `bash packaging/start.sh search 您好` work too.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/bootstrap.sh
exec .venv/bin/palette "$@"
