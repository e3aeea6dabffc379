#!/usr/bin/env bash
# Bridgekeeper installer for Linux and macOS.
#
# Installs the jar, a launcher and native messaging manifests for every supported browser whose
# config folder exists (NATIVE-MESSAGING.md section 2), and records every file and folder it
# creates in an install log so that --uninstall removes exactly those. Re-running gives the same
# result. Written for bash 3.2 (macOS) and newer: no associative arrays, no mapfile.
#
# Test hooks (not for users): BRIDGEKEEPER_OS=linux|darwin overrides the detected OS, and
# BRIDGEKEEPER_TEST_ROOT=DIR is prepended to every system-wide path (/etc, /opt, /usr, /Library).

set -eu
umask 022
# Byte-wise matching for the ASCII check and stable sorting.
LC_ALL=C
export LC_ALL

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
DEFAULT_HOST_NAME=dev.bridgekeeper.host
DEFAULT_CHROME_ID=ehcmijlhbioomifbjmghlpklegfgldmf
DEFAULT_FIREFOX_ID=bridgekeeper-sample@bridgekeeper.dev
LOG_NAME=installed-files.txt
LOG_HEADER="# bridgekeeper install log v1: what install.sh created; uninstall removes exactly these"
POLKIT_ACTION_FILE=dev.bridgekeeper.unlock.policy
CDS_TIMEOUT_SECONDS=60

usage() {
  cat <<'EOF'
usage: install.sh [options]          install (or update) Bridgekeeper's native messaging host
       install.sh --uninstall [...]  remove exactly what an earlier install created

options:
  --host-name NAME       the product's native messaging host name (default dev.bridgekeeper.host):
                         reverse-DNS of lowercase letters, digits and underscores, e.g.
                         com.example.vault, at most 40 characters. Each product gets its own
                         manifests, launcher, install folder, agent socket and data folder, so
                         products embedding Bridgekeeper install side by side
  --display-name TEXT    the product's name in manifests and service files (default Bridgekeeper)
  --scope user|system    user (default): manifests in your browser profiles, files under
                         ~/.local/share/bridgekeeper; system: system-wide folders and
                         /opt/bridgekeeper (needs root)
  --browser NAME         install for this browser only; repeat for more. Default: every
                         supported browser whose config folder exists (see --list-browsers)
  --chrome-id ID         Chromium-family extension id to allow (repeatable);
                         default ehcmijlhbioomifbjmghlpklegfgldmf (the sample extension)
  --firefox-id ID        Firefox add-on id to allow (repeatable);
                         default bridgekeeper-sample@bridgekeeper.dev
  --prefix DIR           install folder (default: $XDG_DATA_HOME/bridgekeeper, i.e.
                         ~/.local/share/bridgekeeper, or /opt/bridgekeeper for --scope system;
                         with --host-name NAME, NAME instead of bridgekeeper)
  --jar PATH             the runnable jar (default: cli/target/bridgekeeper.jar in this repo);
                         the host-only bridgekeeper-host.jar next to it, when there, is
                         installed too and runs the browser's host (it starts faster)
  --runtime system|bundle
                         system (default): use an installed JDK 17+ ($JAVA_HOME, then java on
                         PATH); bundle: build a trimmed runtime with jlink into the prefix
  --polkit               Linux: install polkit/dev.bridgekeeper.unlock.policy into
                         /usr/share/polkit-1/actions (asks for root through sudo or pkexec)
  --systemd-user         Linux: install a systemd user unit running 'bridgekeeper agent' for this
                         product, allowing exactly the --chrome-id/--firefox-id extensions
  --launch-agent         macOS: the same as a LaunchAgent
  --no-cds               do not build the class-data archive (AOT cache on JDK 25+);
                         the host then starts slower
  --dry-run              print every file and folder that would be created, changed or
                         removed, and change nothing
  --list-browsers        print the supported browsers, their manifest folders and whether
                         they were found, then exit
  --uninstall            remove what the install log in the prefix lists; keeps the product's
                         identity key and pairings (and says where)
  --purge                with --uninstall: also remove the identity key and pairings
  -h, --help             this help

The 'bridgekeeper' command is linked into ~/.local/bin (user scope) or /usr/local/bin (system
scope) for the default product; with --host-name, run <prefix>/bin/bridgekeeper with
--host-name NAME. A library embedding Bridgekeeper uses DesktopBridge.builder().product(...) with
the same host name, and can register itself from Java instead of running this script:
NativeHostRegistration.forUser(product).install(launcher, extensionIds), then verify(...) and
remove() (README, "Register from your app"). This script and that API read the same browser
list, installer/browsers.catalog (--list-browsers prints it for this OS).

Paths with non-ASCII characters in the install folder are refused (look-alike letters such as a
Cyrillic 'а' make paths that look right and are not; Windows launchers also mangle them).
EOF
}

die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }
warn() { printf 'install.sh: warning: %s\n' "$*" >&2; }
say() { printf '%s\n' "$*"; }

# ---------------------------------------------------------------------------------------------
# Options

SCOPE=user
BROWSERS=""
CHROME_IDS=""
FIREFOX_IDS=""
PREFIX=""
JAR=""
RUNTIME=system
WANT_POLKIT=0
WANT_SYSTEMD=0
WANT_LAUNCH_AGENT=0
WANT_CDS=1
DRY_RUN=0
LIST_ONLY=0
UNINSTALL=0
PURGE=0
HOST_NAME=$DEFAULT_HOST_NAME
DISPLAY_NAME=Bridgekeeper

need_value() { [ "$2" -ge 2 ] || die "option $1 needs a value (see --help)"; }

append_line() { # VAR_CONTENT NEW -> prints content with NEW appended unless already present
  if [ -z "$1" ]; then printf '%s' "$2"
  elif printf '%s\n' "$1" | grep -Fxq -- "$2"; then printf '%s' "$1"
  else printf '%s\n%s' "$1" "$2"
  fi
}

while [ $# -gt 0 ]; do
  case "$1" in
    --host-name) need_value "$1" $#; HOST_NAME=$2; shift 2 ;;
    --host-name=*) HOST_NAME=${1#*=}; shift ;;
    --display-name) need_value "$1" $#; DISPLAY_NAME=$2; shift 2 ;;
    --display-name=*) DISPLAY_NAME=${1#*=}; shift ;;
    --purge) PURGE=1; shift ;;
    --scope) need_value "$1" $#; SCOPE=$2; shift 2 ;;
    --scope=*) SCOPE=${1#*=}; shift ;;
    --browser) need_value "$1" $#; BROWSERS=$(append_line "$BROWSERS" "$2"); shift 2 ;;
    --browser=*) BROWSERS=$(append_line "$BROWSERS" "${1#*=}"); shift ;;
    --chrome-id) need_value "$1" $#; CHROME_IDS=$(append_line "$CHROME_IDS" "$2"); shift 2 ;;
    --chrome-id=*) CHROME_IDS=$(append_line "$CHROME_IDS" "${1#*=}"); shift ;;
    --firefox-id) need_value "$1" $#; FIREFOX_IDS=$(append_line "$FIREFOX_IDS" "$2"); shift 2 ;;
    --firefox-id=*) FIREFOX_IDS=$(append_line "$FIREFOX_IDS" "${1#*=}"); shift ;;
    --prefix) need_value "$1" $#; PREFIX=$2; shift 2 ;;
    --prefix=*) PREFIX=${1#*=}; shift ;;
    --jar) need_value "$1" $#; JAR=$2; shift 2 ;;
    --jar=*) JAR=${1#*=}; shift ;;
    --runtime) need_value "$1" $#; RUNTIME=$2; shift 2 ;;
    --runtime=*) RUNTIME=${1#*=}; shift ;;
    --polkit) WANT_POLKIT=1; shift ;;
    --systemd-user) WANT_SYSTEMD=1; shift ;;
    --launch-agent) WANT_LAUNCH_AGENT=1; shift ;;
    --no-cds) WANT_CDS=0; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    --list-browsers) LIST_ONLY=1; shift ;;
    --uninstall) UNINSTALL=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

