# shellcheck shell=bash
# shellcheck disable=SC2034 # DESKTOP_APP_JAR, DESKTOP_APP_DISPLAY, XVFB_PID and DESKTOP_APP_ERROR are for the caller
# For scripts/e2e.sh: builds the sample Swing app (examples/desktop-app) into the stage folder and
# starts a private X server (Xvfb) for it, on which the e2e clicks the app's dialog with xdotool.
#
# start_desktop_app_display  needs ROOT, STAGE, MVN; sets DESKTOP_APP_JAR, DESKTOP_APP_DISPLAY and
#                            XVFB_PID (the caller stops it), or DESKTOP_APP_ERROR and returns 1.

start_desktop_app_display() {
    local app=$ROOT/examples/desktop-app build_log=$ROOT/e2e/.build-desktop-app.log n
    if ! command -v Xvfb >/dev/null || ! command -v xdotool >/dev/null; then
        if [ "$(id -u)" -ne 0 ]; then
            DESKTOP_APP_ERROR="the sample-app scenarios need Xvfb and xdotool (apt-get install xvfb xdotool), or BK_E2E_DESKTOP_APP=0"
            return 1
        fi
        apt-get install -y -qq xvfb xdotool >/dev/null 2>&1 \
            || { apt-get update -qq && apt-get install -y -qq xvfb xdotool >/dev/null; } \
            || { DESKTOP_APP_ERROR="apt-get install xvfb xdotool failed"; return 1; }
    fi
    # The app is an outside project: it builds against the Bridgekeeper artifacts in the local
    # Maven repository, which `mvn install` puts there (scripts/test.sh has done it by now).
    build_app() {
        "$MVN" -B -q -f "$app/pom.xml" package dependency:copy-dependencies -DskipTests -DincludeScope=runtime \
            -DoutputDirectory="$app/target/lib" >"$build_log" 2>&1
    }
    if ! build_app; then
        if ! { "$MVN" -B -q -f "$ROOT/pom.xml" install -Dmaven.test.skip=true >>"$build_log" 2>&1 && build_app; }; then
            tail -n 30 "$build_log" >&2
            DESKTOP_APP_ERROR="building examples/desktop-app failed"
            return 1
        fi
    fi
    mkdir -p "$STAGE/desktop-app/lib"
    cp "$app"/target/sample-notes-desktop-*.jar "$STAGE/desktop-app/"
    cp "$app"/target/lib/*.jar "$STAGE/desktop-app/lib/"
    DESKTOP_APP_JAR=$(ls "$STAGE"/desktop-app/sample-notes-desktop-*.jar)

    for n in $(seq 90 140); do
        if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then
            DESKTOP_APP_DISPLAY=:$n
            break
        fi
    done
    [ -n "${DESKTOP_APP_DISPLAY:-}" ] || { DESKTOP_APP_ERROR="no free X display between :90 and :140"; return 1; }
    # -ac: the app runs as the test user, the server as whoever runs this script.
    Xvfb "$DESKTOP_APP_DISPLAY" -screen 0 1280x900x24 -nolisten tcp -ac >"$STAGE/xvfb.log" 2>&1 &
    XVFB_PID=$!
    for _ in $(seq 1 100); do
        [ -e "/tmp/.X11-unix/X${DESKTOP_APP_DISPLAY#:}" ] && return 0
        kill -0 "$XVFB_PID" 2>/dev/null || break
        sleep 0.1
    done
    DESKTOP_APP_ERROR="Xvfb did not start: $(cat "$STAGE/xvfb.log" 2>/dev/null)"
    return 1
}
