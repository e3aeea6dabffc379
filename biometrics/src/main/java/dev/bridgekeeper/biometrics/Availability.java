package dev.bridgekeeper.biometrics;

import java.util.Locale;

/** Whether verification can work now; the wire values of {@code biometric.status} in PROTOCOL.md. */
public enum Availability {
    /** A verification can be attempted now. */
    AVAILABLE,
    /** The desktop session is locked; unlock it first. */
    DESKTOP_LOCKED,
    /** Bridgekeeper's own OS setup is missing (e.g. the polkit action is not installed); detail says how to fix it. */
    SETUP_NEEDED,
    /** The mechanism exists but cannot be used now (no sensor, daemon not running, locked out). */
    HARDWARE_UNAVAILABLE,
    /** This operating system or method is not supported. */
    PLATFORM_UNSUPPORTED,
    /** Supported, but the user or an administrator has not enabled it (nothing enrolled, refused by policy). */
    NOT_ENABLED;

    /** The protocol's spelling, e.g. {@code "setup_needed"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