case "$SCOPE" in user|system) ;; *) die "--scope must be user or system, not '$SCOPE'" ;; esac
case "$RUNTIME" in system|bundle) ;; *) die "--runtime must be system or bundle, not '$RUNTIME'" ;; esac
[ "$PURGE" = 0 ] || [ "$UNINSTALL" = 1 ] || die "--purge goes with --uninstall"
# Host names as browsers accept them (and as SocketPaths.requireHostName checks them): lowercase
# letters, digits, underscores, single dots; reverse-DNS, so at least one dot; short enough that
# the socket path fits the ~100-byte Unix limit.
if ! printf '%s' "$HOST_NAME" | grep -Eq '^[a-z0-9_]+(\.[a-z0-9_]+)+$' || [ "${#HOST_NAME}" -gt 40 ]; then
  die "--host-name '$HOST_NAME' is not a reverse-DNS name of lowercase letters, digits and underscores joined by single dots (at most 40 characters), e.g. com.example.vault"
fi
printf '%s' "$DISPLAY_NAME" | grep -q '[^ -~]' && die "--display-name must be printable ASCII"
[ -n "$DISPLAY_NAME" ] || die "--display-name must not be empty"
# The product's folder name: 'bridgekeeper' for the default host name (today's paths), the host
# name itself otherwise; the same rule as SocketPaths.productFolder in the Java code.
if [ "$HOST_NAME" = "$DEFAULT_HOST_NAME" ]; then PRODUCT_FOLDER=bridgekeeper; else PRODUCT_FOLDER=$HOST_NAME; fi
HOST_NAME_ARGS=""
[ "$HOST_NAME" = "$DEFAULT_HOST_NAME" ] || HOST_NAME_ARGS=" --host-name $HOST_NAME"
MANIFEST_FILE="$HOST_NAME.json"
DESCRIPTION="$DISPLAY_NAME native messaging host"
if [ "$HOST_NAME" = "$DEFAULT_HOST_NAME" ]; then
  SYSTEMD_UNIT=bridgekeeper-agent.service
  LAUNCH_AGENT_LABEL=dev.bridgekeeper.agent
else
  SYSTEMD_UNIT="$HOST_NAME-agent.service"
  LAUNCH_AGENT_LABEL="$HOST_NAME.agent"
fi

[ -n "$CHROME_IDS" ] || CHROME_IDS=$DEFAULT_CHROME_ID
[ -n "$FIREFOX_IDS" ] || FIREFOX_IDS=$DEFAULT_FIREFOX_ID

# Chromium extension ids are 32 letters a-p; the origin must end in a slash (no wildcards).
for id in $CHROME_IDS; do
  printf '%s' "$id" | grep -Eq '^[a-p]{32}$' \
    || die "--chrome-id '$id' is not a Chromium extension id (32 letters a-p)"
done
# Firefox add-on ids are either email-like or a {GUID}.
for id in $FIREFOX_IDS; do
  printf '%s' "$id" | grep -Eq '^([A-Za-z0-9._+-]+@[A-Za-z0-9._-]+|\{[0-9A-Fa-f-]{36}\})$' \
    || die "--firefox-id '$id' is not a Firefox add-on id (name@domain or {GUID})"
done

# ---------------------------------------------------------------------------------------------
# Platform and paths

OS=${BRIDGEKEEPER_OS:-}
if [ -z "$OS" ]; then
  case "$(uname -s)" in
    Linux) OS=linux ;;
    Darwin) OS=darwin ;;
    *) die "unsupported OS '$(uname -s)': use installer/install.ps1 on Windows" ;;
  esac
fi
case "$OS" in linux|darwin) ;; *) die "BRIDGEKEEPER_OS must be linux or darwin" ;; esac
REAL_DARWIN=0
[ "$(uname -s)" = Darwin ] && REAL_DARWIN=1
ROOT=${BRIDGEKEEPER_TEST_ROOT:-}

[ -n "${HOME:-}" ] || die "HOME is not set"
CONFIG_HOME=${XDG_CONFIG_HOME:-$HOME/.config}
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}

# The product's identity key and pairings (SocketPaths.dataDirectory's rule); per OS user.
if [ "$OS" = darwin ]; then
  if [ "$PRODUCT_FOLDER" = bridgekeeper ]; then DATA_DIR="$HOME/Library/Application Support/Bridgekeeper/agent"
  else DATA_DIR="$HOME/Library/Application Support/$PRODUCT_FOLDER/agent"; fi
else
  DATA_DIR="$DATA_HOME/$PRODUCT_FOLDER/agent"
fi

if [ -z "$PREFIX" ]; then
  if [ "$SCOPE" = user ]; then PREFIX="$DATA_HOME/$PRODUCT_FOLDER"; else PREFIX="$ROOT/opt/$PRODUCT_FOLDER"; fi
