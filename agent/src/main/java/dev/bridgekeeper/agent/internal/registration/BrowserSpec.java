package dev.bridgekeeper.agent.internal.registration;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the doctor knows about one browser on one OS.
 *
 * @param id        short name, the same as install.sh's {@code --browser} names
 * @param name      display name
 * @param family    Chromium or Firefox family
 * @param markers   folders whose existence means the browser is installed or has run
 * @param lookup    the places the browser reads the manifest from, first match wins
 * @param policy    whose enterprise policies apply, or null when none can block native messaging
 */
public record BrowserSpec(String id, String name, Family family, List<Path> markers,
                          List<ManifestLocation> lookup, PolicyVendor policy) {

    public BrowserSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(family, "family");
        markers = List.copyOf(markers);
        lookup = List.copyOf(lookup);
    }

    /** A catalog browser as the lookup replays it: user folders, then system folders, or registry keys. */
    public static BrowserSpec of(LocatedBrowser b) {
        CatalogBrowser e = b.entry();
        List<ManifestLocation> lookup = new java.util.ArrayList<>();
        b.userDirs().forEach(d -> lookup.add(new ManifestLocation.Folder(d, true)));
        b.userReads().forEach(d -> lookup.add(new ManifestLocation.Folder(d, true)));
        b.systemDirs().forEach(d -> lookup.add(new ManifestLocation.Folder(d.dir(), false)));
        b.systemReads().forEach(d -> lookup.add(new ManifestLocation.Folder(d, false)));
        for (CatalogBrowser.RegistryEntry r : b.readsKeys()) {
            lookup.add(new ManifestLocation.Registry(new RegistryKey(RegistryReader.Hive.valueOf(r.hive()),
                    r.bits() == 32 ? RegistryReader.View.BITS_32 : RegistryReader.View.BITS_64, r.path())));
        }
        Family family = e.family().equals("firefox") ? Family.FIREFOX : Family.CHROMIUM;
        PolicyVendor policy = e.policy() == null ? null
                : PolicyVendor.valueOf(e.policy().toUpperCase(java.util.Locale.ROOT));
        return new BrowserSpec(e.id(), e.name(), family, b.userMarkers(), lookup, policy);
    }

    /** Browsers whose policies can block native messaging hosts, with where they keep them. */
    public enum PolicyVendor {
        CHROME("/etc/opt/chrome/policies/managed", "SOFTWARE\\Policies\\Google\\Chrome"),
        CHROMIUM("/etc/chromium/policies/managed", "SOFTWARE\\Policies\\Chromium"),
        EDGE("/etc/opt/edge/policies/managed", "SOFTWARE\\Policies\\Microsoft\\Edge"),
        BRAVE("/etc/brave/policies/managed", "SOFTWARE\\Policies\\BraveSoftware\\Brave");

        private final String linuxFolder;
        private final String windowsKey;

        PolicyVendor(String linuxFolder, String windowsKey) {
            this.linuxFolder = linuxFolder;
            this.windowsKey = windowsKey;
        }

        /** Folder of managed-policy JSON files on Linux. */
        public String linuxFolder() {
            return linuxFolder;
        }

        /** Policy key under HKLM/HKCU on Windows. */
        public String windowsKey() {
            return windowsKey;
        }
    }
}
