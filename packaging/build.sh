#!/usr/bin/env bash
# Builds Bridgekeeper's release packages into dist/:
#   Linux:   bridgekeeper_<v>_amd64.deb and bridgekeeper-<v>-1.x86_64.rpm (same files), each with
#            a jlink'ed Java runtime under /opt/bridgekeeper, the `bridgekeeper` command, native
#            messaging manifests for every supported browser, the polkit action and a systemd
#            user unit for the reference agent (installed, not enabled);
#   Windows: bridgekeeper-<v>.msi (jpackage + WiX)      UNVERIFIED: written, never run here
#   macOS:   bridgekeeper-<v>.pkg (jpackage)            UNVERIFIED: written, never run here
# and on every system: the runnable bridgekeeper.jar, a CycloneDX SBOM and SHA256SUMS.
#
# usage: packaging/build.sh [options]
#   --version V              package version (default: the Maven version without -SNAPSHOT)
#   --chrome-id ID           Chromium-family extension allowed by the manifests (repeatable;
#                            default: the sample extension)
#   --firefox-id ID          Firefox add-on allowed by the manifests (repeatable; default: sample)
#   --preinstall-chrome ID[=UPDATE_URL]
#                            products embedding Bridgekeeper: ask Chrome/Chromium to install this
#                            extension (external-extension JSON; default URL: the Chrome Web Store)
#   --preinstall-firefox ID=XPI_URL
#                            ask Firefox to install this add-on (policies.json ExtensionSettings)
#   --no-sbom                skip the SBOM (it needs Maven Central)
#   --reuse                  keep an earlier run's runtime and app image in target/packaging
#   --dist DIR               write there instead of dist/
#   --fast                   gzip -1 instead of xz (bigger packages, built in seconds: tests)
# env: BK_PACKAGE_JDK=DIR    the JDK whose runtime is bundled (default: the newest under
#                            /usr/lib/jvm, Temurin 25 first, else the one running `java`)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
NAME=bridgekeeper
HOST_ID=dev.bridgekeeper.host
APP_DIR=/opt/$NAME                  # fixed: launchers, manifests and caches name it
DIST=$REPO/dist
WORK=$REPO/target/packaging
CLI_JAR=$REPO/cli/target/bridgekeeper.jar
HOST_JAR=$REPO/host/target/bridgekeeper-host.jar

log() { printf 'build.sh: %s\n' "$*" >&2; }
die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }

VERSION="" CHROME_IDS=() FIREFOX_IDS=() PRE_CHROME=() PRE_FIREFOX=() SBOM=1 REUSE=0 FAST=0
while [ $# -gt 0 ]; do
    case "$1" in
        --version) VERSION=$2; shift 2 ;;
        --chrome-id) CHROME_IDS+=("$2"); shift 2 ;;
        --firefox-id) FIREFOX_IDS+=("$2"); shift 2 ;;
        --preinstall-chrome) PRE_CHROME+=("$2"); shift 2 ;;
        --preinstall-firefox) PRE_FIREFOX+=("$2"); shift 2 ;;
        --no-sbom) SBOM=0; shift ;;
        --reuse) REUSE=1; shift ;;
        --fast) FAST=1; shift ;;
        --dist) DIST=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done
[ ${#CHROME_IDS[@]} -gt 0 ] || CHROME_IDS=(ehcmijlhbioomifbjmghlpklegfgldmf)
[ ${#FIREFOX_IDS[@]} -gt 0 ] || FIREFOX_IDS=(bridgekeeper-sample@bridgekeeper.dev)
for id in "${CHROME_IDS[@]}"; do [[ "$id" =~ ^[a-p]{32}$ ]] || die "--chrome-id '$id' is not a Chromium extension id"; done
for id in "${FIREFOX_IDS[@]}"; do [[ "$id" =~ ^([A-Za-z0-9._+-]+@[A-Za-z0-9._-]+|\{[0-9A-Fa-f-]{36}\})$ ]] || die "--firefox-id '$id' is not a Firefox add-on id"; done
if [ -z "$VERSION" ]; then
    VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -n 1)
    VERSION=${VERSION%-SNAPSHOT}
fi
[[ "$VERSION" =~ ^[0-9]+(\.[0-9]+){1,3}$ ]] || die "--version '$VERSION' must be numbers and dots (rpm, deb and msi all accept that)"

case "$(uname -s)" in
    Linux) OS=linux ;;
    Darwin) OS=mac ;;
    MINGW*|MSYS*|CYGWIN*) OS=windows ;;
    *) die "unsupported build system $(uname -s)" ;;
