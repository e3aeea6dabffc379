# shellcheck shell=bash
# shellcheck disable=SC2034 # DBUS_PID, POLKITD_PID and PRIVATE_POLKIT_ERROR are for the caller
# Starts a private system bus (dbus-daemon) and polkitd on it, for the real-polkit tests
# (scripts/polkit-it.sh, scripts/e2e.sh). Root only. Source this file, then:
#
#   start_private_polkit WORK_DIR || die "$PRIVATE_POLKIT_ERROR"
#
# On success DBUS_PID and POLKITD_PID are set and DBUS_SYSTEM_BUS_ADDRESS is exported; the caller
# stops both by pid. polkitd is ready once it lists the dev.bridgekeeper.unlock action (so that
# action must be installed first).

start_private_polkit() {
    local work=$1 ready=
    cat >"$work/system-bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$work/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
CONF
    dbus-daemon --config-file="$work/system-bus.conf" --nofork --nopidfile >"$work/dbus.log" 2>&1 &
    DBUS_PID=$!
    export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$work/system_bus_socket
    for _ in $(seq 100); do [ -S "$work/system_bus_socket" ] && break; sleep 0.1; done
    if [ ! -S "$work/system_bus_socket" ]; then
        PRIVATE_POLKIT_ERROR="dbus-daemon did not start: $(cat "$work/dbus.log")"
        return 1
    fi
    /usr/lib/polkit-1/polkitd --no-debug >"$work/polkitd.log" 2>&1 &
    POLKITD_PID=$!
    for _ in $(seq 100); do
        if pkaction --action-id dev.bridgekeeper.unlock >/dev/null 2>&1; then ready=1; break; fi
        kill -0 "$POLKITD_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$ready" ]; then
        PRIVATE_POLKIT_ERROR="polkitd did not come up with the action: $(cat "$work/polkitd.log")"
        return 1
    fi
}
