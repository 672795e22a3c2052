#!/usr/bin/env bash
# The whole test suite on a bare Debian 12 machine: set-up, lint, types, layer contract, all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/bootstrap.sh --test
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff";         ruff check . && ruff format --check .
echo "== mypy";         mypy
echo "== import-linter"; lint-imports
echo "== pytest";       pytest "$@"