fi
case "$PREFIX" in /*) ;; *) PREFIX="$(pwd)/$PREFIX" ;; esac
PREFIX=${PREFIX%/}
LOG_FILE="$PREFIX/$LOG_NAME"

# Refuses a path we would write into a launcher or manifest when it has any byte outside
# printable ASCII: look-alike letters (Cyrillic 'а' for Latin 'a') and control characters.
require_ascii_path() { # WHAT PATH
  if printf '%s' "$2" | grep -q '[^ -~]'; then
    die "$1 '$2' contains non-ASCII or control characters; refusing, because look-alike letters (e.g. a Cyrillic 'а') make a path that looks right and is not, and launchers mangle such paths. Choose an ASCII-only folder with --prefix."
  fi
}
require_ascii_path "install folder" "$PREFIX"

# ---------------------------------------------------------------------------------------------
# Browser catalog: installer/browsers.catalog (the one list, also read by install.ps1 and the Java
# library), turned into one row per manifest folder of this OS and scope:
# NAME|FAMILY|MARKERS|MANIFEST_DIR|SANDBOX_DIR
# MARKERS: ';'-separated folders; the row counts as present when one of them exists.
# SANDBOX_DIR: for Flatpak browsers, a folder inside the sandbox that gets its own copy of the
# launcher, jar and runtime, because a sandboxed browser cannot see ~/.local or /usr/lib/jvm.
# User scope: a browser installed system-wide but never started has no profile folder yet, and it
# still reads the user folder, so its system markers count as signs of it too; the Java library
# (bridgekeeper doctor) applies the same rule, so the two agree on what is installed.

CATALOG_FILE="$SCRIPT_DIR/browsers.catalog"
[ -f "$CATALOG_FILE" ] || die "the browser catalog $CATALOG_FILE is missing (it ships beside install.sh)"

row() { printf '%s|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4" "${5:-}"; }

# Reads the catalog for $OS. MODE each: prints NAME|GLOB|DEFAULT of 'each' lines; MODE rows: the
# rows of $SCOPE, with ${EACH} taken from CAT_EACH (NAME|FOLDER lines). Values come through the
# environment, not -v, so backslashes in paths stay as they are.
catalog_awk() { # MODE
  CAT_OS=$OS CAT_SCOPE=$SCOPE CAT_HOME=$HOME CAT_CONFIG_HOME=$CONFIG_HOME CAT_DATA_HOME=$DATA_HOME \
  CAT_ROOT=$ROOT CAT_PRODUCT=$PRODUCT_FOLDER CAT_HOST=$HOST_NAME CAT_EACH=${CAT_EACH:-} \
  awk -F'|' -v mode="$1" '
    function repl(s, from, to,   i, out) {
      out = ""
      while ((i = index(s, from)) > 0) { out = out substr(s, 1, i - 1) to; s = substr(s, i + length(from)) }
      return out s
    }
    function expand(s) {
      s = repl(s, "${HOME}", ENVIRON["CAT_HOME"]); s = repl(s, "${CONFIG_HOME}", ENVIRON["CAT_CONFIG_HOME"])
      s = repl(s, "${DATA_HOME}", ENVIRON["CAT_DATA_HOME"]); s = repl(s, "${ROOT}", ENVIRON["CAT_ROOT"])
      s = repl(s, "${PRODUCT}", ENVIRON["CAT_PRODUCT"]); return repl(s, "${HOST}", ENVIRON["CAT_HOST"])
    }
    function add(k, v) { if (k in val) val[k] = val[k] ";" v; else val[k] = v }
    /^#/ || NF < 4 || $1 != ENVIRON["CAT_OS"] { next }
    {
      b = $2
      if (!(b in seen)) { seen[b] = 1; order[++n] = b }
      v = expand($4)
      if ($3 == "each") { each[b] = v "|" expand($5); next }
      if ($3 == "system-dir") { sys[b, ++ns[b]] = v; cond[b, ns[b]] = expand($5); next }
      if ($3 == "user-dir") { usr[b, ++nu[b]] = v; next }
      add(b SUBSEP $3, v)
    }
    function emit(b, markers, dir) {
      printf "%s|%s|%s|%s|%s\n", b, val[b, "family"], markers, dir, val[b, "sandbox"]
    }
    END {
      if (mode == "each") { for (i = 1; i <= n; i++) if (order[i] in each) print order[i] "|" each[order[i]]; exit }
      m = split(ENVIRON["CAT_EACH"], lines, "\n")
      for (i = 1; i <= n; i++) {
        b = order[i]
        if (ENVIRON["CAT_SCOPE"] == "system") {
          for (j = 1; j <= ns[b]; j++) emit(b, cond[b, j] != "" ? cond[b, j] : val[b, "system-marker"], sys[b, j])
          continue
        }
        markers = val[b, "user-marker"]
        if (val[b, "sandbox"] == "" && val[b, "system-marker"] != "") markers = markers ";" val[b, "system-marker"]
        for (j = 1; j <= nu[b]; j++) {
          if (!(b in each)) { emit(b, markers, usr[b, j]); continue }
          for (k = 1; k <= m; k++) {
            split(lines[k], f, "|")
            if (f[1] == b) emit(b, repl(markers, "${EACH}", f[2]), repl(usr[b, j], "${EACH}", f[2]))
          }
        }
      }
    }' "$CATALOG_FILE"
}

catalog() {
  CAT_EACH=""
  while IFS='|' read -r name glob default; do
    found=0
    old_ifs=$IFS
    IFS='
'
    # shellcheck disable=SC2086 # the pattern must expand; IFS is a newline so spaces stay
    for d in $glob; do
      [ -d "$d" ] || continue
      found=1
      CAT_EACH=$(append_line "$CAT_EACH" "$name|$d")
    done
    IFS=$old_ifs
    [ "$found" = 1 ] || CAT_EACH=$(append_line "$CAT_EACH" "$name|$default")
  done <<EOF
$(catalog_awk each)
EOF
  CAT_EACH=$CAT_EACH catalog_awk rows
}

markers_present() { # 'a;b;c' -> 0 when one exists
  rest=$1
  while [ -n "$rest" ]; do
    case "$rest" in
      *";"*) m=${rest%%;*}; rest=${rest#*;} ;;
      *) m=$rest; rest="" ;;
    esac
    # A folder an earlier run created (e.g. Chrome's for Opera) does not mean the browser is there.
    if [ -d "$m" ] && ! in_old_log "dir $m"; then return 0; fi
  done
  return 1
}

OLD_LOG=""
if [ -f "$LOG_FILE" ]; then
  OLD_LOG=$(grep -v '^#' "$LOG_FILE" || true)
fi
in_old_log() { [ -n "$OLD_LOG" ] && printf '%s\n' "$OLD_LOG" | grep -Fxq -- "$1"; }

CATALOG=$(catalog)
KNOWN_NAMES=$(printf '%s\n' "$CATALOG" | cut -d'|' -f1 | uniq)

if [ "$LIST_ONLY" = 1 ]; then
  say "Browsers for $OS, scope $SCOPE (found = its profile or install folder exists):"
  printf '%s\n' "$CATALOG" | while IFS='|' read -r name family markers dir sandbox; do
    if markers_present "$markers"; then state=found; else state="-"; fi
    extra=""
    [ -n "$sandbox" ] && extra=" (sandboxed copy in $sandbox)"
    printf '  %-20s %-6s %-9s %s%s\n' "$name" "$state" "$family" "$dir" "$extra"
  done
  exit 0
fi

for b in $BROWSERS; do
  printf '%s\n' "$KNOWN_NAMES" | grep -Fxq -- "$b" \
    || die "unknown browser '$b' for $OS/$SCOPE; known: $(printf '%s' "$KNOWN_NAMES" | tr '\n' ' ')"
done

# ---------------------------------------------------------------------------------------------
# Recording what we create, and dry-run

NEW_LOG=""

record() { # KIND PATH
  NEW_LOG=$(append_line "$NEW_LOG" "$1 $2")
}

# Creates DIR and its missing parents, recording each folder created by this run or an earlier
# one (a dry run counts the folders it would have created as existing).
ensure_dir() {
  d=$1
  missing=""
  while [ -n "$d" ] && [ "$d" != / ]; do
    if [ -d "$d" ]; then
      if in_old_log "dir $d"; then record dir "$d"; fi
    elif ! printf '%s\n' "$NEW_LOG" | grep -Fxq -- "dir $d"; then
      missing="$d
$missing"
    fi
    d=$(dirname "$d")
  done
  old_ifs=$IFS; IFS='
'
  for m in $missing; do
    if [ "$DRY_RUN" = 1 ]; then say "[dry-run] create folder $m"; else mkdir -m 0755 "$m"; fi
    record dir "$m"
  done
  IFS=$old_ifs
}

# Moves TMP to DEST with MODE unless DEST already has that content and mode (so a re-run
# changes nothing), and records DEST. Never called in a subshell: the record must survive.
commit_file() { # TMP DEST MODE
  chmod "$3" "$1"
  if [ -f "$2" ] && cmp -s "$1" "$2" && [ "$(file_mode "$2")" = "$(file_mode "$1")" ]; then
    rm -f "$1"
  else
    mv -f "$1" "$2"
  fi
}

announce_write() { # DEST MODE
  if [ -f "$1" ]; then say "[dry-run] update file $1 (mode $2)"; else say "[dry-run] create file $1 (mode $2)"; fi
}

# Writes TEXT plus a newline to DEST.
put_text() { # DEST MODE TEXT
  ensure_dir "$(dirname "$1")"
  record file "$1"
  if [ "$DRY_RUN" = 1 ]; then announce_write "$1" "$2"; return 0; fi
  printf '%s\n' "$3" >"$1.bk-tmp.$$"
  commit_file "$1.bk-tmp.$$" "$1" "$2"
}

put_copy() { # SRC DEST MODE
  ensure_dir "$(dirname "$2")"
  record file "$2"
  if [ "$DRY_RUN" = 1 ]; then announce_write "$2" "$3"; return 0; fi
  cp "$1" "$2.bk-tmp.$$"
  commit_file "$2.bk-tmp.$$" "$2" "$3"
}

file_mode() { # prints the permission bits, portable between GNU and BSD ls (stat differs)
  # shellcheck disable=SC2012 # one known path, only the mode column is read
  ls -ld "$1" | cut -c2-10
}

remove_path() { # KIND PATH
  kind=$1 p=$2
  case "$kind" in
    file|rootfile)
      [ -e "$p" ] || [ -L "$p" ] || return 0
      if [ "$DRY_RUN" = 1 ]; then say "[dry-run] remove file $p"; return 0; fi
      before_remove "$p"
      if [ "$kind" = rootfile ] && [ ! -w "$(dirname "$p")" ]; then
        as_root "removing $p needs root because its folder belongs to root" rm -f "$p"
      else
        rm -f "$p"
      fi
      ;;
    tree)
      [ -d "$p" ] || return 0
      # Never remove a whole folder that is not ours.
      case "$p" in */bridgekeeper/*|*/"$PRODUCT_FOLDER"/*) ;; *) warn "not removing '$p': not a Bridgekeeper folder"; return 0 ;; esac
      if [ "$DRY_RUN" = 1 ]; then say "[dry-run] remove folder tree $p"; else rm -rf "$p"; fi
      ;;
    dir)
      [ -d "$p" ] || return 0
      if [ -n "$(ls -A "$p" 2>/dev/null)" ] && [ "$DRY_RUN" = 0 ]; then
        say "kept $p: it holds files that are not ours"
        return 0
      fi
      if [ "$DRY_RUN" = 1 ]; then say "[dry-run] remove folder $p (if empty)"; else rmdir "$p" 2>/dev/null || true; fi
      ;;
  esac
}

# Stops services before their unit or plist disappears.
before_remove() {
  case "$1" in
    */systemd/user/$SYSTEMD_UNIT)
      if systemd_user_reachable; then
        systemctl --user disable --now "$SYSTEMD_UNIT" >/dev/null 2>&1 || true
      fi
      ;;
    */LaunchAgents/$LAUNCH_AGENT_LABEL.plist)
      if [ "$REAL_DARWIN" = 1 ]; then launchctl bootout "gui/$(id -u)" "$1" >/dev/null 2>&1 || true; fi
      ;;
  esac
}