esac

# ---- the JDK whose runtime is bundled ----------------------------------------------------------
pick_jdk() {
    local j
    if [ -n "${BK_PACKAGE_JDK:-}" ]; then echo "$BK_PACKAGE_JDK"; return; fi
    for j in /usr/lib/jvm/temurin-2[5-9]*-jdk* /usr/lib/jvm/temurin-[3-9][0-9]*-jdk*; do
        [ -x "$j/bin/jlink" ] && [ -x "$j/bin/jpackage" ] && { echo "$j"; return; }
    done
    j=$(command -v java) || die "no JDK found: set BK_PACKAGE_JDK"
    j=$(readlink -f "$j"); echo "${j%/bin/java}"
}
JDK=$(pick_jdk)
for t in java jlink jpackage jdeps; do [ -x "$JDK/bin/$t" ] || die "$JDK has no bin/$t (a full JDK 17+ is needed)"; done
JDK_FEATURE=$("$JDK/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
log "bundling the runtime of $JDK (Java $JDK_FEATURE), package version $VERSION"

# ---- tools (installed with apt when root; jpackage comes with the JDK) -------------------------
need_tools() {
    local missing=() t
    for t in "$@"; do command -v "$t" >/dev/null || missing+=("$t"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing ${missing[*]} with apt"
        local pkgs=()
        for t in "${missing[@]}"; do case "$t" in rpmbuild) pkgs+=(rpm) ;; *) pkgs+=("$t") ;; esac; done
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
    else
        die "missing tools: ${missing[*]} (install them, e.g. apt-get install fakeroot rpm)"
    fi
}
[ "$OS" = linux ] && need_tools fakeroot dpkg-deb rpmbuild

# ---- the jars ----------------------------------------------------------------------------------
if [ ! -f "$CLI_JAR" ] || [ ! -f "$HOST_JAR" ]; then
    log "building the jars (mvn package, tests skipped)"
    mvn -B -q -pl cli,host -am package -Dmaven.test.skip=true
fi

mkdir -p "$WORK" "$DIST"
RUNTIME=$WORK/runtime
IMAGE_DIR=$WORK/image
APP=$IMAGE_DIR/$NAME

# ---- 1. runtime: only the modules the jars need ------------------------------------------------
runtime_modules() {
    local found
    found=$("$JDK/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release "$JDK_FEATURE" \
        --class-path "$CLI_JAR" "$CLI_JAR" "$HOST_JAR")
    # jdeps cannot see what is loaded reflectively: jdk.net (SO_PEERCRED through
    # ExtendedSocketOptions), jdk.unsupported (JNA's sun.misc use), jdk.crypto.ec (X25519 on 17),
    # java.logging (JNA), jdk.zipfs (jar file systems).
    local extra m
    extra=$("$JDK/bin/java" --list-modules | sed 's/@.*//' | grep -Fx -e jdk.net -e jdk.unsupported -e jdk.crypto.ec -e java.logging -e jdk.zipfs | paste -sd, -)
    m="$found,$extra"
    printf '%s' "$m" | tr ',' '\n' | sort -u | paste -sd, -
}
if [ "$REUSE" = 1 ] && [ -x "$RUNTIME/bin/java" ]; then
    log "reusing $RUNTIME"
else
    rm -rf "$RUNTIME"
    MODULES=$(runtime_modules)
    log "jlink: $MODULES"
    # Native commands kept: the host launcher execs bin/java. The default CDS archive is built in.
    "$JDK/bin/jlink" --add-modules "$MODULES" --output "$RUNTIME" --generate-cds-archive \
        --strip-debug --no-header-files --no-man-pages
fi

# ---- 2. files the launchers and maintainer scripts use ----------------------------------------
# JVM flags of the host: installer/host-jvm-flags (the one list), with the packaged runtime's
# archive handling: on JDK 25+ the AOT cache replaces the CDS lines (-Xshare is refused next to
# -XX:AOTCache), on older JDKs the dynamic CDS archive fills @CDS_ARCHIVE@.
host_flags() { # ARCHIVE_FLAG_OR_EMPTY
    grep -v -e '^#' -e '^$' "$REPO/installer/host-jvm-flags" | while IFS= read -r f; do
        case "$f" in
            -Xshare:*) [ "$JDK_FEATURE" -ge 25 ] && continue ;;
            *@CDS_ARCHIVE@*) continue ;;
        esac
        printf '%s\n' "$f"
    done
    # Memory: the host relays frames of at most 1 MiB; a small serial heap and a single compiler
    # thread keep its footprint down (BENCHMARKS.md, "Packaged host").
    printf '%s\n' -XX:+UseSerialGC -Xmx64m -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=32m
}
AOT=0; [ "$JDK_FEATURE" -ge 25 ] && AOT=1

