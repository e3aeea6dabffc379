package dev.bridgekeeper.agent.internal.registration;

import java.util.Objects;

/**
 * A registry key in one hive and view, e.g. the Chrome host key in HKCU's 64-bit view.
 *
 * @param hive HKCU or HKLM
 * @param view 32- or 64-bit view
 * @param path the path below the hive, e.g. {@code SOFTWARE\Google\Chrome\NativeMessagingHosts\dev.bridgekeeper.host}
 */
public record RegistryKey(RegistryReader.Hive hive, RegistryReader.View view, String path) {

    public RegistryKey {
        Objects.requireNonNull(hive, "hive");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(path, "path");
    }

    /** How a person would write it, with the view spelled out. */
    public String display() {
        return hive + "\\" + path + (view == RegistryReader.View.BITS_32 ? " (32-bit view)" : " (64-bit view)");
    }
}
