# Build the Windows installer on a Windows machine with Python 3.11+ and Inno Setup 6:
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Makes dist\palette\ (PyInstaller: palette.exe for the command line, palette-gui.exe without a console),
# checks it with --self-test, then dist\Palette-VERSION-setup.exe (packaging\windows\palette.iss).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
function Check($what) { if ($LASTEXITCODE -ne 0) { throw "$what failed (exit $LASTEXITCODE)" } }

if (-not (Test-Path .venv\Scripts\python.exe)) { py -3 -m venv .venv; Check "creating .venv" }
$py = ".venv\Scripts\python.exe"
& $py -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[build]"; Check "pip install"
& $py -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build\pyinstaller packaging\palette.spec
Check "PyInstaller"
$version = (& $py -c "import palette; print(palette.__version__)").Trim()

$env:PALETTE_HOME = Join-Path $env:TEMP ("palette-self-test-" + [guid]::NewGuid())
try { & dist\palette\palette.exe --self-test; Check "palette --self-test" }
finally { Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $env:PALETTE_HOME; Remove-Item Env:PALETTE_HOME }

$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" packaging\windows\palette.iss; Check "Inno Setup"
Write-Host "dist\Palette-$version-setup.exe"
