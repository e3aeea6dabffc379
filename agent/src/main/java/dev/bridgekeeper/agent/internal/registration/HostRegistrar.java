package dev.bridgekeeper.agent.internal.registration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Registers one product's native messaging host with the browsers of the catalog, checks and
 * removes it: the logic behind {@code NativeHostRegistration}, with the OS, folders and registry
 * given so tests run it in a temporary tree. The rules are install.sh's and install.ps1's: a
 * browser counts as present by its catalog markers (user scope also by its system markers);
 * Linux and macOS get a manifest in each manifest folder of the scope; Windows gets one manifest
 * per family in {@code manifestHome} and the catalog's keys below HKCU (user) or HKLM (system).
 */
public final class HostRegistrar {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HostOs os;
    private final List<LocatedBrowser> browsers;
    private final boolean systemScope;
    private final String hostName;
    private final String displayName;
    private final RegistryReader registryReader;
    private final RegistryWriter registryWriter;
    private final Path manifestHome;

    /**
     * @param manifestHome Windows: the folder that holds {@code <family>/<host>.json}
     */
    public HostRegistrar(HostOs os, List<LocatedBrowser> browsers, boolean systemScope, String hostName,
                         String displayName, RegistryReader registryReader, RegistryWriter registryWriter,
                         Path manifestHome) {
        this.os = os;
        this.browsers = List.copyOf(browsers);
        this.systemScope = systemScope;
        this.hostName = hostName;
        this.displayName = displayName;
        this.registryReader = registryReader;
        this.registryWriter = registryWriter;
        this.manifestHome = manifestHome;
    }

    /**
     * Writes the manifests (and on Windows the keys) for every browser found; one finding per
     * manifest written, and an INFO {@code skipped} finding saying why for every other browser.
     *
     * @param extensionIds Chromium extension ids (32 letters a-p) and Firefox add-on ids
     * @throws IllegalArgumentException for an id that is neither, or a relative launcher
     * @throws IOException              when a manifest or key cannot be written
     */
    public List<Finding> install(Path launcher, List<String> extensionIds) throws IOException {
        if (!launcher.isAbsolute()) {
            throw new IllegalArgumentException("the launcher path must be absolute: " + launcher);
        }
        List<String> chromeIds = new ArrayList<>();
        List<String> firefoxIds = new ArrayList<>();
        split(extensionIds, chromeIds, firefoxIds);
        List<Finding> out = new ArrayList<>();
        Set<Path> written = new LinkedHashSet<>();
        for (LocatedBrowser b : browsers) {
            List<String> ids = b.entry().family().equals("firefox") ? firefoxIds : chromeIds;
            if (ids.isEmpty()) {
                out.add(Finding.info(b.id(), "skipped", "no " + (b.entry().family().equals("firefox")
                        ? "Firefox add-on id" : "Chromium extension id") + " was given"));
                continue;
            }
            String text = manifest(b.entry().family(), launcher, ids);
            if (os == HostOs.WINDOWS) {
                Path file = manifestHome.resolve(b.entry().family()).resolve(hostName + ".json");
                if (written.add(file)) {
                    writeAtomically(file, text);
                }
                for (String key : b.writesKeys()) {
                    registryWriter.setDefault(hive(), key, file.toString());
                    out.add(Finding.ok(b.id(), "installed", hive() + "\\" + key + " -> " + file));
                }
                continue;
            }
            if (b.sandbox() != null) {
                if (b.present(false)) {
                    out.add(Finding.info(b.id(), "skipped", b.entry().name() + " runs in a sandbox that cannot start "
                            + launcher + "; install.sh copies the host into " + b.sandbox()));
                }
                continue;
            }
            List<LocatedBrowser.InstallRow> rows = b.rows(systemScope).stream().filter(LocatedBrowser.InstallRow::present).toList();
            if (rows.isEmpty()) {
                out.add(absent(b));
                continue;
            }
            for (LocatedBrowser.InstallRow row : rows) {
                Path file = row.dir().resolve(hostName + ".json");
                if (written.add(file)) {
                    writeAtomically(file, text);
                }
                out.add(Finding.ok(b.id(), "installed", "wrote " + file));
            }
        }
        return out;
    }

