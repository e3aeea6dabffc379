package com.example.desktopapp;

import dev.bridgekeeper.agent.DesktopBridge;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Who this app is, to the browsers and to its user: the native messaging host name the installer
 * registers, the name extensions and dialogs show, and the version. Everything that names the
 * product reads it from here, so giving the bridge more of the identity is a change to
 * {@link #applyTo} only.
 *
 * @param hostName    the native messaging host name ({@code com.example.sample_notes}: lower case,
 *                    dots and underscores, as the browsers require)
 * @param displayName what people see: window titles, the pairing dialog, extensions' status
 * @param version     this app's version, as extensions see it
 */
public record AppIdentity(String hostName, String displayName, String version) {

    /** This sample's identity. */
    public static final AppIdentity SAMPLE_NOTES = new AppIdentity("com.example.sample_notes", "Sample Notes", "1.0.0");

    /** Gives the bridge this identity. */
    public DesktopBridge.Builder applyTo(DesktopBridge.Builder builder) {
        return builder.identity(displayName, version);
    }

    /** Where this app keeps its Bridgekeeper identity key and pairings, per OS conventions. */
    public Path defaultDataDirectory() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String home = System.getProperty("user.home");
        if (os.startsWith("windows")) {
            String appData = System.getenv("APPDATA");
            return Path.of(appData != null ? appData : home, displayName, "bridgekeeper");
        }
        if (os.contains("mac")) {
            return Path.of(home, "Library", "Application Support", displayName, "bridgekeeper");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        return Path.of(xdg != null && xdg.startsWith("/") ? xdg : home + "/.local/share", hostName, "bridgekeeper");
    }
}