systemd_user_reachable() {
  [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -S "$XDG_RUNTIME_DIR/systemd/private" ] && command -v systemctl >/dev/null 2>&1
}

# Runs a command as root, saying why first.
as_root() { # REASON CMD...
  reason=$1; shift
  if [ "$(id -u)" = 0 ]; then "$@"; return; fi
  if command -v sudo >/dev/null 2>&1; then
    say "$reason; running with sudo: $*"
    sudo "$@"
  elif command -v pkexec >/dev/null 2>&1; then
    say "$reason; running with pkexec: $*"
    pkexec "$@"
  else
    die "$reason, and neither sudo nor pkexec is available; run as root: $*"
  fi
}

# Removes entries of KIND listed in LOG_TEXT but not in KEEP_TEXT: files, then trees, then
# folders deepest first.
remove_entries() { # LOG_TEXT KEEP_TEXT
  for kind in file rootfile tree; do
    printf '%s\n' "$1" | grep "^$kind " | while IFS= read -r line; do
      [ -n "$2" ] && printf '%s\n' "$2" | grep -Fxq -- "$line" && continue
      remove_path "$kind" "${line#"$kind "}"
    done
  done
  printf '%s\n' "$1" | grep '^dir ' | awk '{ print length($0) "\t" $0 }' | sort -rn | cut -f2- |
    while IFS= read -r line; do
      [ -n "$2" ] && printf '%s\n' "$2" | grep -Fxq -- "$line" && continue
      remove_path dir "${line#dir }"
    done
}

# ---------------------------------------------------------------------------------------------
# Uninstall

# --purge: the product's identity key and pairings (the user's data, never in the install log).
purge_data() {
  [ -d "$DATA_DIR" ] || return 0
  case "$DATA_DIR" in */agent) ;; *) die "refusing to purge '$DATA_DIR': not an agent data folder" ;; esac
  if [ "$DRY_RUN" = 1 ]; then say "[dry-run] remove folder tree $DATA_DIR (identity key and pairings)"; return 0; fi
  rm -rf "$DATA_DIR"
  rmdir "$(dirname "$DATA_DIR")" 2>/dev/null || true
  say "Removed the identity key and pairings in $DATA_DIR."
}

if [ "$UNINSTALL" = 1 ]; then
  if [ ! -f "$LOG_FILE" ]; then
    say "Nothing to uninstall: no install log at $LOG_FILE (use the same --scope/--prefix/--host-name as the install)."
    [ "$PURGE" = 0 ] || purge_data
    exit 0
  fi
  if [ "$SCOPE" = system ] && [ -z "$ROOT" ] && [ "$(id -u)" != 0 ]; then
    die "uninstalling the system-wide install needs root: run it with sudo"
  fi
  # Refuse a log whose entries are not absolute paths: it was not written by us.
  if printf '%s\n' "$OLD_LOG" | grep -v '^$' | grep -Evq '^(file|rootfile|tree|dir) /'; then
    die "the install log $LOG_FILE has lines this installer did not write; not touching anything"
  fi
  # The log lives in the prefix: remove it first so the prefix can go too.
  if [ "$DRY_RUN" = 1 ]; then say "[dry-run] remove file $LOG_FILE (install log)"; else rm -f "$LOG_FILE"; fi
  # The identity key and pairings are the user's data, not installed files: only --purge
  # removes them, before the folders so that an emptied prefix can go too.
  [ "$PURGE" = 0 ] || purge_data
  remove_entries "$OLD_LOG" ""
  [ "$DRY_RUN" = 1 ] && exit 0
  say "$DISPLAY_NAME ($HOST_NAME) uninstalled from $PREFIX."
  if [ "$PURGE" = 0 ] && [ -d "$DATA_DIR" ]; then
    say "Kept the identity key and pairings in $DATA_DIR (paired extensions keep working after a re-install); remove them with --uninstall --purge$HOST_NAME_ARGS."
  fi
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Install: checks first, so a bad option changes nothing.

if [ "$SCOPE" = system ] && [ -z "$ROOT" ] && [ "$(id -u)" != 0 ]; then
  die "--scope system writes to /etc, /opt and /usr (or /Library): run it with sudo, or use --scope user"
fi
[ "$WANT_SYSTEMD" = 1 ] && [ "$OS" != linux ] && die "--systemd-user is for Linux; use --launch-agent on macOS"
[ "$WANT_LAUNCH_AGENT" = 1 ] && [ "$OS" != darwin ] && die "--launch-agent is for macOS; use --systemd-user on Linux"
[ "$WANT_POLKIT" = 1 ] && [ "$OS" != linux ] && die "--polkit is for Linux (macOS uses Touch ID through LocalAuthentication)"

# An installed copy of this script (<prefix>/installer/install.sh, run by 'bridgekeeper install')
# finds the jar it installed in <prefix>.
if [ -z "$JAR" ] && [ ! -f "$REPO_DIR/cli/target/bridgekeeper.jar" ] && [ -f "$REPO_DIR/bridgekeeper.jar" ]; then
  JAR="$REPO_DIR/bridgekeeper.jar"
fi
[ -n "$JAR" ] || JAR="$REPO_DIR/cli/target/bridgekeeper.jar"
[ -f "$JAR" ] || die "jar not found: $JAR. Build it first: (cd '$REPO_DIR' && mvn -B -q package -DskipTests), or pass --jar PATH"
# The host-only jar (host and protocol classes): the browser's launcher runs it. It lies next to
# the command's jar in a release, in host/target in a build of this repository; an older build has
# none, and the launcher then runs the host from the command's jar.
HOST_JAR="$(dirname "$JAR")/bridgekeeper-host.jar"
[ -f "$HOST_JAR" ] || HOST_JAR="$(dirname "$JAR")/../../host/target/bridgekeeper-host.jar"
[ -f "$HOST_JAR" ] || HOST_JAR=""
FLAGS_FILE="$SCRIPT_DIR/host-jvm-flags"
[ -f "$FLAGS_FILE" ] || die "missing $FLAGS_FILE (the launcher's JVM flags)"
for fam in chromium firefox; do
  [ -f "$REPO_DIR/manifests/$fam.json.in" ] || die "missing manifest template $REPO_DIR/manifests/$fam.json.in"
