package dev.bridgekeeper.biometrics;

import java.util.Locale;

/** The operating system family, which decides the authenticator and which native code may load. */
public enum Platform {
    LINUX, WINDOWS, MACOS, OTHER;

    /** The platform this JVM runs on. */
    public static Platform current() {
        return fromOsName(System.getProperty("os.name", ""));
    }

    /** Classifies an {@code os.name} value. */
    public static Platform fromOsName(String osName) {
        String name = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        if (name.startsWith("windows")) {
            return WINDOWS;
        }
        if (name.startsWith("mac") || name.startsWith("darwin")) {
            return MACOS;
        }
        if (name.startsWith("linux")) {
            return LINUX;
        }
        return OTHER;
    }
}
