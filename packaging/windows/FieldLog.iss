; FieldLog's Windows installer (Inno Setup 6), made by .github/workflows/release.yml from the
; PyInstaller one-folder build:
;
;   iscc /DAppVersion=0.1.0 /DNumericVersion=0.1.0 /DBundleDir=C:\...\dist\FieldLog
;        /DOutputDir=C:\...\dist packaging\windows\FieldLog.iss
;
; - Per-user install without admin rights: PrivilegesRequired=lowest, so {autopf} is
;   %LOCALAPPDATA%\Programs and the shortcuts go in the user's own Start menu.
; - An upgrade installs over the previous version (same AppId); the database is upgraded by the
;   app itself on its next launch, with a backup first.
; - Uninstall removes only what this installer put in {app} (and its shortcuts). There is no
;   [UninstallDelete] section on purpose: the user's database, its backups and the logs live in
;   the platformdirs folders (%LOCALAPPDATA%\FieldLog\FieldLog\, ...\Logs\), outside {app}, and
;   are never deleted. The release workflow installs, uninstalls and checks that the database
;   is still there.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (from core.__version__)
#endif
#ifndef NumericVersion
  #define NumericVersion AppVersion
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\FieldLog"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

[Setup]
; Never change the AppId: it is how an upgrade finds the installed copy.
AppId={{D9FE3BBF-DF31-45E9-BAB2-CF9A0DA6C497}
AppName=FieldLog
AppVersion={#AppVersion}
AppVerName=FieldLog {#AppVersion}
AppPublisher=FieldLog
VersionInfoVersion={#NumericVersion}
VersionInfoProductVersion={#NumericVersion}
PrivilegesRequired=lowest
DefaultDirName={autopf}\FieldLog
DefaultGroupName=FieldLog
DisableProgramGroupPage=yes
UninstallDisplayName=FieldLog
UninstallDisplayIcon={app}\FieldLog.exe
SetupIconFile=..\..\resources\fieldlog.ico
OutputDir={#OutputDir}
OutputBaseFilename=FieldLog-{#AppVersion}-windows-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Close a running FieldLog before its files are replaced or removed.
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the program: clear the previous build's libraries so none is left behind.
; This is {app}\_internal only, never a data folder.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\FieldLog"; Filename: "{app}\FieldLog.exe"
Name: "{autodesktop}\FieldLog"; Filename: "{app}\FieldLog.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\FieldLog.exe"; Description: "{cm:LaunchProgram,FieldLog}"; Flags: nowait postinstall skipifsilent