done

# Java: $JAVA_HOME, then java on PATH, then (macOS) /usr/libexec/java_home. Prints java.home.
java_home_of() { # JAVA_EXECUTABLE -> prints "HOME|SPEC_VERSION" or nothing (see find_java)
  "$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '
    $1 ~ /^ *java\.home$/ { home = $2 }
    $1 ~ /^ *java\.specification\.version$/ { spec = $2 }
    END { if (home != "" && spec != "") print home "|" spec }'
}

find_java() {
  tried=""
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null || true)"; do
    [ -n "$candidate" ] || continue
    tried="$tried $candidate"
    [ -x "$candidate" ] || continue
    info=$(java_home_of "$candidate")
    [ -n "$info" ] || continue
    printf '%s|%s' "$candidate" "$info"; return 0
  done
  if [ -x /usr/libexec/java_home ]; then
    h=$(/usr/libexec/java_home -v 17+ 2>/dev/null || true)
    if [ -n "$h" ] && [ -x "$h/bin/java" ]; then
      info=$(java_home_of "$h/bin/java"); [ -n "$info" ] && { printf '%s|%s' "$h/bin/java" "$info"; return 0; }
    fi
  fi
  die "no working Java found (tried:${tried:- nothing}). Install a JDK 17 or newer and set JAVA_HOME, or put its java on PATH."
}

# find_java prints "FOUND_AS|JAVA_HOME|SPEC": FOUND_AS is the path we found java by ($JAVA_HOME/bin/java
# or the java on PATH, e.g. /usr/bin/java, a link the package manager moves on upgrades), which the
# launchers run, so a JDK update that replaces the versioned folder does not break them.
JAVA_INFO=$(find_java)
JAVA_FOUND_AS=${JAVA_INFO%%|*}
JAVA_INFO=${JAVA_INFO#*|}
JDK_HOME=${JAVA_INFO%|*}
JAVA_SPEC=${JAVA_INFO#*|}
case "$JAVA_SPEC" in
  1.*|[0-9]|1[0-6]) die "Java $JAVA_SPEC at $JDK_HOME is too old: Bridgekeeper needs Java 17 or newer (set JAVA_HOME to a JDK 17+)" ;;
esac
SYSTEM_JAVA="$JDK_HOME/bin/java"
LAUNCHER_JAVA=$JAVA_FOUND_AS
# JDK 25+ (JEP 514/515): an AOT cache (-XX:AOTCacheOutput at install, -XX:AOTCache in the launcher)
# replaces the dynamic CDS archive; it also keeps profiles and starts the host faster with an agent.
# Every tree's java is this JDK or a jlink image of it, so one answer serves all trees.
USE_AOT=0
if [ "${JAVA_SPEC%%.*}" -ge 25 ] 2>/dev/null; then USE_AOT=1; fi
say "Using Java $JAVA_SPEC from $JDK_HOME"
if [ "$RUNTIME" = system ]; then
  require_ascii_path "Java home" "$JDK_HOME"
  require_ascii_path "Java" "$LAUNCHER_JAVA"
fi

# JVM flags: one per line; comments and blank lines skipped.
FLAGS=$(grep -v '^[[:space:]]*#' "$FLAGS_FILE" | sed 's/[[:space:]]*$//' | grep -v '^$' || true)

# Quotes one word for a POSIX shell script.
shell_quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
# Escapes a string for inside JSON quotes (paths here are printable ASCII).
json_escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

# ---------------------------------------------------------------------------------------------
# Runtime: jlink image built once per run when a tree needs one.

BUILT_RUNTIME=""
WORK_DIR=""
cleanup() {
  if [ -n "$WORK_DIR" ]; then rm -rf "$WORK_DIR"; fi
}
trap cleanup EXIT
# Created here, in the main shell: work_dir is mostly called as $(work_dir), a subshell, where
# setting WORK_DIR would be lost (a new folder per call, and none of them removed at exit).
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bridgekeeper-install.XXXXXX")
work_dir() { printf '%s' "$WORK_DIR"; }

JLINK="$JDK_HOME/bin/jlink"
JDEPS="$JDK_HOME/bin/jdeps"
can_jlink() { [ -x "$JLINK" ] && [ -x "$JDEPS" ]; }

# The modules the shaded jar needs (jdeps), plus jdk.crypto.ec where it still exists (JDK < 22
# keeps X25519/EC there and providers are found by service lookup, which jdeps cannot see).
runtime_modules() {
  mods=$("$JDEPS" --ignore-missing-deps --print-module-deps --multi-release "$JAVA_SPEC" "$JAR" 2>/dev/null | tail -n 1)
  case "$mods" in java.base*) ;; *) mods="java.base,java.desktop,java.naming,java.sql" ;; esac
  if "$SYSTEM_JAVA" --list-modules 2>/dev/null | grep -q '^jdk\.crypto\.ec@'; then mods="$mods,jdk.crypto.ec"; fi
  printf '%s' "$mods"
}

RUNTIME_STAMP=""
runtime_stamp() {
  if [ -z "$RUNTIME_STAMP" ]; then
    RUNTIME_STAMP="$JDK_HOME $("$SYSTEM_JAVA" -version 2>&1 | tr '\n' ' ') modules=$(runtime_modules)"
  fi
  printf '%s' "$RUNTIME_STAMP"
}

build_runtime() {
  [ -n "$BUILT_RUNTIME" ] && return 0
  can_jlink || die "--runtime bundle and Flatpak browsers need jlink and jdeps from a full JDK ($JDK_HOME has none)"
  out="$(work_dir)/runtime"
  mods=$(runtime_modules)
  case "$JAVA_SPEC" in 17|18|19|20) compress=--compress=2 ;; *) compress=--compress=zip-6 ;; esac
  say "Building a Java runtime with jlink (modules $mods); this takes a few seconds..."
  "$JLINK" --add-modules "$mods" --strip-debug --no-man-pages --no-header-files "$compress" \
    --generate-cds-archive --output "$out" >"$(work_dir)/jlink.log" 2>&1 \
    || { cat "$(work_dir)/jlink.log" >&2; die "jlink failed (output above)"; }
  printf '%s\n' "$(runtime_stamp)" >"$out/bridgekeeper-runtime.stamp"
  BUILT_RUNTIME=$out
}

# Puts a runtime into TREE/runtime unless an identical one is there already.
install_runtime() { # TREE
  dest="$1/runtime"
  record tree "$dest"
  if [ -f "$dest/bridgekeeper-runtime.stamp" ] && [ "$(cat "$dest/bridgekeeper-runtime.stamp")" = "$(runtime_stamp)" ]; then
    return 0
  fi
  if [ "$DRY_RUN" = 1 ]; then say "[dry-run] build a jlink runtime into $dest"; return 0; fi
  build_runtime
  rm -rf "$dest"
  cp -R "$BUILT_RUNTIME" "$dest"
}

# ---------------------------------------------------------------------------------------------
# Host tree: jar + launcher (+ runtime, + CDS archive) in DIR.

# Runs CMD with a time limit, without coreutils' timeout (absent on macOS).
run_with_timeout() { # SECONDS CMD...
  limit=$1; shift
  # <&0: an asynchronous command would otherwise read /dev/null instead of our stdin.
  "$@" <&0 &
  child=$!
  (
    n=0
    while [ "$n" -lt "$limit" ]; do
      sleep 1
      kill -0 "$child" 2>/dev/null || exit 0
      n=$((n + 1))
    done
    kill -TERM "$child" 2>/dev/null
  ) >/dev/null 2>&1 &
  if wait "$child"; then return 0; else return $?; fi
}

