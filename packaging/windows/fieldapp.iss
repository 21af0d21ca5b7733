; Inno Setup 6 script for the laptop app on Windows: installs the PyInstaller folder dist\fieldapp
; (build.spec) for every user of the machine, with a Start menu entry for fieldapp-gui.exe (the
; app without a console window). .github/workflows/windows.yml builds it:
;
;   iscc /DAppVersion=0.1.0 packaging\windows\fieldapp.iss
;
; writes dist\fieldapp-0.1.0-windows-x64-setup.exe. Silent install for IT's deployment tools:
; `fieldapp-0.1.0-windows-x64-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART`.
;
; The data (the encrypted store, logs) lives in each user's %LOCALAPPDATA%\fieldapp, never under
; {app}: an uninstall removes only what this script installed, so the queue survives it, and an
; upgrade (same AppId, a newer version over the old) replaces only the program files.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Fieldapp Prakerja"

[Setup]
; Never change the AppId: it is how an upgrade finds the installed version.
AppId={{1449F20A-DDFA-4041-A80F-3A2232C738F4}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=fieldapp
DefaultDirName={autopf}\Fieldapp
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=fieldapp-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\build\icons\fieldapp.ico
UninstallDisplayIcon={app}\fieldapp-gui.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running app holds its store open; ask to close it rather than replace files under it.
CloseApplications=yes
RestartApplications=no

[Languages]
; Inno Setup ships no Indonesian messages; the app itself asks for the language on first run.
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\fieldapp\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade starts from a clean program folder: no library of an older version left behind.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\fieldapp-gui.exe"; Comment: "Pendaftaran Kartu Prakerja"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\fieldapp-gui.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\fieldapp-gui.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
