package dev.bridgekeeper.agent.internal.registration;

import java.util.Locale;

/** The operating systems whose browser lookup the doctor knows how to replay. */
public enum HostOs {
    LINUX, MACOS, WINDOWS;

    /** The OS this JVM runs on; anything that is neither Windows nor macOS is treated as Linux. */
    public static HostOs current() {
        String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (name.startsWith("windows")) {
            return WINDOWS;
        }
        if (name.startsWith("mac") || name.startsWith("darwin")) {
            return MACOS;
        }
        return LINUX;
    }

    /** Parses {@code linux}, {@code macos} (or {@code darwin}) and {@code windows}. */
    public static HostOs parse(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "linux": return LINUX;
            case "macos":
            case "darwin": return MACOS;
            case "windows": return WINDOWS;
            default: throw new IllegalArgumentException("unknown OS '" + text + "' (linux, macos or windows)");
        }
    }

    /** Lower-case name used in output. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