    /**
     * The doctor's manifest checks for every browser found (an INFO {@code skipped} finding with
     * the reason for the others); a FAIL finding means that browser cannot start the host.
     */
    public List<Finding> verify(List<String> extensionIds) {
        List<String> chromeIds = new ArrayList<>();
        List<String> firefoxIds = new ArrayList<>();
        split(extensionIds, chromeIds, firefoxIds);
        ManifestVerifier verifier = new ManifestVerifier(os, registryReader, chromeIds, firefoxIds, hostName);
        List<Finding> out = new ArrayList<>();
        Set<String> skipped = new LinkedHashSet<>();
        for (LocatedBrowser b : browsers) {
            BrowserSpec spec = BrowserSpec.of(b);
            if (!ManifestVerifier.present(spec)) {
                if (skipped.add(spec.id())) {
                    out.add(ManifestVerifier.skipped(spec));
                }
                continue;
            }
            out.addAll(verifier.check(spec).findings());
        }
        return out;
    }

    /** Deletes this product's manifests (only files whose name field is this host) and keys. */
    public List<Finding> remove() throws IOException {
        List<Finding> out = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (LocatedBrowser b : browsers) {
            if (os == HostOs.WINDOWS) {
                for (String key : b.writesKeys()) {
                    if (registryReader.values(hive(), RegistryReader.View.BITS_64, key).isPresent()) {
                        registryWriter.deleteKey(hive(), key);
                        out.add(Finding.ok(b.id(), "removed", hive() + "\\" + key));
                    }
                }
                continue;
            }
            for (LocatedBrowser.InstallRow row : b.rows(systemScope)) {
                Path file = row.dir().resolve(hostName + ".json");
                if (seen.add(file) && Files.isRegularFile(file)) {
                    if (ours(file)) {
                        Files.delete(file);
                        out.add(Finding.ok(b.id(), "removed", "deleted " + file));
                    } else {
                        out.add(Finding.warn(b.id(), "removed", "kept " + file + ": its name is not " + hostName,
                                "delete it by hand if it is not another program's"));
                    }
                }
            }
        }
        if (os == HostOs.WINDOWS) {
            for (String family : List.of("chromium", "firefox")) {
                Path file = manifestHome.resolve(family).resolve(hostName + ".json");
                if (Files.deleteIfExists(file)) {
                    out.add(Finding.ok(family, "removed", "deleted " + file));
                }
            }
        }
        return out;
    }

    private RegistryReader.Hive hive() {
        return systemScope ? RegistryReader.Hive.HKLM : RegistryReader.Hive.HKCU;
    }

    private Finding absent(LocatedBrowser b) {
        List<String> looked = new ArrayList<>();
        (systemScope ? b.systemMarkers() : b.userMarkers()).forEach(m -> looked.add(m.toString()));
        if (systemScope && b.systemDirs().isEmpty()) {
            return Finding.info(b.id(), "skipped", b.entry().name() + " has no system-wide manifest folder");
        }
        return Finding.info(b.id(), "skipped", b.entry().name() + " is not installed here: none of "
                + String.join(", ", looked) + " exists");
    }

    private boolean ours(Path file) {
        try {
            JsonNode root = JSON.readTree(Files.readAllBytes(file));
            return root != null && hostName.equals(root.path("name").asText(null));
        } catch (IOException e) {
            return false;
        }
    }

    /** The manifest text, the same fields as manifests/*.json.in that the installers fill in. */
    String manifest(String family, Path launcher, List<String> ids) {
        ObjectNode m = JSON.createObjectNode();
        m.put("name", hostName);
        m.put("description", displayName + " native messaging host");
        m.put("path", launcher.toString());
        m.put("type", "stdio");
        var allowed = m.putArray(family.equals("firefox") ? "allowed_extensions" : "allowed_origins");
        ids.forEach(id -> allowed.add(family.equals("firefox") ? id : ExtensionIds.origin(id)));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void split(List<String> ids, List<String> chromeIds, List<String> firefoxIds) {
        for (String id : ids) {
            if (ExtensionIds.isChromeId(id)) {
                chromeIds.add(id);
            } else if (ExtensionIds.isFirefoxId(id)) {
                firefoxIds.add(id);
            } else {
                throw new IllegalArgumentException("'" + Text.printable(id, 80)
                        + "' is neither a Chromium extension id (32 letters a-p) nor a Firefox add-on id (name@domain or {GUID})");
            }
        }
    }

    /** Writes through a temporary file in the same folder, so a browser never reads half a manifest. */
    private static void writeAtomically(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                // Browsers of every user read a system-wide manifest; temporary files start as 0600.
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