# The flags for a launcher: @CDS_ARCHIVE@ lines kept (filled in) only when ARCHIVE is non-empty.
# With the AOT cache (JDK 25+) the @CDS_ARCHIVE@ line becomes -XX:AOTCache=ARCHIVE and -Xshare
# lines are dropped: JDK 25 refuses to start with -XX:AOTCache and any -Xshare option, and says
# so on stdout, where the browser expects frames.
flags_for() { # ARCHIVE
  printf '%s\n' "$FLAGS" | while IFS= read -r flag; do
    if [ "$USE_AOT" = 1 ]; then
      case "$flag" in
        -Xshare:*) continue ;;
        *@CDS_ARCHIVE@*) [ -z "$1" ] || printf '%s\n' "-XX:AOTCache=$1"; continue ;;
      esac
    fi
    case "$flag" in
      *@CDS_ARCHIVE@*)
        [ -n "$1" ] || continue
        printf '%s\n' "$flag" | awk -v a="$1" '{ i = index($0, "@CDS_ARCHIVE@"); print substr($0, 1, i - 1) a substr($0, i + 13) }'
        ;;
      *) printf '%s\n' "$flag" ;;
    esac
  done
}

# Starts `bridgekeeper echo-agent` (it answers the host's hello with status/connected, then echoes
# frames) on a socket in a private scratch folder, so the training run below takes the connected
# path. Sets TRAIN_AGENT_PID and TRAIN_SOCKET; returns 1 (and stops what it started) when the
# agent does not listen within 15 s.
start_training_agent() { # TREE JAVA
  TRAIN_AGENT_PID="" TRAIN_SOCKET=""
  scratch="$(work_dir)/training-agent"
  rm -rf "$scratch"
  mkdir -m 0700 "$scratch" || return 1
  "$2" -jar "$1/bridgekeeper.jar" echo-agent --socket "$scratch/agent.sock" </dev/null >/dev/null 2>"$(work_dir)/echo-agent.log" &
  TRAIN_AGENT_PID=$!
  n=0
  while [ "$n" -lt 150 ]; do
    if [ -S "$scratch/agent.sock" ]; then TRAIN_SOCKET="$scratch/agent.sock"; return 0; fi
    kill -0 "$TRAIN_AGENT_PID" 2>/dev/null || break
    sleep 0.1
    n=$((n + 1))
  done
  stop_training_agent
  return 1
}

stop_training_agent() {
  if [ -n "${TRAIN_AGENT_PID:-}" ]; then
    kill "$TRAIN_AGENT_PID" 2>/dev/null || true
    wait "$TRAIN_AGENT_PID" 2>/dev/null || true
    TRAIN_AGENT_PID=""
  fi
  rm -rf "$(work_dir)/training-agent"
}

# The browser's side of a training run: waits for the host's first frame (status/connected when
# the echo agent answers), sends one small frame for the host to relay, waits a moment for the
# echo, then closes stdin (EOF ends the host).
training_input() { # HOST_STDOUT_FILE
  n=0
  while [ ! -s "$1" ] && [ "$n" -lt 150 ]; do sleep 0.1; n=$((n + 1)); done
  # A 15-byte frame: {"type":"ping"} after its little-endian length.
  printf '\017\000\000\000{"type":"ping"}'
  sleep 0.5
}

