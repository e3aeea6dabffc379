package dev.bridgekeeper.agent.internal.registration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code browsers.catalog} (installer/browsers.catalog in the source tree, a resource of
 * this package in the jar), the one browser list install.sh and install.ps1 read too. The file
 * explains its format; this class follows it line by line and refuses anything else.
 */
public final class BrowserCatalog {

    /** The operating systems the catalog describes. */
    public static final Set<String> OSES = Set.of("linux", "darwin", "windows");

    private static final Set<String> KEYS = Set.of("name", "family", "policy", "user-marker", "system-marker",
            "user-dir", "user-reads", "system-dir", "system-reads", "sandbox", "each", "writes-key", "reads-key");

    private final List<CatalogBrowser> browsers;

    private BrowserCatalog(List<CatalogBrowser> browsers) {
        this.browsers = List.copyOf(browsers);
    }

    /** The catalog shipped in this jar. */
    public static BrowserCatalog bundled() {
        try (InputStream in = BrowserCatalog.class.getResourceAsStream("browsers.catalog")) {
            if (in == null) {
                throw new IllegalStateException("browsers.catalog is missing from the bridgekeeper-agent jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return parse(reader.lines().toList(), "browsers.catalog");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses catalog lines.
     *
     * @throws IllegalArgumentException naming the line, for an unknown OS or key, a missing value,
     *                                  or a browser without name or family
     */
    public static BrowserCatalog parse(List<String> lines, String source) {
        Map<String, Builder> byKey = new LinkedHashMap<>();
        int number = 0;
        for (String line : lines) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\|", -1);
            String where = source + ":" + number + ": ";
            if (f.length < 4 || f[3].isEmpty()) {
                throw new IllegalArgumentException(where + "expected OS|BROWSER|KEY|VALUE");
            }
            if (!OSES.contains(f[0])) {
                throw new IllegalArgumentException(where + "unknown OS '" + f[0] + "'");
            }
            if (!KEYS.contains(f[2])) {
                throw new IllegalArgumentException(where + "unknown key '" + f[2] + "'");
            }
            byKey.computeIfAbsent(f[0] + "|" + f[1], k -> new Builder(f[0], f[1])).add(f, where);
        }
        List<CatalogBrowser> all = new ArrayList<>();
        for (Builder b : byKey.values()) {
            all.add(b.build(source));
        }
        return new BrowserCatalog(all);
    }

    /** The browsers of one OS (linux, darwin, windows), in catalog order. */
    public List<CatalogBrowser> browsers(String os) {
        return browsers.stream().filter(b -> b.os().equals(os)).toList();
    }

    /**
     * The browsers of one OS with their places expanded; a browser with an {@code each} glob gives
     * one entry per matching folder, or one for its default folder.
     */
    public List<LocatedBrowser> locate(String os, CatalogPlaces places) {
        List<LocatedBrowser> out = new ArrayList<>();
        for (CatalogBrowser b : browsers(os)) {
            if (b.eachGlob() == null) {
                out.add(LocatedBrowser.of(b, places, null));
                continue;
            }
            List<Path> matches = glob(places.expand(b.eachGlob()));
            if (matches.isEmpty()) {
                matches = List.of(Path.of(places.expand(b.eachDefault())));
            }
            for (Path each : matches) {
                out.add(LocatedBrowser.of(b, places, each.toString()));
            }
        }
        return out;
    }

    /**
     * What {@code install.sh --list-browsers} prints for the same OS, scope and folders: one line
     * per manifest folder an install would write, with whether the browser was found. The
     * installer tests compare the two outputs.
     */
    public static String listing(String os, boolean systemScope, List<LocatedBrowser> located) {
        StringBuilder out = new StringBuilder("Browsers for " + os + ", scope " + (systemScope ? "system" : "user")
                + " (found = its profile or install folder exists):\n");
        for (LocatedBrowser b : located) {
            for (LocatedBrowser.InstallRow row : b.rows(systemScope)) {
                String extra = b.sandbox() == null ? "" : " (sandboxed copy in " + b.sandbox() + ")";
                out.append(String.format("  %-20s %-6s %-9s %s%s%n", b.id(), row.present() ? "found" : "-",
                        b.entry().family(), row.dir(), extra));
            }
        }
        return out.toString();
    }

    /** Folders matching an absolute pattern whose segments may hold {@code *}, sorted. */
    static List<Path> glob(String pattern) {
        String[] parts = pattern.split("/");
        List<Path> current = List.of(Path.of(pattern.startsWith("/") ? "/" : ""));
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            List<Path> next = new ArrayList<>();
            for (Path dir : current) {
                if (!part.contains("*")) {
                    next.add(dir.resolve(part));
                    continue;
                }
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, part)) {
                    entries.forEach(next::add);
                } catch (IOException | SecurityException e) {
                    // An unreadable or missing folder matches nothing, as in the shell.
                }
            }
            current = next;
        }
        List<Path> found = new ArrayList<>(current.stream().filter(Files::isDirectory).toList());
        found.sort(null);
        return found;
    }