# shellcheck disable=SC2016 # the launcher expands these, not this script
write_host_launcher() { # FILE
    {
        echo '#!/bin/sh'
        echo '# Bridgekeeper native messaging host: the browser starts this on every connection.'
        echo '# It execs the bundled runtime directly (no package-manager queries, no native launcher).'
        echo "app=$APP_DIR/lib"
        if [ "$AOT" = 1 ]; then
            echo 'cache=$app/host.aot'
            echo '# Made by the package'"'"'s post-install step; a missing or stale cache only means a slower start.'
            echo 'if [ -r "$cache" ]; then set -- -XX:AOTCache="$cache" -jar "$app/app/bridgekeeper-host.jar" host "$@"'
        else
            echo 'cache=$app/host.jsa'
            echo 'if [ -r "$cache" ]; then set -- -XX:SharedArchiveFile="$cache" -jar "$app/app/bridgekeeper-host.jar" host "$@"'
        fi
        echo 'else set -- -jar "$app/app/bridgekeeper-host.jar" host "$@"; fi'
        printf 'exec "$app/runtime/bin/java"'
        host_flags | while IFS= read -r f; do printf ' %s' "$f"; done
        printf ' "$@"\n'
    } >"$1"
    chmod 0755 "$1"
}

write_cli_launcher() { # FILE
    cat >"$1" <<EOF
#!/bin/sh
# The bridgekeeper command (agent, pairings, doctor, ...) on the bundled runtime.
exec $APP_DIR/lib/runtime/bin/java -XX:TieredStopAtLevel=1 -jar $APP_DIR/lib/app/bridgekeeper.jar "\$@"
EOF
    chmod 0755 "$1"
}

# The maintainer-script helper: `configure` builds the host's start-up cache for the installed
# paths (never failing the install), `remove` deletes what configure made.
write_package_helper() { # FILE
    local dump train_flags
    if [ "$AOT" = 1 ]; then dump="-XX:AOTCacheOutput=\$cache" ; else dump="-XX:ArchiveClassesAtExit=\$cache"; fi
    train_flags=$(host_flags | paste -sd' ' -)
    cat >"$1" <<EOF
#!/bin/sh
# Bridgekeeper package helper, run by the package's maintainer scripts (deb and rpm alike).
#   configure   build the host's start-up cache for this machine (a few seconds; never fails)
#   remove      delete what configure made
app=$APP_DIR/lib
java=\$app/runtime/bin/java
cache=\$app/host.$( [ "$AOT" = 1 ] && echo aot || echo jsa )

build_cache() {
  rm -f "\$cache"
  scratch=\$(mktemp -d) || return 1
  "\$java" -jar "\$app/app/bridgekeeper.jar" echo-agent --socket "\$scratch/agent.sock" </dev/null >/dev/null 2>&1 &
  agent=\$!
  n=0
  while [ ! -S "\$scratch/agent.sock" ] && [ \$n -lt 150 ]; do sleep 0.1; n=\$((n + 1)); done
  # The browser's side: one small frame once the host has answered, then end of input.
  { n=0; while [ ! -s "\$scratch/out" ] && [ \$n -lt 150 ]; do sleep 0.1; n=\$((n + 1)); done
    printf '\\017\\000\\000\\000{"type":"ping"}'; sleep 0.5; } \\
    | BRIDGEKEEPER_SOCKET="\$scratch/agent.sock" timeout 60 "\$java" $train_flags $dump \\
        -jar "\$app/app/bridgekeeper-host.jar" host "chrome-extension://${CHROME_IDS[0]}/" >"\$scratch/out" 2>"\$scratch/err"
  status=\$?
  kill "\$agent" 2>/dev/null; wait "\$agent" 2>/dev/null
  rm -rf "\$scratch"
  [ \$status -eq 0 ] && [ -s "\$cache" ] && chmod 0644 "\$cache"
}

case "\${1:-}" in
  configure)
    if ! build_cache; then
      rm -f "\$cache"
      echo "bridgekeeper: could not build the host's start-up cache; the host works, it only starts slower" >&2
    fi
    exit 0 ;;
  remove) rm -f "\$cache"; exit 0 ;;
  *) echo "usage: \$0 configure|remove" >&2; exit 2 ;;
