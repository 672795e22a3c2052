#!/usr/bin/env bash
# Re-read every translatable string of the interface (palette/ui and its packages, palette/app.py) into palette_en.ts,
# then compile palette_en.qm. New strings arrive "unfinished": translate them (Qt Linguist, or by hand
# in the .ts), run this again, and commit both files. tests/test_i18n.py fails until that is done.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=.venv/bin
"$bin/pyside6-lupdate" -locations none -no-obsolete -source-language zh_CN -target-language en \
  palette/ui/*.py palette/ui/*/*.py palette/app.py -ts resources/i18n/palette_en.ts
"$bin/pyside6-lrelease" -nounfinished resources/i18n/palette_en.ts -qm resources/i18n/palette_en.qm
