package dev.bridgekeeper.agent.internal.registration;

import java.util.List;
import java.util.Objects;

/**
 * One browser of one OS as {@code browsers.catalog} states it, values still holding their
 * placeholders ({@code ${HOME}}, {@code %LOCALAPPDATA%}, ...); {@link CatalogPlaces} expands them.
 *
 * @param os            linux, darwin or windows
 * @param id            short name, the installers' {@code --browser} name
 * @param name          display name
 * @param family        chromium or firefox
 * @param policy        whose enterprise policies apply (chrome, chromium, edge, brave), or null
 * @param userMarkers   folders that exist once the browser ran for this user
 * @param systemMarkers folders that exist when it is installed system-wide
 * @param userDirs      manifest folders a user-scope install writes, in read order
 * @param userReads     further user-level folders the browser reads
 * @param systemDirs    manifest folders a system-scope install writes, in read order
 * @param systemReads   further system folders the browser reads
 * @param sandbox       Flatpak: the folder inside the sandbox for the host's own copy, or null
 * @param eachGlob      a glob giving one entry per matching folder ({@code ${EACH}}), or null
 * @param eachDefault   the folder used when nothing matches {@code eachGlob}
 * @param writesKeys    Windows: keys written below the scope's hive (64-bit view)
 * @param readsKeys     Windows: the registry read order
 */
public record CatalogBrowser(String os, String id, String name, String family, String policy,
                             List<String> userMarkers, List<String> systemMarkers,
                             List<String> userDirs, List<String> userReads,
                             List<SystemDir> systemDirs, List<String> systemReads, String sandbox,
                             String eachGlob, String eachDefault,
                             List<String> writesKeys, List<RegistryEntry> readsKeys) {

    public CatalogBrowser {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(family, "family");
        userMarkers = List.copyOf(userMarkers);
        systemMarkers = List.copyOf(systemMarkers);
        userDirs = List.copyOf(userDirs);
        userReads = List.copyOf(userReads);
        systemDirs = List.copyOf(systemDirs);
        systemReads = List.copyOf(systemReads);
        writesKeys = List.copyOf(writesKeys);
        readsKeys = List.copyOf(readsKeys);
    }

    /**
     * A folder a system-scope install writes.
     *
     * @param path   the folder
     * @param onlyIf markers of which one must exist for the folder to be written; empty = the
     *               browser's system markers decide
     */
    public record SystemDir(String path, List<String> onlyIf) {
        public SystemDir {
            Objects.requireNonNull(path, "path");
            onlyIf = List.copyOf(onlyIf);
        }
    }

    /**
     * One step of a browser's registry read order.
     *
     * @param hive HKCU or HKLM
     * @param bits 32 or 64, the registry view
     * @param path the key below the hive, with {@code ${HOST}}
     */
    public record RegistryEntry(String hive, int bits, String path) {
        public RegistryEntry {
            if (!hive.equals("HKCU") && !hive.equals("HKLM")) {
                throw new IllegalArgumentException("hive must be HKCU or HKLM: " + hive);
            }
            if (bits != 32 && bits != 64) {
                throw new IllegalArgumentException("view must be 32 or 64: " + bits);
            }
            Objects.requireNonNull(path, "path");
        }
    }
}
