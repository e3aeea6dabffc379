package dev.bridgekeeper.agent.internal.registration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A catalog browser with its placeholders expanded for one user, product and test root.
 *
 * @param entry         the catalog entry
 * @param userMarkers   signs of it for user scope: its user markers, and its system markers
 *                      unless it is sandboxed (installed but never started still reads the user
 *                      folder; install.sh applies the same rule)
 * @param systemMarkers signs of a system-wide install
 * @param userDirs      user folders an install writes
 * @param userReads     user folders it only reads
 * @param systemDirs    system folders an install writes, each with the markers that decide it
 * @param systemReads   system folders it only reads
 * @param sandbox       Flatpak sandbox copy folder, or null
 * @param writesKeys    Windows keys written (host name filled in)
 * @param readsKeys     Windows read order (host name filled in)
 */
public record LocatedBrowser(CatalogBrowser entry, List<Path> userMarkers, List<Path> systemMarkers,
                             List<Path> userDirs, List<Path> userReads, List<SystemFolder> systemDirs,
                             List<Path> systemReads, Path sandbox, List<String> writesKeys,
                             List<CatalogBrowser.RegistryEntry> readsKeys) {

    /**
     * A system folder an install writes and the markers of which one must exist.
     *
     * @param dir     the folder
     * @param markers the markers
     */
    public record SystemFolder(Path dir, List<Path> markers) {
        public SystemFolder {
            markers = List.copyOf(markers);
        }
    }

    static LocatedBrowser of(CatalogBrowser b, CatalogPlaces places, String each) {
        List<Path> systemMarkers = paths(b.systemMarkers(), places, each);
        List<Path> userMarkers = new ArrayList<>(paths(b.userMarkers(), places, each));
        if (b.sandbox() == null) {
            userMarkers.addAll(systemMarkers);
        }
        List<SystemFolder> systemDirs = new ArrayList<>();
        for (CatalogBrowser.SystemDir d : b.systemDirs()) {
            systemDirs.add(new SystemFolder(path(d.path(), places, each),
                    d.onlyIf().isEmpty() ? systemMarkers : paths(d.onlyIf(), places, each)));
        }
        List<String> writes = b.writesKeys().stream().map(places::expand).toList();
        List<CatalogBrowser.RegistryEntry> reads = b.readsKeys().stream()
                .map(r -> new CatalogBrowser.RegistryEntry(r.hive(), r.bits(), places.expand(r.path()))).toList();
        return new LocatedBrowser(b, userMarkers, systemMarkers, paths(b.userDirs(), places, each),
                paths(b.userReads(), places, each), systemDirs, paths(b.systemReads(), places, each),
                b.sandbox() == null ? null : path(b.sandbox(), places, each), writes, reads);
    }

    public LocatedBrowser {
        userMarkers = List.copyOf(userMarkers);
        systemMarkers = List.copyOf(systemMarkers);
        userDirs = List.copyOf(userDirs);
        userReads = List.copyOf(userReads);
        systemDirs = List.copyOf(systemDirs);
        systemReads = List.copyOf(systemReads);
        writesKeys = List.copyOf(writesKeys);
        readsKeys = List.copyOf(readsKeys);
    }

    /** The short name. */
    public String id() {
        return entry.id();
    }

    /** Whether one of the markers of the scope exists as a folder. */
    public boolean present(boolean systemScope) {
        return (systemScope ? systemMarkers : userMarkers).stream().anyMatch(Files::isDirectory);
    }

    /**
     * The manifest folders an install of this scope writes, one row each, as install.sh lists
     * them: a user row carries the user markers, a system row the markers of its folder.
     */
    public List<InstallRow> rows(boolean systemScope) {
        List<InstallRow> rows = new ArrayList<>();
        if (systemScope) {
            for (SystemFolder f : systemDirs) {
                rows.add(new InstallRow(this, f.markers(), f.dir()));
            }
        } else {
            for (Path d : userDirs) {
                rows.add(new InstallRow(this, userMarkers, d));
            }
        }
        return rows;
    }

    /**
     * One manifest folder an install writes.
     *
     * @param browser the browser
     * @param markers the folders of which one must exist
     * @param dir     the manifest folder
     */
    public record InstallRow(LocatedBrowser browser, List<Path> markers, Path dir) {
        /** Whether the browser of this row is there. */
        public boolean present() {
            return markers.stream().anyMatch(Files::isDirectory);
        }
    }

    private static List<Path> paths(List<String> templates, CatalogPlaces places, String each) {
        return templates.stream().map(t -> path(t, places, each)).toList();
    }

    private static Path path(String template, CatalogPlaces places, String each) {
        return places.path(each == null ? template : template.replace("${EACH}", each));
    }
}