# Builds TREE/host.jsa by running the host once (JDK 13+ dynamic archive at exit), or on JDK 25+
# TREE/host.aot (AOT cache, -XX:AOTCacheOutput), against an echo agent, so the archive holds the connected path and the relay too; without the agent (it could
# not start) the host runs with no agent to reach and the archive holds the start-up path only.
# Reuses an archive built from the same java, jar and flags.
# Sets CDS_ARCHIVE to the archive path, or to "" when there is none.
build_cds_archive() { # TREE JAVA HOST_JAR_NAME
  tree=$1 java=$2 host_jar="$1/$3"
  if [ "$USE_AOT" = 1 ]; then
    archive="$tree/host.aot" dump_flag="-XX:AOTCacheOutput=$tree/host.aot" what="AOT cache"
  else
    archive="$tree/host.jsa" dump_flag="-XX:ArchiveClassesAtExit=$tree/host.jsa" what="class-data archive"
  fi
  stamp_file="$archive.stamp"
  CDS_ARCHIVE=""
  if [ "$DRY_RUN" = 1 ]; then
    say "[dry-run] build $what $archive (by running the host once against an echo agent)"
    record file "$archive"; record file "$stamp_file"
    CDS_ARCHIVE=$archive
    return 0
  fi
  stamp="$("$java" -version 2>&1 | tr '\n' ' ') jar=$3:$(cksum <"$host_jar") flags=$(printf '%s' "$FLAGS" | cksum) trained=agent"
  if [ -s "$archive" ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
    record file "$archive"; record file "$stamp_file"
    CDS_ARCHIVE=$archive
    return 0
  fi
  rm -f "$archive" "$stamp_file"
  wd=$(work_dir)
  socket="$wd/no-agent/agent.sock"
  if start_training_agent "$tree" "$java"; then
    socket=$TRAIN_SOCKET
  else
    warn "the echo agent for training the $what did not start; training without it (the host then starts a little slower with an agent). Its log: $(tail -n 2 "$wd/echo-agent.log" 2>/dev/null | tr '\n' ' ')"
    # A stamp that cannot match: the next install tries the agent again.
    stamp="$stamp-failed"
  fi
  dump_flags=$(flags_for "" | tr '\n' ' ')
  first_id=$(printf '%s\n' "$CHROME_IDS" | head -n 1)
  : >"$wd/training.out"
  # SC2094: training_input only watches the host's output file grow, it never reads it.
  # shellcheck disable=SC2086,SC2094 # one flag per line in host-jvm-flags, so no flag holds a space
  if ( cd "$tree" && training_input "$wd/training.out" | BRIDGEKEEPER_SOCKET="$socket" \
       run_with_timeout "$CDS_TIMEOUT_SECONDS" "$java" $dump_flags "$dump_flag" \
         -jar "$host_jar" host "--host-name=$HOST_NAME" "chrome-extension://$first_id/" \
         >"$wd/training.out" 2>"$wd/cds.log" ) && [ -s "$archive" ]; then
    chmod 0644 "$archive"
    printf '%s\n' "$stamp" >"$stamp_file"
    chmod 0644 "$stamp_file"
    record file "$archive"; record file "$stamp_file"
    CDS_ARCHIVE=$archive
  else
    rm -f "$archive"
    warn "could not build the $what in $tree (running the host failed; its last lines follow). The launcher works without it and only starts slower."
    tail -n 5 "$wd/cds.log" | sed 's/^/    /' >&2
  fi
  stop_training_agent
}

# Lines that stop a launcher with a clear message on stderr when its Java is gone (a JDK removed
# or upgraded to another folder): without them the browser only says the host exited.
# shellcheck disable=SC2016 # $JAVA is expanded by the launcher, not here
java_check_text() { # JAVA WHO
  printf 'JAVA=%s\n' "$(shell_quote "$1")"
  printf 'if [ ! -x "$JAVA" ]; then\n'
  printf '  echo "%s: the Java runtime this was installed with ($JAVA) is gone (a JDK upgrade or removal?). Install Java 17 or newer and re-run the installer (install.sh%s)." >&2\n' "$2" "$HOST_NAME_ARGS"
  printf '  exit 127\nfi\n'
}

launcher_text() { # JAVA TREE ARCHIVE SANDBOX_SOCKET HOST_JAR_NAME
  printf '#!/bin/sh\n'
  printf '# Generated by Bridgekeeper install.sh: the native messaging host launcher of %s.\n' "$HOST_NAME"
  printf '# Browsers start it with their own arguments; the JVM flags come from installer/host-jvm-flags;\n'
  printf '# --host-name tells the host which product'"'"'s agent to reach.\n'
  java_check_text "$1" bridgekeeper-host
  if [ -n "$4" ]; then
    printf '# Sandboxed browser: the default agent socket is not visible in here.\n'
    # shellcheck disable=SC2016 # the launcher expands it, not us
    printf 'BRIDGEKEEPER_SOCKET=${BRIDGEKEEPER_SOCKET:-%s}\nexport BRIDGEKEEPER_SOCKET\n' "$(shell_quote "$4")"
  fi
  # shellcheck disable=SC2016 # the launcher expands it
  printf 'exec "$JAVA"'
  flags_for "$3" | while IFS= read -r flag; do printf ' %s' "$(shell_quote "$flag")"; done
  printf ' -jar %s host %s "$@"' "$(shell_quote "$2/$5")" "$(shell_quote "--host-name=$HOST_NAME")"
}

cli_launcher_text() { # JAVA TREE
  printf '#!/bin/sh\n'
  printf '# Generated by Bridgekeeper install.sh: runs bridgekeeper commands (agent, doctor, ...).\n'
  java_check_text "$1" bridgekeeper
  # shellcheck disable=SC2016 # the launcher expands it
  printf 'exec "$JAVA" -jar %s "$@"' "$(shell_quote "$2/bridgekeeper.jar")"
}

install_tree() { # DIR SANDBOX_SOCKET(empty for the main tree)
  tree=$1
  require_ascii_path "install folder" "$tree"
  ensure_dir "$tree/bin"
  put_copy "$JAR" "$tree/bridgekeeper.jar" 0644
  host_jar_name=bridgekeeper.jar
  if [ -n "$HOST_JAR" ]; then
    put_copy "$HOST_JAR" "$tree/bridgekeeper-host.jar" 0644
    host_jar_name=bridgekeeper-host.jar
  fi
  if [ "$RUNTIME" = bundle ] || [ -n "$2" ]; then
    install_runtime "$tree"
    java="$tree/runtime/bin/java"
  else
    java=$SYSTEM_JAVA
  fi
  CDS_ARCHIVE=""
  launcher_java=$java
  [ "$java" = "$SYSTEM_JAVA" ] && launcher_java=$LAUNCHER_JAVA
  if [ "$WANT_CDS" = 1 ]; then build_cds_archive "$tree" "$java" "$host_jar_name"; fi
  put_text "$tree/bin/bridgekeeper-host" 0755 "$(launcher_text "$launcher_java" "$tree" "$CDS_ARCHIVE" "$2" "$host_jar_name")"
  if [ -z "$2" ]; then
    put_text "$tree/bin/bridgekeeper" 0755 "$(cli_launcher_text "$launcher_java" "$tree")"
  fi
}

render_manifest() { # FAMILY HOST_PATH
  if [ "$1" = chromium ]; then ids=$CHROME_IDS; else ids=$FIREFOX_IDS; fi
  allowed=""
  for id in $ids; do
    if [ "$1" = chromium ]; then item="\"chrome-extension://$id/\""; else item="\"$id\""; fi
    if [ -z "$allowed" ]; then allowed=$item; else allowed="$allowed, $item"; fi
  done
  BK_NAME=$HOST_NAME BK_PATH=$(json_escape "$2") BK_DESCRIPTION=$(json_escape "$DESCRIPTION") BK_ALLOWED="[$allowed]" \
  awk '
    function fill(s, key, val,   out, i) {
      out = ""
      while ((i = index(s, key)) > 0) { out = out substr(s, 1, i - 1) val; s = substr(s, i + length(key)) }
      return out s
    }
    { s = fill($0, "@NAME@", ENVIRON["BK_NAME"])
      s = fill(s, "@PATH@", ENVIRON["BK_PATH"])
      s = fill(s, "@DESCRIPTION@", ENVIRON["BK_DESCRIPTION"])
      print fill(s, "@ALLOWED@", ENVIRON["BK_ALLOWED"]) }' "$REPO_DIR/manifests/$1.json.in"
}

# ---------------------------------------------------------------------------------------------
# Choose the rows to install.

SELECTED=""
old_ifs=$IFS; IFS='
'
for line in $CATALOG; do
  IFS='|' read -r name family markers dir sandbox <<EOF
$line
EOF
  if [ -n "$BROWSERS" ]; then
    printf '%s\n' "$BROWSERS" | grep -Fxq -- "$name" || continue
    markers_present "$markers" || say "note: $name's config folder was not found; installing anyway because --browser $name was given."
  else
    markers_present "$markers" || continue
  fi
  if [ -n "$sandbox" ] && [ "$DRY_RUN" = 0 ] && [ "$RUNTIME" = system ] && ! can_jlink; then
    warn "skipping $name: a Flatpak browser needs its own Java runtime inside its sandbox, which needs jlink (not in $JDK_HOME)"
    continue
  fi
  if [ -n "$sandbox" ] && printf '%s' "$sandbox" | grep -q '[^ -~]'; then
    warn "skipping $name: its sandbox folder $sandbox has non-ASCII characters"
    continue
  fi
  SELECTED="$SELECTED$line
"
done
IFS=$old_ifs

if [ -z "$SELECTED" ]; then
  warn "no supported browser found for $OS/$SCOPE (run with --list-browsers to see where it looked); installing the host without manifests. Start your browser once, or name one with --browser, then re-run."
fi

# ---------------------------------------------------------------------------------------------
# Do it.

[ "$DRY_RUN" = 1 ] && say "Dry run: nothing will be changed."
ensure_dir "$PREFIX"
install_tree "$PREFIX" ""
MAIN_LAUNCHER="$PREFIX/bin/bridgekeeper-host"

# The installer itself, beside the jar: 'bridgekeeper install' (what the doctor's fixes name) runs
# this copy, so an installed user can repair or change the install without the source tree.
for f in installer/install.sh installer/uninstall.sh installer/host-jvm-flags installer/browsers.catalog \
         manifests/chromium.json.in \
         manifests/firefox.json.in "polkit/$POLKIT_ACTION_FILE"; do
  [ -f "$REPO_DIR/$f" ] || continue
  case "$f" in *.sh) mode=0755 ;; *) mode=0644 ;; esac
  put_copy "$REPO_DIR/$f" "$PREFIX/$f" "$mode"
done

# The command on PATH: a link named bridgekeeper for the default product; another product's
# command is its own launcher with --host-name (two products must not fight over one name).
PATH_HINT=""
if [ "$HOST_NAME" = "$DEFAULT_HOST_NAME" ]; then
  if [ "$SCOPE" = user ]; then bin_dir="$HOME/.local/bin"; else bin_dir="$ROOT/usr/local/bin"; fi
  link="$bin_dir/bridgekeeper"
  if [ -e "$link" ] && ! { [ -L "$link" ] && [ "$(readlink "$link")" = "$PREFIX/bin/bridgekeeper" ]; }; then
    PATH_HINT="$link exists and is not ours, so it was left alone; run $PREFIX/bin/bridgekeeper, or put $PREFIX/bin first on your PATH."
  else
    ensure_dir "$bin_dir"
    record file "$link"
    if [ "$DRY_RUN" = 1 ]; then say "[dry-run] link $link -> $PREFIX/bin/bridgekeeper"
    elif [ ! -L "$link" ]; then ln -s "$PREFIX/bin/bridgekeeper" "$link"; fi
    case ":${PATH:-}:" in
      *":$bin_dir:"*) PATH_HINT="" ;;
      *) PATH_HINT="$bin_dir is not on your PATH; add it, e.g. in ~/.profile: export PATH=\"$bin_dir:\$PATH\"" ;;
    esac
  fi
  CLI_COMMAND=bridgekeeper
  [ -z "$PATH_HINT" ] || CLI_COMMAND="$PREFIX/bin/bridgekeeper"
