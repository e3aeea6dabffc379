#Requires -Version 5.1
<#
.SYNOPSIS
    Installs (or removes) Bridgekeeper's native messaging host for Windows browsers.

.DESCRIPTION
    Copies the jar into the install folder, writes a launcher, one manifest per browser family
    (UTF-8 without BOM) and, for each browser, a registry key
    SOFTWARE\<vendor>\NativeMessagingHosts\<host name> (64-bit view) whose default
    value is the manifest's absolute path. Everything created is listed in installed-files.txt in
    the install folder; -Uninstall removes exactly that. Re-running gives the same result.

    Launcher: bridgekeeper-host.exe built from installer\windows\bridgekeeper-host.c (a prebuilt
    one next to this script is used first, else it is compiled with cl.exe or MinGW gcc if one is
    on PATH). Without either, a .cmd launcher is written with a warning: cmd.exe mangles
    non-ASCII paths and leaves cmd.exe processes behind.

.PARAMETER HostName
    The product's native messaging host name (default dev.bridgekeeper.host): reverse-DNS of
    lowercase letters, digits and underscores, e.g. com.example.vault, at most 40 characters.
    Each product gets its own manifests, registry keys, install folder, agent socket and data
    folder, so products embedding Bridgekeeper install side by side. A desktop app embedding the
    agent library uses DesktopBridge.builder().product(new ProductIdentity(name, displayName)),
    and can register itself with the browsers from Java instead of this script:
    new NativeHostRegistration(product).install(launcher, chromeIds, firefoxIds), verify() and
    remove() (README, "Register from your app"). Both read the same browser catalog,
    installer\browsers.catalog.
.PARAMETER DisplayName
    The product's name in manifests (default Bridgekeeper).
.PARAMETER Scope
    User (default): HKCU keys, files in %LOCALAPPDATA%\Programs\Bridgekeeper.
    System: HKLM keys, files in %ProgramFiles%\Bridgekeeper (run as administrator).
.PARAMETER Browser
    Browsers to register (default: all; Windows has no profile folder to check first).
.PARAMETER ChromeId
    Chromium-family extension ids to allow (default: the sample extension).
.PARAMETER FirefoxId
    Firefox add-on ids to allow (default: the sample add-on).
.PARAMETER Prefix
    Install folder.
.PARAMETER Jar
    The runnable jar (default: cli\target\bridgekeeper.jar in this repository).
.PARAMETER Runtime
    System (default): a JDK 17+ from JAVA_HOME, then java.exe on PATH. Bundle: a jlink runtime
    built from that JDK into the install folder.
.PARAMETER Launcher
    Auto (default), Exe (fail without one), or Cmd (force the fallback).
.PARAMETER NoCds
    Do not build the class-data-sharing archive.
.PARAMETER DryRun
    Print every file, folder and registry key that would be created, changed or removed; change nothing.
.PARAMETER Uninstall
    Remove what installed-files.txt in the install folder lists.
.PARAMETER ListBrowsers
    Print the browsers and their registry keys, then exit.
.EXAMPLE
    powershell -ExecutionPolicy Bypass -File installer\install.ps1 -DryRun