    /** Collects one browser's lines. */
    private static final class Builder {
        private final String os;
        private final String id;
        private String name;
        private String family;
        private String policy;
        private String sandbox;
        private String eachGlob;
        private String eachDefault;
        private final List<String> userMarkers = new ArrayList<>();
        private final List<String> systemMarkers = new ArrayList<>();
        private final List<String> userDirs = new ArrayList<>();
        private final List<String> userReads = new ArrayList<>();
        private final List<CatalogBrowser.SystemDir> systemDirs = new ArrayList<>();
        private final List<String> systemReads = new ArrayList<>();
        private final List<String> writesKeys = new ArrayList<>();
        private final List<CatalogBrowser.RegistryEntry> readsKeys = new ArrayList<>();

        Builder(String os, String id) {
            this.os = os;
            this.id = id;
        }

        void add(String[] f, String where) {
            String v = f[3];
            switch (f[2]) {
                case "name" -> name = v;
                case "family" -> {
                    if (!v.equals("chromium") && !v.equals("firefox")) {
                        throw new IllegalArgumentException(where + "family must be chromium or firefox");
                    }
                    family = v;
                }
                case "policy" -> policy = v;
                case "sandbox" -> sandbox = v;
                case "user-marker" -> userMarkers.add(v);
                case "system-marker" -> systemMarkers.add(v);
                case "user-dir" -> userDirs.add(v);
                case "user-reads" -> userReads.add(v);
                case "system-reads" -> systemReads.add(v);
                case "writes-key" -> writesKeys.add(v);
                case "system-dir" -> systemDirs.add(new CatalogBrowser.SystemDir(v,
                        f.length > 4 && !f[4].isEmpty() ? List.of(f[4].split(";")) : List.of()));
                case "each" -> {
                    if (f.length < 5) {
                        throw new IllegalArgumentException(where + "each needs GLOB|DEFAULT");
                    }
                    eachGlob = v;
                    eachDefault = f[4];
                }
                case "reads-key" -> {
                    if (f.length < 6) {
                        throw new IllegalArgumentException(where + "reads-key needs HIVE|VIEW|KEY");
                    }
                    try {
                        readsKeys.add(new CatalogBrowser.RegistryEntry(v, Integer.parseInt(f[4]), f[5]));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(where + e.getMessage());
                    }
                }
                default -> throw new IllegalArgumentException(where + "unknown key '" + f[2] + "'");
            }
        }

        CatalogBrowser build(String source) {
            if (name == null || family == null) {
                throw new IllegalArgumentException(source + ": " + os + " browser '" + id + "' needs a name and a family");
            }
            return new CatalogBrowser(os, id, name, family, policy, userMarkers, systemMarkers, userDirs, userReads,
                    systemDirs, systemReads, sandbox, eachGlob, eachDefault, writesKeys, readsKeys);
        }
    }
}