else
  CLI_COMMAND="$PREFIX/bin/bridgekeeper"
fi

SANDBOXES_DONE=""
old_ifs=$IFS; IFS='
'
for line in $SELECTED; do
  IFS='|' read -r name family markers dir sandbox <<EOF
$line
EOF
  launcher=$MAIN_LAUNCHER
  if [ -n "$sandbox" ]; then
    if ! printf '%s\n' "$SANDBOXES_DONE" | grep -Fxq -- "$sandbox"; then
      install_tree "$sandbox" "$sandbox/agent.sock"
      SANDBOXES_DONE="$SANDBOXES_DONE
$sandbox"
    fi
    launcher="$sandbox/bin/bridgekeeper-host"
  fi
  put_text "$dir/$MANIFEST_FILE" 0644 "$(render_manifest "$family" "$launcher")"
  say "$name: $dir/$MANIFEST_FILE"
done
IFS=$old_ifs

# The agent's arguments, one per line: this product, its name, and exactly the extensions the
# manifests allow (the agent's own default allows only the sample extension).
agent_args() {
  printf '%s\n' agent --host-name "$HOST_NAME"
  # The reference agent's own name unless the product named itself.
  [ "$DISPLAY_NAME" = Bridgekeeper ] || printf '%s\n' --name "$DISPLAY_NAME"
  for id in $CHROME_IDS; do printf '%s\n' --allow "chrome-extension://$id/"; done
  for id in $FIREFOX_IDS; do printf '%s\n' --allow "moz-extension:$id"; done
}

# One word for a systemd command line: double-quoted, with \, ", $ and % escaped.
systemd_quote() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\$/$$/g' -e 's/%/%%/g')"; }

if [ "$WANT_SYSTEMD" = 1 ]; then
  if [ "$SCOPE" = user ]; then unit_dir="$CONFIG_HOME/systemd/user"; else unit_dir="$ROOT/etc/systemd/user"; fi
  exec_start=$(systemd_quote "$PREFIX/bin/bridgekeeper")
  old_ifs=$IFS; IFS='
'
  for a in $(agent_args); do exec_start="$exec_start $(systemd_quote "$a")"; done
  IFS=$old_ifs
  put_text "$unit_dir/$SYSTEMD_UNIT" 0644 "$(printf '[Unit]\nDescription=%s desktop agent (%s)\n\n[Service]\nExecStart=%s\nRestart=on-failure\n\n[Install]\nWantedBy=default.target' "$DISPLAY_NAME" "$HOST_NAME" "$exec_start")"
  if [ "$DRY_RUN" = 1 ]; then
    say "[dry-run] run: systemctl --user daemon-reload; systemctl --user enable --now $SYSTEMD_UNIT"
  elif [ "$SCOPE" = user ] && systemd_user_reachable; then
    if ! { systemctl --user daemon-reload && systemctl --user enable --now "$SYSTEMD_UNIT"; }; then
      warn "could not enable $SYSTEMD_UNIT; run: systemctl --user enable --now $SYSTEMD_UNIT"
    fi
  else
    say "Installed $unit_dir/$SYSTEMD_UNIT; start it in your session with: systemctl --user enable --now $SYSTEMD_UNIT"
  fi
fi

xml_escape() { printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }

if [ "$WANT_LAUNCH_AGENT" = 1 ]; then
  if [ "$SCOPE" = user ]; then agents="$HOME/Library/LaunchAgents"; logs="$HOME/Library/Logs"; else agents="$ROOT/Library/LaunchAgents"; logs="/tmp"; fi
  plist="$agents/$LAUNCH_AGENT_LABEL.plist"
  plist_text=$(cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>$LAUNCH_AGENT_LABEL</string>
  <key>ProgramArguments</key>
  <array>
    <string>$(xml_escape "$PREFIX/bin/bridgekeeper")</string>
$(agent_args | while IFS= read -r a; do printf '    <string>%s</string>\n' "$(xml_escape "$a")"; done)
  </array>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
  <key>StandardErrorPath</key><string>$(xml_escape "$logs/$PRODUCT_FOLDER-agent.log")</string>
</dict>
</plist>
EOF
)
  put_text "$plist" 0644 "$plist_text"
  if [ "$DRY_RUN" = 1 ]; then
    say "[dry-run] run: launchctl bootstrap gui/<uid> $plist"
  elif [ "$REAL_DARWIN" = 1 ] && [ "$SCOPE" = user ]; then
    launchctl bootout "gui/$(id -u)" "$plist" >/dev/null 2>&1 || true
    launchctl bootstrap "gui/$(id -u)" "$plist" || warn "launchctl could not load $plist; it loads at next login"
  else
    say "Installed $plist; it loads at the next login."
  fi
fi

if [ "$WANT_POLKIT" = 1 ]; then
  src="$REPO_DIR/polkit/$POLKIT_ACTION_FILE"
  dest_dir="$ROOT/usr/share/polkit-1/actions"
  dest="$dest_dir/$POLKIT_ACTION_FILE"
  if [ ! -f "$src" ]; then
    warn "--polkit: $src is missing (it comes with the biometrics work); skipped. Biometric unlock on Linux reports 'setup_needed' until it is installed."
  elif ! grep -q 'dev\.bridgekeeper\.unlock' "$src"; then
    warn "--polkit: $src does not define the dev.bridgekeeper.unlock action; skipped"
  else
    if [ -w "$dest_dir" ] || [ -n "$ROOT" ] || [ "$(id -u)" = 0 ]; then
      put_copy "$src" "$dest" 0644
    else
      # Recorded as rootfile: uninstall asks for root again to remove it.
      NEW_LOG=$(append_line "$NEW_LOG" "rootfile $dest")
      if [ "$DRY_RUN" = 1 ]; then
        say "[dry-run] install $src as $dest (mode 0644, owned by root, through sudo or pkexec)"
      else
        as_root "polkit reads actions only from $dest_dir, which belongs to root" \
          install -m 0644 -o root -g root "$src" "$dest"
      fi
    fi
  fi
fi

# Remove what an earlier run installed and this one did not (e.g. a browser no longer chosen).
if [ -n "$OLD_LOG" ]; then
  remove_entries "$OLD_LOG" "$NEW_LOG"
fi

record file "$LOG_FILE"
if [ "$DRY_RUN" = 1 ]; then
  if [ -f "$LOG_FILE" ]; then say "[dry-run] update file $LOG_FILE (install log)"; else say "[dry-run] create file $LOG_FILE (install log)"; fi
  exit 0
fi
# Sorted, so that the same install always writes the same log.
{ printf '%s\n' "$LOG_HEADER"; printf '%s\n' "$NEW_LOG" | grep -v "^file $LOG_FILE\$" | sort -u; } >"$LOG_FILE.bk-tmp.$$"
chmod 0644 "$LOG_FILE.bk-tmp.$$"
mv -f "$LOG_FILE.bk-tmp.$$" "$LOG_FILE"

say "Installed $DISPLAY_NAME ($HOST_NAME) in $PREFIX (launcher $MAIN_LAUNCHER)."
[ -z "$PATH_HINT" ] || say "$PATH_HINT"
doctor_ids=""
[ "$CHROME_IDS" = "$DEFAULT_CHROME_ID" ] || for id in $CHROME_IDS; do doctor_ids="$doctor_ids --chrome-id $id"; done
[ "$FIREFOX_IDS" = "$DEFAULT_FIREFOX_ID" ] || for id in $FIREFOX_IDS; do doctor_ids="$doctor_ids --firefox-id $id"; done
say "Check it with: $CLI_COMMAND doctor$HOST_NAME_ARGS$doctor_ids"