#>
[CmdletBinding()]
param(
    [string] $HostName = 'dev.bridgekeeper.host',
    [string] $DisplayName = 'Bridgekeeper',
    [ValidateSet('User', 'System')] [string] $Scope = 'User',
    [string[]] $Browser = @(),
    [string[]] $ChromeId = @('ehcmijlhbioomifbjmghlpklegfgldmf'),
    [string[]] $FirefoxId = @('bridgekeeper-sample@bridgekeeper.dev'),
    [string] $Prefix = '',
    [string] $Jar = '',
    [ValidateSet('System', 'Bundle')] [string] $Runtime = 'System',
    [ValidateSet('Auto', 'Exe', 'Cmd')] [string] $Launcher = 'Auto',
    [switch] $NoCds,
    [switch] $DryRun,
    [switch] $Uninstall,
    [switch] $ListBrowsers
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$DefaultHostName = 'dev.bridgekeeper.host'
# The same rule as SocketPaths.requireHostName and install.sh.
if ($HostName -cnotmatch '^[a-z0-9_]+(\.[a-z0-9_]+)+$' -or $HostName.Length -gt 40) {
    Write-Host "install.ps1: error: -HostName '$HostName' is not a reverse-DNS name of lowercase letters, digits and underscores joined by single dots (at most 40 characters), e.g. com.example.vault" -ForegroundColor Red
    exit 1
}
if (-not $DisplayName -or $DisplayName -match '[^\x20-\x7E]') {
    Write-Host "install.ps1: error: -DisplayName must be printable ASCII and not empty" -ForegroundColor Red
    exit 1
}
# The product's folder: Bridgekeeper for the default host name (today's paths), else the host name.
$ProductFolder = if ($HostName -ceq $DefaultHostName) { 'Bridgekeeper' } else { $HostName }
$RepoDir = Split-Path -Parent $PSScriptRoot
$LogName = 'installed-files.txt'
$LogHeader = '# bridgekeeper install log v1: what install.ps1 created; uninstall removes exactly these'
$Utf8NoBom = New-Object System.Text.UTF8Encoding($false)
$CdsTimeoutMs = 60000

# The browser list: browsers.catalog beside this script, the one list install.sh and the Java
# library (NativeHostRegistration, bridgekeeper doctor) read too. Its 'windows' lines give each
# browser's family and the keys written below HKCU or HKLM (writes-key, with ${HOST}); where
# sources disagree (Brave, Vivaldi, LibreWolf) the catalog lists both keys.
$CatalogFile = Join-Path $PSScriptRoot 'browsers.catalog'
if (-not (Test-Path -LiteralPath $CatalogFile)) {
    Write-Host "install.ps1: error: the browser catalog $CatalogFile is missing (it ships beside install.ps1)" -ForegroundColor Red
    exit 1
}
$catalogEntries = [ordered]@{}
foreach ($line in [System.IO.File]::ReadAllLines($CatalogFile)) {
    if ($line -match '^\s*(#|$)') { continue }
    $f = $line.Split('|')
    if ($f.Count -lt 4 -or $f[0] -ne 'windows') { continue }
    if (-not $catalogEntries.Contains($f[1])) { $catalogEntries[$f[1]] = @{ Name = $f[1]; Family = ''; Vendors = @() } }
    $entry = $catalogEntries[$f[1]]
    switch ($f[2]) {
        'family' { $entry.Family = $f[3] }
        'writes-key' { $entry.Vendors += (($f[3] -replace '^SOFTWARE\\', '') -replace '\\NativeMessagingHosts\\\$\{HOST\}$', '') }
    }
}
$Catalog = @($catalogEntries.Values)

function Stop-Install([string] $Message) {
    Write-Host "install.ps1: error: $Message" -ForegroundColor Red
    exit 1
}

function Write-Note([string] $Message) { Write-Host $Message }

function Write-Warn([string] $Message) {
    Write-Host "install.ps1: warning: $Message" -ForegroundColor Yellow
}

# --------------------------------------------------------------------------------------------
# Input checks

function Test-LookAlikePath([string] $Path) {
    # A folder name mixing Latin letters with Cyrillic or Greek ones (a Cyrillic 'а' in
    # 'Bridgekeeper') looks right and is not. Other non-ASCII (José, 中文) is allowed.
    foreach ($part in ($Path -split '[\\/]')) {
        if ($part -match '[A-Za-z]' -and $part -match '[\u0370-\u03FF\u0400-\u052F]') { return $true }
    }
    return $false
}

function Test-Ascii([string] $Text) { return -not ($Text -match '[^\x20-\x7E]') }

foreach ($id in $ChromeId) {
    if ($id -cnotmatch '^[a-p]{32}$') { Stop-Install "-ChromeId '$id' is not a Chromium extension id (32 letters a-p)" }
}
foreach ($id in $FirefoxId) {
    if ($id -notmatch '^([A-Za-z0-9._+-]+@[A-Za-z0-9._-]+|\{[0-9A-Fa-f-]{36}\})$') {
        Stop-Install "-FirefoxId '$id' is not a Firefox add-on id (name@domain or {GUID})"
    }
}
$ChromeId = @($ChromeId | Select-Object -Unique)
$FirefoxId = @($FirefoxId | Select-Object -Unique)
$known = @($Catalog | ForEach-Object { $_.Name })
foreach ($b in $Browser) {
    if ($known -notcontains $b) { Stop-Install "unknown browser '$b'; known: $($known -join ' ')" }
}

if (-not $Prefix) {
    if ($Scope -eq 'System') { $Prefix = Join-Path $env:ProgramFiles $ProductFolder }
    else { $Prefix = Join-Path $env:LOCALAPPDATA "Programs\$ProductFolder" }
}
$Prefix = [System.IO.Path]::GetFullPath($Prefix).TrimEnd('\')
if (Test-LookAlikePath $Prefix) {
    Stop-Install "install folder '$Prefix' mixes Latin with Cyrillic or Greek letters (look-alikes such as a Cyrillic 'а'); refusing. Choose another -Prefix."
}
$LogFile = Join-Path $Prefix $LogName

function Test-Administrator {
    $principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
    return $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
}

if ($ListBrowsers) {
    $hive = if ($Scope -eq 'System') { 'HKLM' } else { 'HKCU' }
    Write-Note "Browsers for Windows, scope $Scope (keys in the 64-bit view):"
    foreach ($entry in $Catalog) {
        foreach ($vendor in $entry.Vendors) {
            Write-Note ("  {0,-20} {1,-9} {2}\SOFTWARE\{3}\NativeMessagingHosts\{4}" -f $entry.Name, $entry.Family, $hive, $vendor, $HostName)
        }
    }
    exit 0
}

# --------------------------------------------------------------------------------------------
# Registry (64-bit view, as the doctor and every browser read it)

function Open-BaseKey {
    $hive = if ($Scope -eq 'System') { [Microsoft.Win32.RegistryHive]::LocalMachine } else { [Microsoft.Win32.RegistryHive]::CurrentUser }
    return [Microsoft.Win32.RegistryKey]::OpenBaseKey($hive, [Microsoft.Win32.RegistryView]::Registry64)
}

function Get-HostKeyPath([string] $Vendor) { return "SOFTWARE\$Vendor\NativeMessagingHosts\$HostName" }

function Get-RegistryDefault([string] $Path) {
    $base = Open-BaseKey
    try {
        $key = $base.OpenSubKey($Path)
        if ($null -eq $key) { return $null }
        try { return $key.GetValue('') } finally { $key.Close() }
    } finally { $base.Close() }
}

# --------------------------------------------------------------------------------------------
# Recording and dry-run

$OldLog = @()
if (Test-Path -LiteralPath $LogFile) {
    $OldLog = @([System.IO.File]::ReadAllLines($LogFile, $Utf8NoBom) | Where-Object { $_ -and -not $_.StartsWith('#') })
}
$NewLog = New-Object System.Collections.Generic.List[string]

function Add-Record([string] $Kind, [string] $Path) {
    $line = "$Kind $Path"
    if (-not $NewLog.Contains($line)) { $NewLog.Add($line) }
}

function New-Folder([string] $Path) {
    $missing = New-Object System.Collections.Generic.List[string]
    $p = $Path
    while ($p -and -not (Test-Path -LiteralPath $p -PathType Container) -and -not $NewLog.Contains("dir $p")) {
        $missing.Insert(0, $p)
        $p = Split-Path -Parent $p
    }
    # Folders an earlier run created stay recorded.
    $p = $Path
    while ($p) {
        if ($OldLog -contains "dir $p") { Add-Record 'dir' $p }
        $p = Split-Path -Parent $p
    }
    foreach ($m in $missing) {
        if ($DryRun) { Write-Note "[dry-run] create folder $m" }
        else { [void][System.IO.Directory]::CreateDirectory($m) }
        Add-Record 'dir' $m
    }
}

function Write-TextFile([string] $Path, [string] $Text) {
    New-Folder (Split-Path -Parent $Path)
    Add-Record 'file' $Path
    $exists = Test-Path -LiteralPath $Path
    if ($exists -and ([System.IO.File]::ReadAllText($Path, $Utf8NoBom) -ceq $Text)) { return }
    if ($DryRun) {
        if ($exists) { Write-Note "[dry-run] update file $Path" } else { Write-Note "[dry-run] create file $Path" }
        return
    }
    [System.IO.File]::WriteAllText($Path, $Text, $Utf8NoBom)
}

function Copy-InstallFile([string] $Source, [string] $Path) {
    New-Folder (Split-Path -Parent $Path)
    Add-Record 'file' $Path
    if (Test-Path -LiteralPath $Path) {
        $same = (Get-FileHash -LiteralPath $Source).Hash -eq (Get-FileHash -LiteralPath $Path).Hash
        if ($same) { return }
        if ($DryRun) { Write-Note "[dry-run] update file $Path"; return }
    } elseif ($DryRun) { Write-Note "[dry-run] create file $Path"; return }
    Copy-Item -LiteralPath $Source -Destination $Path -Force
}

function Set-HostKey([string] $Vendor, [string] $ManifestPath) {
    $path = Get-HostKeyPath $Vendor
    $hive = if ($Scope -eq 'System') { 'HKLM' } else { 'HKCU' }
    Add-Record 'regkey' "$hive\$path"
    if ((Get-RegistryDefault $path) -eq $ManifestPath) { return }
    if ($DryRun) { Write-Note "[dry-run] set $hive\$path (64-bit view) = $ManifestPath"; return }
    $base = Open-BaseKey
    try {
        $key = $base.CreateSubKey($path)
        try { $key.SetValue('', $ManifestPath, [Microsoft.Win32.RegistryValueKind]::String) } finally { $key.Close() }
    } finally { $base.Close() }
}

function Remove-Entry([string] $Line) {
    $kind, $path = $Line -split ' ', 2
    switch ($kind) {
        'file' {
            if (Test-Path -LiteralPath $path -PathType Leaf) {
                if ($DryRun) { Write-Note "[dry-run] remove file $path" } else { Remove-Item -LiteralPath $path -Force }
            }
        }
        'tree' {
            if ((Test-Path -LiteralPath $path -PathType Container) -and ($path -like '*\Bridgekeeper\*')) {
                if ($DryRun) { Write-Note "[dry-run] remove folder tree $path" } else { Remove-Item -LiteralPath $path -Recurse -Force }
            }
        }
        'dir' {
            if (Test-Path -LiteralPath $path -PathType Container) {
                if (@(Get-ChildItem -LiteralPath $path -Force).Count -gt 0 -and -not $DryRun) {
                    Write-Note "kept $path`: it holds files that are not ours"
                } elseif ($DryRun) { Write-Note "[dry-run] remove folder $path (if empty)" }
                else { Remove-Item -LiteralPath $path -Force }
            }
        }
        'regkey' {
            $hive, $keyPath = $path -split '\\', 2
            $value = Get-RegistryDefault $keyPath
            # Only a key that still points into this install is ours to delete.
            if ($null -ne $value -and ([string]$value).StartsWith($Prefix + '\', [System.StringComparison]::OrdinalIgnoreCase)) {
                if ($DryRun) { Write-Note "[dry-run] delete registry key $path (64-bit view)"; return }
                $base = Open-BaseKey
                try { $base.DeleteSubKeyTree($keyPath, $false) } finally { $base.Close() }
            } elseif ($null -ne $value) {
                Write-Note "kept $path`: it now points at $value, not at this install"
            }
        }
    }
}

function Remove-Entries([string[]] $Lines, [System.Collections.Generic.List[string]] $Keep) {
    $ordered = @($Lines | Where-Object { $_ -like 'regkey *' }) + @($Lines | Where-Object { $_ -like 'file *' }) +
               @($Lines | Where-Object { $_ -like 'tree *' }) +
               @($Lines | Where-Object { $_ -like 'dir *' } | Sort-Object -Property Length -Descending)
    foreach ($line in $ordered) {
        if ($null -ne $Keep -and $Keep.Contains($line)) { continue }
        Remove-Entry $line
    }
}

# --------------------------------------------------------------------------------------------
# Uninstall

if ($Scope -eq 'System' -and -not $DryRun -and -not (Test-Administrator)) {
    Stop-Install "-Scope System writes to HKLM and $env:ProgramFiles: run PowerShell as administrator, or use -Scope User"
}

if ($Uninstall) {
    if (-not (Test-Path -LiteralPath $LogFile)) {
        Write-Note "Nothing to uninstall: no install log at $LogFile (use the same -Scope/-Prefix as the install)."
        exit 0
    }
    foreach ($line in $OldLog) {
        if ($line -notmatch '^(file|dir|tree) [A-Za-z]:\\' -and $line -notmatch '^regkey HK(CU|LM)\\SOFTWARE\\') {
            Stop-Install "the install log $LogFile has a line this installer did not write ('$line'); not touching anything"
        }
    }
    if ($DryRun) { Write-Note "[dry-run] remove file $LogFile (install log)" } else { Remove-Item -LiteralPath $LogFile -Force }
    Remove-Entries $OldLog $null
    if (-not $DryRun) { Write-Note "Bridgekeeper uninstalled from $Prefix." }
    exit 0
}

# --------------------------------------------------------------------------------------------
# Install checks

if (-not $Jar) { $Jar = Join-Path $RepoDir 'cli\target\bridgekeeper.jar' }
if (-not (Test-Path -LiteralPath $Jar -PathType Leaf)) {
    Stop-Install "jar not found: $Jar. Build it first (mvn -B -o -q package -DskipTests), or pass -Jar PATH"
}
# The host-only jar `mvn package` builds next to the shaded one runs the browser's host (it starts
# faster); an older build has none, and the launcher then runs the host from the shaded jar.
$HostJar = Join-Path (Split-Path -Parent $Jar) 'bridgekeeper-host.jar'
if (-not (Test-Path -LiteralPath $HostJar -PathType Leaf)) { $HostJar = Join-Path (Split-Path -Parent $Jar) '..\..\host\target\bridgekeeper-host.jar' }
$HostJarName = 'bridgekeeper.jar'
if (Test-Path -LiteralPath $HostJar -PathType Leaf) { $HostJarName = 'bridgekeeper-host.jar' } else { $HostJar = $null }
$FlagsFile = Join-Path $PSScriptRoot 'host-jvm-flags'
if (-not (Test-Path -LiteralPath $FlagsFile)) { Stop-Install "missing $FlagsFile (the launcher's JVM flags)" }
foreach ($family in 'chromium', 'firefox') {
    if (-not (Test-Path -LiteralPath (Join-Path $RepoDir "manifests\$family.json.in"))) {
        Stop-Install "missing manifest template manifests\$family.json.in"
    }
}

# Quotes one argument the way the MSVC runtime (and java.exe) split a command line.
function ConvertTo-CommandLineArgument([string] $Arg) {
    if ($Arg -and $Arg -notmatch '[\s"]') { return $Arg }
    $out = New-Object System.Text.StringBuilder
    [void]$out.Append('"')
    $backslashes = 0
    foreach ($c in $Arg.ToCharArray()) {
        if ($c -eq '\') { $backslashes++; continue }
        if ($c -eq '"') { [void]$out.Append('\' * ($backslashes * 2 + 1)) }
        elseif ($backslashes) { [void]$out.Append('\' * $backslashes) }
        $backslashes = 0
        [void]$out.Append($c)
    }
    [void]$out.Append('\' * ($backslashes * 2))
    [void]$out.Append('"')
    return $out.ToString()
}

# Runs a program without PowerShell's stderr handling (5.1 turns native stderr into errors).
function Invoke-Native([string] $Exe, [string[]] $Arguments, [string] $WorkingDirectory = '', [int] $TimeoutMs = 300000,
                       [hashtable] $Environment = @{}) {
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = $Exe
    $psi.Arguments = (@($Arguments | ForEach-Object { ConvertTo-CommandLineArgument $_ }) -join ' ')
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    $psi.CreateNoWindow = $true
    if ($WorkingDirectory) { $psi.WorkingDirectory = $WorkingDirectory }
    foreach ($name in $Environment.Keys) { $psi.EnvironmentVariables[$name] = $Environment[$name] }
    $process = [System.Diagnostics.Process]::Start($psi)
    $process.StandardInput.Close()   # EOF at once, like a browser closing the port
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    if (-not $process.WaitForExit($TimeoutMs)) {
        try { $process.Kill() } catch { }
        return @{ ExitCode = -1; StdOut = ''; StdErr = "timed out after $TimeoutMs ms" }
    }
    $process.WaitForExit()
    return @{ ExitCode = $process.ExitCode; StdOut = $stdout.Result; StdErr = $stderr.Result }
}

function Get-JavaInfo([string] $Java) {
    if (-not $Java -or -not (Test-Path -LiteralPath $Java -PathType Leaf)) { return $null }
    $r = Invoke-Native $Java @('-XshowSettings:properties', '-version')
    $text = $r.StdErr + $r.StdOut
    $javaHome = $null; $spec = $null
    foreach ($line in ($text -split "`r?`n")) {
        if ($line -match '^\s*java\.home = (.+)$') { $javaHome = $Matches[1].Trim() }
        if ($line -match '^\s*java\.specification\.version = (.+)$') { $spec = $Matches[1].Trim() }
    }
    if ($javaHome -and $spec) { return @{ Home = $javaHome; Spec = $spec } }
    return $null
}

$candidates = @()
if ($env:JAVA_HOME) { $candidates += (Join-Path $env:JAVA_HOME 'bin\java.exe') }
$onPath = Get-Command java.exe -ErrorAction SilentlyContinue
if ($onPath) { $candidates += $onPath.Source }
$JavaInfo = $null
foreach ($c in $candidates) { $JavaInfo = Get-JavaInfo $c; if ($JavaInfo) { break } }
if (-not $JavaInfo) {
    Stop-Install "no working Java found (tried: $($candidates -join ', ')). Install a JDK 17 or newer and set JAVA_HOME."
}
$specMajor = 0
if ($JavaInfo.Spec -match '^(\d+)') { $specMajor = [int]$Matches[1] }
if ($JavaInfo.Spec.StartsWith('1.') -or $specMajor -lt 17) {
    Stop-Install "Java $($JavaInfo.Spec) at $($JavaInfo.Home) is too old: Bridgekeeper needs Java 17 or newer (set JAVA_HOME to a JDK 17+)"
}
$JdkHome = $JavaInfo.Home
Write-Note "Using Java $($JavaInfo.Spec) from $JdkHome"

# java.exe reads its own command line in the ANSI code page; the launcher keeps the jar and
# archive relative to its folder, so only java.exe's own location must survive that code page.
function Test-AnsiSafe([string] $Text) {
    $ansi = [System.Text.Encoding]::GetEncoding([System.Globalization.CultureInfo]::CurrentCulture.TextInfo.ANSICodePage)
    return $ansi.GetString($ansi.GetBytes($Text)) -ceq $Text
}

# --------------------------------------------------------------------------------------------
# Files

[void](New-Folder $Prefix)
Copy-InstallFile $Jar (Join-Path $Prefix 'bridgekeeper.jar')
if ($HostJar) { Copy-InstallFile $HostJar (Join-Path $Prefix 'bridgekeeper-host.jar') }

# Java for the launcher: relative to the install folder when bundled.
$JavaForLauncher = Join-Path $JdkHome 'bin\java.exe'
$JavaToRun = $JavaForLauncher
if ($Runtime -eq 'Bundle') {
    if (-not (Test-AnsiSafe $Prefix)) {
        Stop-Install "a bundled runtime in '$Prefix' cannot start: java.exe cannot read its own path outside the ANSI code page. Use -Runtime System, or a -Prefix such as C:\Bridgekeeper."
    }
    $jlink = Join-Path $JdkHome 'bin\jlink.exe'
    $jdeps = Join-Path $JdkHome 'bin\jdeps.exe'
    if (-not (Test-Path $jlink) -or -not (Test-Path $jdeps)) { Stop-Install "-Runtime Bundle needs jlink and jdeps from a full JDK ($JdkHome has none)" }
    $runtimeDir = Join-Path $Prefix 'runtime'
    Add-Record 'tree' $runtimeDir
    $mods = (Invoke-Native $jdeps @('--ignore-missing-deps', '--print-module-deps', '--multi-release', "$specMajor", $Jar)).StdOut.Trim()
    if (-not $mods.StartsWith('java.base')) { $mods = 'java.base,java.desktop,java.naming,java.sql' }
    $listed = (Invoke-Native (Join-Path $JdkHome 'bin\java.exe') @('--list-modules')).StdOut
    if ($listed -match '(?m)^jdk\.crypto\.ec@') { $mods += ',jdk.crypto.ec' }
    $stamp = "$JdkHome $($JavaInfo.Spec) modules=$mods"
    $stampFile = Join-Path $runtimeDir 'bridgekeeper-runtime.stamp'
    $current = if (Test-Path -LiteralPath $stampFile) { [System.IO.File]::ReadAllText($stampFile).Trim() } else { '' }
    if ($current -ne $stamp) {
        if ($DryRun) { Write-Note "[dry-run] build a jlink runtime into $runtimeDir" }
        else {
            if (Test-Path -LiteralPath $runtimeDir) { Remove-Item -LiteralPath $runtimeDir -Recurse -Force }
            $compress = if ($specMajor -lt 21) { '--compress=2' } else { '--compress=zip-6' }
            Write-Note "Building a Java runtime with jlink (modules $mods)..."
            $r = Invoke-Native $jlink @('--add-modules', $mods, '--strip-debug', '--no-man-pages', '--no-header-files', $compress,
                                        '--generate-cds-archive', '--output', $runtimeDir)
            if ($r.ExitCode -ne 0) { Stop-Install "jlink failed: $($r.StdErr)$($r.StdOut)" }
            [System.IO.File]::WriteAllText($stampFile, $stamp, $Utf8NoBom)
        }
    }
    $JavaForLauncher = 'runtime\bin\java.exe'
    $JavaToRun = Join-Path $runtimeDir 'bin\java.exe'
}

$Flags = @(Get-Content -LiteralPath $FlagsFile -Encoding UTF8 | ForEach-Object { $_.Trim() } |
           Where-Object { $_ -and -not $_.StartsWith('#') })

function Get-LauncherFlags([bool] $WithArchive) {
    $out = @()
    foreach ($f in $Flags) {
        if ($f.Contains('@CDS_ARCHIVE@')) {
            if ($WithArchive) { $out += $f.Replace('@CDS_ARCHIVE@', 'host.jsa') }
        } else { $out += $f }
    }
    return $out
}

# Class-data archive: run the host once with stdin at EOF, relative paths as the launcher uses.
$archive = Join-Path $Prefix 'host.jsa'
$haveArchive = $false
if (-not $NoCds) {
    $archiveStamp = Join-Path $Prefix 'host.jsa.stamp'
    $stamp = "$JdkHome $($JavaInfo.Spec) $HostJarName $((Get-FileHash -LiteralPath $(if ($HostJar) { $HostJar } else { $Jar })).Hash) $(($Flags -join ' '))"
    if ($DryRun) {
        Write-Note "[dry-run] build class-data archive $archive (by running the host once)"
        Add-Record 'file' $archive; Add-Record 'file' $archiveStamp; $haveArchive = $true
    } elseif ((Test-Path -LiteralPath $archive) -and (Test-Path -LiteralPath $archiveStamp) -and
              ([System.IO.File]::ReadAllText($archiveStamp).Trim() -eq $stamp)) {
        Add-Record 'file' $archive; Add-Record 'file' $archiveStamp; $haveArchive = $true
    } else {
        if (Test-Path -LiteralPath $archive) { Remove-Item -LiteralPath $archive -Force }
        $dumpArgs = @(Get-LauncherFlags $false) + @("-XX:ArchiveClassesAtExit=host.jsa", '-jar', $HostJarName, 'host',
                                                    "chrome-extension://$($ChromeId[0])/", '--parent-window=0')
        $noAgent = Join-Path ([System.IO.Path]::GetTempPath()) "bridgekeeper-install-$PID\agent.sock"
        $r = Invoke-Native $JavaToRun $dumpArgs $Prefix $CdsTimeoutMs @{ BRIDGEKEEPER_SOCKET = $noAgent }
        if ($r.ExitCode -eq 0 -and (Test-Path -LiteralPath $archive)) {
            [System.IO.File]::WriteAllText($archiveStamp, $stamp, $Utf8NoBom)
            Add-Record 'file' $archive; Add-Record 'file' $archiveStamp; $haveArchive = $true
        } else {
            if (Test-Path -LiteralPath $archive) { Remove-Item -LiteralPath $archive -Force }
            Write-Warn "could not build the class-data archive (host exit code $($r.ExitCode)); the launcher works without it, only starts slower. $($r.StdErr.Trim() -split "`n" | Select-Object -Last 3)"
        }
    }
}

$launcherArgs = @($JavaForLauncher) + @(Get-LauncherFlags $haveArchive) + @('-jar', $HostJarName, 'host', "--host-name=$HostName")

# The launcher: .exe (prebuilt, or compiled here), else .cmd with a warning.
$exePath = Join-Path $Prefix 'bridgekeeper-host.exe'
$cmdPath = Join-Path $Prefix 'bridgekeeper-host.cmd'
$source = Join-Path $PSScriptRoot 'windows\bridgekeeper-host.c'
$prebuilt = Join-Path $PSScriptRoot 'windows\bridgekeeper-host.exe'
$LauncherPath = $null
if ($Launcher -ne 'Cmd') {
    if (Test-Path -LiteralPath $prebuilt) {
        Copy-InstallFile $prebuilt $exePath
        $LauncherPath = $exePath
    } else {
        $cl = Get-Command cl.exe -ErrorAction SilentlyContinue
        $gcc = Get-Command -Name @('x86_64-w64-mingw32-gcc.exe', 'gcc.exe') -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($cl -or $gcc) {
            Add-Record 'file' $exePath
            if ($DryRun) { Write-Note "[dry-run] compile $source into $exePath" }
            elseif (-not (Test-Path -LiteralPath $exePath) -or
                    (Get-Item -LiteralPath $exePath).LastWriteTimeUtc -lt (Get-Item -LiteralPath $source).LastWriteTimeUtc) {
                $build = Join-Path ([System.IO.Path]::GetTempPath()) "bridgekeeper-build-$PID"
                [void][System.IO.Directory]::CreateDirectory($build)
                if ($cl) {
                    $r = Invoke-Native $cl.Source @('/nologo', '/O2', '/W4', "/Fe$build\bridgekeeper-host.exe", "/Fo$build\\", $source) $build
                } else {
                    $r = Invoke-Native $gcc.Source @('-O2', '-Wall', '-municode', '-o', "$build\bridgekeeper-host.exe", $source) $build
                }
                if ($r.ExitCode -ne 0) { Stop-Install "compiling the launcher failed: $($r.StdOut)$($r.StdErr)" }
                Copy-Item -LiteralPath "$build\bridgekeeper-host.exe" -Destination $exePath -Force
                Remove-Item -LiteralPath $build -Recurse -Force
            }
            $LauncherPath = $exePath
        } elseif ($Launcher -eq 'Exe') {
            Stop-Install "-Launcher Exe: no prebuilt $prebuilt and no cl.exe or gcc on PATH to compile $source"
        }
    }
}
if ($LauncherPath) {
    Write-TextFile (Join-Path $Prefix 'bridgekeeper-host.args') ((@($launcherArgs) -join "`r`n") + "`r`n")
} else {
    # cmd.exe reads a batch file in the console code page: anything non-ASCII breaks.
    if (-not (Test-Ascii $Prefix) -or -not (Test-Ascii $JavaForLauncher)) {
        Stop-Install "the .cmd fallback cannot run from '$Prefix' (non-ASCII characters); provide installer\windows\bridgekeeper-host.exe or a compiler, or choose an ASCII -Prefix"
    }
    Write-Warn "no .exe launcher (no prebuilt one and no compiler): writing $cmdPath. Browsers then run the host through cmd.exe, which leaves cmd.exe processes behind and breaks on non-ASCII paths. See docs\installer-manual-test.md to build the .exe."
    $line = (@($launcherArgs) | ForEach-Object { ConvertTo-CommandLineArgument $_ }) -join ' '
    Write-TextFile $cmdPath ("@echo off`r`nrem Generated by Bridgekeeper install.ps1: FALLBACK launcher, see docs\installer-manual-test.md`r`ncd /d `"%~dp0`"`r`n$line %*`r`n")
    $LauncherPath = $cmdPath
}

# Manifests: one per family, UTF-8 without BOM, from the shared templates.
function ConvertTo-JsonText([string] $Text) {
    $sb = New-Object System.Text.StringBuilder
    foreach ($c in $Text.ToCharArray()) {
        switch ($c) {
            '"' { [void]$sb.Append('\"') }
            '\' { [void]$sb.Append('\\') }
            default {
                if ([int]$c -lt 0x20) { [void]$sb.AppendFormat('\u{0:x4}', [int]$c) } else { [void]$sb.Append($c) }
            }
        }
    }
    return $sb.ToString()
}

function New-ManifestText([string] $Family) {
    $template = [System.IO.File]::ReadAllText((Join-Path $RepoDir "manifests\$Family.json.in"), $Utf8NoBom)
    if ($Family -eq 'chromium') { $items = $ChromeId | ForEach-Object { '"chrome-extension://' + $_ + '/"' } }
    else { $items = $FirefoxId | ForEach-Object { '"' + $_ + '"' } }
    $text = $template.Replace('@NAME@', $HostName).Replace('@PATH@', (ConvertTo-JsonText $LauncherPath))
    $text = $text.Replace('@DESCRIPTION@', (ConvertTo-JsonText "$DisplayName native messaging host"))
    return $text.Replace('@ALLOWED@', '[' + (@($items) -join ', ') + ']').Replace("`r`n", "`n")
}

$selected = if ($Browser.Count -gt 0) { @($Catalog | Where-Object { $Browser -contains $_.Name }) } else { $Catalog }
$manifestPaths = @{}
foreach ($entry in $selected) {
    $family = $entry.Family
    if (-not $manifestPaths.ContainsKey($family)) {
        $path = Join-Path $Prefix "manifests\$family\$HostName.json"
        Write-TextFile $path (New-ManifestText $family)
        $manifestPaths[$family] = $path
    }
    foreach ($vendor in $entry.Vendors) { Set-HostKey $vendor $manifestPaths[$family] }
    Write-Note ("{0}: {1}" -f $entry.Name, (($entry.Vendors | ForEach-Object { Get-HostKeyPath $_ }) -join ', '))
}

# Remove what an earlier run installed and this one did not.
if ($OldLog.Count -gt 0) { Remove-Entries $OldLog $NewLog }

if ($DryRun) {
    Write-Note "[dry-run] write install log $LogFile"
    exit 0
}
$sorted = @($NewLog | Sort-Object -Unique)
[System.IO.File]::WriteAllText($LogFile, ((@($LogHeader) + $sorted) -join "`r`n") + "`r`n", $Utf8NoBom)
Write-Note "Installed Bridgekeeper in $Prefix (launcher $LauncherPath)."
Write-Note "Check it with: `"$JavaToRun`" -jar `"$Prefix\bridgekeeper.jar`" doctor"
