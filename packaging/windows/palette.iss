; Palette (快捷话术板) — the Windows installer, Inno Setup 6. packaging\windows\build.ps1 builds dist\palette
; with PyInstaller and then runs:   iscc /DAppVersion=X.Y.Z packaging\windows\palette.iss
; Result: dist\Palette-X.Y.Z-setup.exe
;
; Per user, no administrator rights: installs to %LOCALAPPDATA%\Programs\Palette, a Start-menu entry, and
; (task "autostart", ticked by default) starts at sign-in through HKCU\...\Run. Mass install by IT:
;   Palette-X.Y.Z-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART [/TASKS="!autostart"] [/ALLUSERS]
; then, per machine:  "%LOCALAPPDATA%\Programs\Palette\palette.exe" --self-test
; Uninstall keeps the phrases database (%APPDATA%\Palette) unless the user says so when asked, or
; IT passes /PURGE=1 to the uninstaller (unins000.exe /VERYSILENT /PURGE=1).

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z packaging\windows\palette.iss (build.ps1 does)
#endif
#define Root AddBackslash(SourcePath) + "..\.."

[Setup]
AppId={{6F1C2B7E-3C1A-4E55-9A57-5E2D2C0B7A11}
AppName=Palette
AppVerName=快捷话术板 Palette {#AppVersion}
AppVersion={#AppVersion}
AppPublisher=Palette
DefaultDirName={autopf}\Palette
DisableDirPage=auto
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=Palette-{#AppVersion}-setup
SetupIconFile={#Root}\build\icons\palette.ico
UninstallDisplayIcon={app}\palette-gui.exe
UninstallDisplayName=快捷话术板 Palette
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[CustomMessages]
AutostartTask=登录 Windows 时自动启动 (start Palette when I sign in)
LaunchNow=现在启动快捷话术板 (start Palette now)
PurgeQuestion=是否同时删除您的话术数据库(个人话术、设置和使用记录)?%n%n%1%n%n选“否”则保留,重新安装后可继续使用。%n(Also delete your phrases database? Choose No to keep it for a reinstall.)

[Tasks]
Name: "autostart"; Description: "{cm:AutostartTask}"

[Files]
Source: "{#Root}\dist\palette\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\快捷话术板 Palette"; Filename: "{app}\palette-gui.exe"; Comment: "快捷话术板"

[Registry]
Root: HKA; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "Palette"; \
  ValueData: """{app}\palette-gui.exe"""; Flags: uninsdeletevalue; Tasks: autostart

[Run]
Filename: "{app}\palette-gui.exe"; Description: "{cm:LaunchNow}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
Filename: "{sys}\taskkill.exe"; Parameters: "/F /IM palette-gui.exe"; Flags: runhidden; RunOnceId: "StopPalette"

[UninstallDelete]
Type: filesandordirs; Name: "{app}"

[Code]
{ The user's database lives outside {app}; it goes only when asked (or /PURGE=1 on a silent uninstall). }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  DataDir := ExpandConstant('{userappdata}\Palette');
  if not DirExists(DataDir) then
    Exit;
  if ExpandConstant('{param:PURGE|0}') = '1' then
    DelTree(DataDir, True, True, True)
  else if not UninstallSilent then
    if MsgBox(FmtMessage(CustomMessage('PurgeQuestion'), [DataDir]), mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
      DelTree(DataDir, True, True, True);
end;