esac
EOF
    chmod 0755 "$1"
}

# ---- 3. jpackage app image (runtime + jars + launcher), plus our launchers ---------------------
if [ "$REUSE" = 1 ] && [ -d "$APP" ]; then
    log "reusing $APP"
else
    rm -rf "$IMAGE_DIR" "$WORK/input"
    mkdir -p "$WORK/input" "$IMAGE_DIR"
    cp "$CLI_JAR" "$HOST_JAR" "$WORK/input/"
    log "jpackage app image"
    "$JDK/bin/jpackage" --type app-image --name "$NAME" --dest "$IMAGE_DIR" --input "$WORK/input" \
        --main-jar bridgekeeper.jar --runtime-image "$RUNTIME" --app-version "$VERSION" \
        --vendor "Bridgekeeper" --description "Bridgekeeper native messaging host and desktop agent"
fi
if [ "$OS" = linux ]; then
    write_host_launcher "$APP/bin/bridgekeeper-host"
    write_package_helper "$APP/lib/bridgekeeper-package"
fi

# ---- 4. Linux: the files outside /opt, in one staging root -------------------------------------

# The native messaging folders of every supported browser, system scope, as "FAMILY DIR" lines.
# The one place this script reads the browser list: the installer's catalog.
system_manifest_dirs() {
    BRIDGEKEEPER_OS=linux bash "$REPO/installer/install.sh" --scope system --list-browsers \
        | awk 'NR > 1 && NF >= 4 { print $3, $4 }' | sort -u
}

manifest_json() { # FAMILY
    local allowed="" id item
    if [ "$1" = chromium ]; then
        for id in "${CHROME_IDS[@]}"; do item="\"chrome-extension://$id/\""; allowed=${allowed:+$allowed, }$item; done
    else
        for id in "${FIREFOX_IDS[@]}"; do item="\"$id\""; allowed=${allowed:+$allowed, }$item; done
    fi
    sed -e "s|@NAME@|$HOST_ID|" -e "s|@PATH@|$APP_DIR/bin/bridgekeeper-host|" \
        -e "s|@DESCRIPTION@|Bridgekeeper native messaging host|" -e "s|@ALLOWED@|[$allowed]|" "$REPO/manifests/$1.json.in"
}

# The reference agent's allow-list: the extensions the manifests admit, no more and no less.
agent_allow_args() {
    local id args=""
    for id in "${CHROME_IDS[@]}"; do args="$args --allow chrome-extension://$id/"; done
    for id in "${FIREFOX_IDS[@]}"; do args="$args --allow moz-extension:$id"; done
    printf '%s' "$args"
}

