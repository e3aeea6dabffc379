package dev.bridgekeeper.agent.internal.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** install, verify and remove over a temporary HOME and system root, with real files (and a map as the registry). */
class HostRegistrarTest {

    static final String CHROME_ID = "abcdefghijklmnopabcdefghijklmnop";
    static final String FIREFOX_ID = "vault@example.com";
    static final String HOST = "com.example.vault";

    @TempDir
    Path tmp;

    private Path home;
    private Path root;

    private HostRegistrar linux(boolean system) throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        root = Files.createDirectories(tmp.resolve("root"));
        CatalogPlaces places = new CatalogPlaces(home, home.resolve(".config"), home.resolve(".local/share"),
                root.toString(), HOST, HOST, Map.of());
        return new HostRegistrar(HostOs.LINUX, BrowserCatalog.bundled().locate("linux", places), system, HOST, "Vault",
                RegistryReader.NONE, null, null);
    }

    private Path launcher() throws IOException {
        Path launcher = tmp.resolve("bin/vault-host");
        Files.createDirectories(launcher.getParent());
        Files.writeString(launcher, "#!/bin/sh\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }

    private static Map<String, List<Finding>> byBrowser(List<Finding> findings) {
        return findings.stream().collect(Collectors.groupingBy(Finding::subject));
    }

    @Test
    void installWritesWhereBrowsersAreThenVerifyPassesAndRemoveCleansUp() throws IOException {
        HostRegistrar registrar = linux(false);
        Files.createDirectories(home.resolve(".config/chromium"));
        Files.createDirectories(root.resolve("usr/lib/firefox-esr")); // installed, never started
        Path launcher = launcher();

        List<Finding> installed = registrar.install(launcher, List.of(CHROME_ID, FIREFOX_ID));
        Path chromium = home.resolve(".config/chromium/NativeMessagingHosts/" + HOST + ".json");
        Path firefox = home.resolve(".mozilla/native-messaging-hosts/" + HOST + ".json");
        assertTrue(Files.isRegularFile(chromium));
        assertTrue(Files.isRegularFile(firefox));
        assertTrue(Files.readString(chromium).contains("\"chrome-extension://" + CHROME_ID + "/\""));
        assertTrue(Files.readString(firefox).contains("\"allowed_extensions\" : [ \"" + FIREFOX_ID + "\" ]"));
        assertFalse(Files.exists(home.resolve(".config/google-chrome")), "no folder for an absent browser");
        Map<String, List<Finding>> install = byBrowser(installed);
        assertEquals("skipped", install.get("chrome").get(0).check());
        assertTrue(install.get("chrome").get(0).message().contains("is not installed here"));

        List<Finding> verified = registrar.verify(List.of(CHROME_ID, FIREFOX_ID));
        assertTrue(verified.stream().noneMatch(f -> f.status() == Finding.Status.FAIL), verified::toString);
        Map<String, List<Finding>> verify = byBrowser(verified);
        assertTrue(verify.get("chromium").stream().anyMatch(f -> f.check().equals("allowed") && f.status() == Finding.Status.OK));
        assertTrue(verify.get("opera").get(0).check().equals("skipped"));

        // An id the manifest does not allow is a failure with a reason.
        assertTrue(registrar.verify(List.of("ponmlkjihgfedcbaponmlkjihgfedcba")).stream()
                .anyMatch(f -> f.subject().equals("chromium") && f.check().equals("allowed") && f.status() == Finding.Status.FAIL));

        // Another program's manifest with our file name is kept.
        Path other = home.resolve(".config/chromium/NativeMessagingHosts/" + HOST + ".json");
        List<Finding> removed = registrar.remove();
        assertFalse(Files.exists(chromium));
        assertFalse(Files.exists(firefox));
        assertEquals(2, removed.stream().filter(f -> f.check().equals("removed")).count(), removed::toString);
        Files.writeString(other, "{\"name\":\"org.other.host\"}");
        registrar.remove();
        assertTrue(Files.exists(other));
        assertTrue(registrar.verify(List.of(CHROME_ID)).stream()
                .anyMatch(f -> f.subject().equals("chromium") && f.status() == Finding.Status.FAIL));
    }

    @Test
    void systemScopeWritesOnlyTheFolderOfTheBuildThatIsThere() throws IOException {
        HostRegistrar registrar = linux(true);
        Files.createDirectories(root.resolve("usr/lib64/firefox"));
        registrar.install(launcher(), List.of(FIREFOX_ID));
        Path lib64 = root.resolve("usr/lib64/mozilla/native-messaging-hosts/" + HOST + ".json");
        assertTrue(Files.isRegularFile(lib64));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(lib64)));
        assertFalse(Files.exists(root.resolve("usr/lib/mozilla")));
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsWritten() throws IOException {
        HostRegistrar registrar = linux(false);
        Files.createDirectories(home.resolve(".config/chromium"));
        assertThrows(IllegalArgumentException.class, () -> registrar.install(launcher(), List.of("not an id")));
        assertThrows(IllegalArgumentException.class, () -> registrar.install(Path.of("relative/host"), List.of(CHROME_ID)));
        assertFalse(Files.exists(home.resolve(".config/chromium/NativeMessagingHosts")));
    }

    /** A registry in a map, for the Windows logic on any OS. */
    static final class MapRegistry implements RegistryReader, RegistryWriter {
        final Map<String, String> keys = new HashMap<>();

        @Override
        public Optional<Map<String, Object>> values(Hive hive, View view, String path) {
            String v = keys.get(hive + "\\" + path);
            return v == null ? Optional.empty() : Optional.of(Map.of("", v));
        }

        @Override
        public void setDefault(Hive hive, String path, String value) {
            keys.put(hive + "\\" + path, value);
        }

        @Override
        public void deleteKey(Hive hive, String path) {
            keys.remove(hive + "\\" + path);
        }
    }

    @Test
    void windowsWritesOneManifestPerFamilyAndTheCatalogsKeys() throws IOException {
        Path profile = Files.createDirectories(tmp.resolve("Users/ana"));
        Files.createDirectories(profile.resolve("AppData/Local/Google/Chrome/User Data"));
        CatalogPlaces places = new CatalogPlaces(profile, profile, profile, "", HOST, HOST, Map.of());
        MapRegistry registry = new MapRegistry();
        Path manifests = tmp.resolve("data/manifests");
        HostRegistrar registrar = new HostRegistrar(HostOs.WINDOWS, BrowserCatalog.bundled().locate("windows", places),
                false, HOST, "Vault", registry, registry, manifests);
        Path exe = tmp.resolve("vault-host.exe");
        Files.writeString(exe, "MZ");

        registrar.install(exe, List.of(CHROME_ID));
        Path chromium = manifests.resolve("chromium/" + HOST + ".json");
        assertEquals(chromium.toString(), registry.keys.get("HKCU\\SOFTWARE\\Google\\Chrome\\NativeMessagingHosts\\" + HOST));
        assertEquals(chromium.toString(), registry.keys.get("HKCU\\SOFTWARE\\Microsoft\\Edge\\NativeMessagingHosts\\" + HOST));
        assertFalse(registry.keys.keySet().stream().anyMatch(k -> k.contains("Mozilla")), "no Firefox id, no Firefox key");

        List<Finding> verified = registrar.verify(List.of(CHROME_ID));
        assertTrue(verified.stream().anyMatch(f -> f.subject().equals("chrome") && f.check().equals("manifest")
                && f.status() == Finding.Status.OK && f.message().contains("via HKCU")), verified::toString);

        registrar.remove();
        assertTrue(registry.keys.isEmpty(), registry.keys::toString);
        assertFalse(Files.exists(chromium));
    }
}