stage_system_files() { # ROOT
    local root=$1 family dir id url
    while read -r family dir; do
        mkdir -p "$root$dir"
        manifest_json "$family" >"$root$dir/$HOST_ID.json"
    done < <(system_manifest_dirs)
    # A placeholder left in a manifest makes the browser ignore it without a word.
    ! grep -rl '@[A-Z_]*@' "$root" --include="$HOST_ID.json" | grep -q . || die "a manifest template placeholder was not filled"
    install -D -m 0644 "$REPO/polkit/dev.bridgekeeper.unlock.policy" "$root/usr/share/polkit-1/actions/dev.bridgekeeper.unlock.policy"
    mkdir -p "$root/usr/lib/systemd/user" "$root/usr/bin"
    cat >"$root/usr/lib/systemd/user/bridgekeeper-agent.service" <<EOF
[Unit]
Description=Bridgekeeper reference desktop agent

[Service]
ExecStart=/usr/bin/bridgekeeper agent$(agent_allow_args)
Restart=on-failure

[Install]
WantedBy=default.target
EOF
    write_cli_launcher "$root/usr/bin/bridgekeeper"
    # Pre-installing the extension, for products that embed Bridgekeeper (off by default).
    for spec in "${PRE_CHROME[@]}"; do
        id=${spec%%=*}; url=https://clients2.google.com/service/update2/crx
        [ "$id" != "$spec" ] && url=${spec#*=}
        [[ "$id" =~ ^[a-p]{32}$ ]] || die "--preinstall-chrome '$id' is not a Chromium extension id"
        for dir in /usr/share/chromium/extensions /usr/share/google-chrome/extensions /opt/google/chrome/extensions; do
            mkdir -p "$root$dir"
            printf '{\n  "external_update_url": "%s"\n}\n' "$url" >"$root$dir/$id.json"
        done
    done
    if [ ${#PRE_FIREFOX[@]} -gt 0 ]; then
        local entries="" first=1
        for spec in "${PRE_FIREFOX[@]}"; do
            id=${spec%%=*}; url=${spec#*=}
            [ "$id" != "$spec" ] || die "--preinstall-firefox needs ID=XPI_URL"
            [ $first = 1 ] || entries="$entries,"
            entries="$entries
      \"$id\": { \"installation_mode\": \"normal_installed\", \"install_url\": \"$url\" }"
            first=0
        done
        mkdir -p "$root/etc/firefox/policies"
        printf '{\n  "policies": {\n    "ExtensionSettings": {%s\n    }\n  }\n}\n' "$entries" >"$root/etc/firefox/policies/policies.json"
    fi
}

MAINTAINER_NOTE="Bridgekeeper keeps each user's pairings and keys in ~/.local/share/bridgekeeper; removing the package leaves them (delete that folder to forget them)."

# Compression: xz for releases; --fast (gzip -1) for the test step on a loaded machine.
if [ "$FAST" = 1 ]; then DEB_COMPRESS=(-Zgzip -z1); RPM_PAYLOAD=w1.gzdio; else DEB_COMPRESS=(-Zxz); RPM_PAYLOAD=w6.xzdio; fi

# The package tree: jpackage's app image under /opt/bridgekeeper, plus what jpackage cannot place
# outside its install folder (manifests, polkit, systemd unit, /usr/bin command). Assembled here
# rather than by `jpackage --type deb`: that would need unpacking and repacking anyway (a second
# compression of ~130 MB, minutes on a loaded machine) and its maintainer scripts are not ours.
stage_tree() { # ROOT
    local root=$1
    rm -rf "$root"; mkdir -p "$root/opt"
    cp -a "$APP" "$root$APP_DIR"
    rm -f "$root$APP_DIR/lib/host.aot" "$root$APP_DIR/lib/host.jsa"
    stage_system_files "$root"
}

build_deb() {
    local tree="$WORK/tree" deb="$WORK/deb"
    stage_tree "$tree"
    rm -rf "$deb"; mkdir -p "$deb/DEBIAN"
    cat >"$deb/DEBIAN/control" <<EOF
Package: $NAME
Version: $VERSION
Architecture: amd64
Maintainer: Bridgekeeper <bridgekeeper@bridgekeeper.dev>
Installed-Size: $(du -sk "$tree" | cut -f1)
Depends: libc6
Section: utils
Priority: optional
Description: Bridgekeeper native messaging host and desktop agent
 Lets a browser extension talk to a desktop application over native messaging,
 end-to-end encrypted, with the operating system's user verification (polkit).
 Bundles its own Java runtime under $APP_DIR.
EOF
    cat >"$deb/DEBIAN/postinst" <<EOF
#!/bin/sh
set -e
if [ "\$1" = configure ]; then $APP_DIR/lib/bridgekeeper-package configure || true; fi
exit 0
EOF
    cat >"$deb/DEBIAN/prerm" <<EOF
#!/bin/sh
set -e
$APP_DIR/lib/bridgekeeper-package remove || true
exit 0
EOF
    cat >"$deb/DEBIAN/postrm" <<EOF
#!/bin/sh
set -e
if [ "\$1" = remove ]; then
  echo "$MAINTAINER_NOTE"
fi
exit 0
EOF
    chmod 0755 "$deb/DEBIAN/postinst" "$deb/DEBIAN/prerm" "$deb/DEBIAN/postrm"
    cp -a "$tree/." "$deb/"
    rm -f "$DIST"/${NAME}_*.deb
    log "dpkg-deb"
    fakeroot dpkg-deb "${DEB_COMPRESS[@]}" -b "$deb" "$DIST/${NAME}_${VERSION}_amd64.deb" >/dev/null
    log "wrote $DIST/${NAME}_${VERSION}_amd64.deb"
}

# The .rpm holds exactly the .deb's files (rpmbuild from the same tree): jpackage's own rpm cannot
# carry files outside its install folder either.
build_rpm() {
    local tree="$WORK/tree" top="$WORK/rpm" spec
    rm -rf "$top"; mkdir -p "$top"/{BUILD,RPMS,SPECS,SOURCES,BUILDROOT}
    spec=$top/SPECS/$NAME.spec
    {
        echo "Name: $NAME"
        echo "Version: $VERSION"
        echo "Release: 1"
        echo "Summary: Bridgekeeper native messaging host and desktop agent"
        echo "License: Apache-2.0"
        echo "AutoReqProv: no"
        echo "%define _build_id_links none"
        echo "%define __os_install_post %{nil}"
        echo "%description"
        echo "Lets a browser extension talk to a desktop application over native messaging,"
        echo "end-to-end encrypted, with OS user verification. Bundles its own Java runtime."
        echo "%install"
        echo "cp -a $tree/. %{buildroot}/"
        echo "%post"
        echo "$APP_DIR/lib/bridgekeeper-package configure || true"
        echo "%preun"
        echo "# 0: erased (not upgraded; on upgrade the new %post has already rebuilt the cache)"
        echo "[ \"\$1\" = 0 ] && $APP_DIR/lib/bridgekeeper-package remove || true"
        echo "%postun"
        echo "[ \"\$1\" = 0 ] && echo \"$MAINTAINER_NOTE\""
        echo "exit 0"
        echo "%files"
        echo "%defattr(-,root,root,-)"
        echo "$APP_DIR"
        (cd "$tree" && find . \( -type f -o -type l \) -print | sed 's|^\.||' | grep -v "^$APP_DIR/" | sort)
    } >"$spec"
    log "rpmbuild"
    rpmbuild -bb --define "_topdir $top" --define "_binary_payload $RPM_PAYLOAD" "$spec" >"$top/build.log" 2>&1 \
        || { tail -n 20 "$top/build.log" >&2; die "rpmbuild failed"; }
    rm -f "$DIST"/${NAME}-*.rpm
    cp "$top"/RPMS/*/*.rpm "$DIST/"
    log "wrote $(ls "$DIST"/*.rpm)"
}

# UNVERIFIED (no Windows machine here): jpackage's documented MSI path; needs WiX 3 (candle,
# light) or WiX 4+ on PATH. The host manifest registry keys are written by installer/install.ps1.
build_msi() {
    "$JDK/bin/jpackage" --type msi --app-image "$APP" --name "$NAME" --dest "$DIST" \
        --app-version "$VERSION" --vendor "Bridgekeeper" --win-dir-chooser --win-menu \
        --win-upgrade-uuid 6f1f6b1e-4b8e-4c2a-9d57-0b7e2f1c9a11 --license-file "$REPO/LICENSE"
}

# UNVERIFIED (no macOS machine here): jpackage's documented pkg path; signing and notarising
# need --mac-sign and a Developer ID.
build_pkg() {
    "$JDK/bin/jpackage" --type pkg --app-image "$APP" --name "$NAME" --dest "$DIST" \
        --app-version "$VERSION" --vendor "Bridgekeeper" --mac-package-identifier dev.bridgekeeper \
        --license-file "$REPO/LICENSE"
}

case "$OS" in
    linux) build_deb; build_rpm ;;
    windows) log "UNVERIFIED: building the .msi"; build_msi ;;
    mac) log "UNVERIFIED: building the .pkg"; build_pkg ;;
esac

# ---- 5. jar, SBOM, checksums -------------------------------------------------------------------
cp "$CLI_JAR" "$DIST/bridgekeeper-$VERSION.jar"
if [ "$SBOM" = 1 ]; then
    log "SBOM (CycloneDX)"
    mvn -B -q -ntp org.cyclonedx:cyclonedx-maven-plugin:2.9.3:makeAggregateBom \
        -DoutputFormat=json -DoutputName=bridgekeeper-sbom -DexcludeTestProject=true \
        -DoutputDirectory="$WORK/sbom" >"$WORK/sbom.log" 2>&1 \
        || { tail -n 20 "$WORK/sbom.log" >&2; die "the SBOM failed (use --no-sbom offline)"; }
    cp "$(find "$WORK/sbom" target -maxdepth 1 -name 'bridgekeeper-sbom.json' | head -n 1)" "$DIST/bridgekeeper-$VERSION.cdx.json"
fi
(cd "$DIST" && rm -f SHA256SUMS && sha256sum -- * >SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
log "done:"
(cd "$DIST" && ls -l)
