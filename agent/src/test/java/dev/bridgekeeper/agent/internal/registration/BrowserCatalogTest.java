package dev.bridgekeeper.agent.internal.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog as shipped in the jar, and the parser's rules, over real folders in a temporary tree. */
class BrowserCatalogTest {

    @TempDir
    Path tmp;

    private CatalogPlaces places(Path home, Path root) {
        return new CatalogPlaces(home, home.resolve(".config"), home.resolve(".local/share"), root.toString(),
                "bridgekeeper", "dev.bridgekeeper.host", Map.of());
    }

    private static LocatedBrowser find(List<LocatedBrowser> all, String id) {
        return all.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void theBundledCatalogDescribesEveryOs() {
        BrowserCatalog catalog = BrowserCatalog.bundled();
        for (String os : List.of("linux", "darwin", "windows")) {
            List<CatalogBrowser> browsers = catalog.browsers(os);
            assertTrue(browsers.size() >= 10, os + ": " + browsers.size());
            assertTrue(browsers.stream().anyMatch(b -> b.id().equals("chrome")), os);
            assertTrue(browsers.stream().anyMatch(b -> b.id().equals("firefox")), os);
        }
        assertTrue(catalog.browsers("windows").stream().allMatch(b -> !b.readsKeys().isEmpty() && !b.writesKeys().isEmpty()));
        assertTrue(catalog.browsers("linux").stream().allMatch(b -> !b.userDirs().isEmpty()));
    }

    @Test
    void aBrowserInstalledButNeverStartedIsPresentForTheUser() throws IOException {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("usr/lib/firefox-esr"));
        List<LocatedBrowser> all = BrowserCatalog.bundled().locate("linux", places(home, root));
        LocatedBrowser firefox = find(all, "firefox");
        assertTrue(firefox.present(false));
        assertEquals(home.resolve(".mozilla/native-messaging-hosts"), firefox.rows(false).get(0).dir());
        // System scope: only the folder whose own markers exist (Debian's lib, not Fedora's lib64).
        List<LocatedBrowser.InstallRow> system = firefox.rows(true);
        assertEquals(2, system.size());
        assertTrue(system.get(0).present());
        assertFalse(system.get(1).present());
        assertFalse(find(all, "chrome").present(false));
    }

    @Test
    void aFlatpakCountsOnlyItsSandboxAndGetsACopyThere() throws IOException {
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve(".var/app/org.chromium.Chromium"));
        LocatedBrowser flatpak = find(BrowserCatalog.bundled().locate("linux", places(home, tmp.resolve("root"))),
                "chromium-flatpak");
        assertEquals(List.of(home.resolve(".var/app/org.chromium.Chromium")), flatpak.userMarkers());
        assertEquals(home.resolve(".var/app/org.chromium.Chromium/data/bridgekeeper"), flatpak.sandbox());
        assertTrue(flatpak.present(false));
        assertTrue(flatpak.rows(true).isEmpty());
    }

    @Test
    void torBrowserGivesOneEntryPerInstalledLocaleOrItsDefault() throws IOException {
        Path home = tmp.resolve("home");
        Path tbb = home.resolve(".local/share/torbrowser/tbb/x86_64");
        Files.createDirectories(tbb.resolve("tor-browser_fr/Browser/TorBrowser/Data/Browser"));
        Files.createDirectories(tbb.resolve("tor-browser_de/Browser/TorBrowser/Data/Browser"));
        CatalogPlaces places = places(home, tmp.resolve("root"));
        List<LocatedBrowser> tor = BrowserCatalog.bundled().locate("linux", places).stream()
                .filter(b -> b.id().equals("tor-browser")).toList();
        assertEquals(2, tor.size());
        assertEquals(tbb.resolve("tor-browser_de/Browser/TorBrowser/Data/Browser/.mozilla/native-messaging-hosts"),
                tor.get(0).userDirs().get(0));
        assertTrue(tor.get(1).userDirs().get(0).toString().contains("tor-browser_fr"));

        Path empty = tmp.resolve("empty");
        List<LocatedBrowser> none = BrowserCatalog.bundled().locate("linux", places(empty, tmp.resolve("root"))).stream()
                .filter(b -> b.id().equals("tor-browser")).toList();
        assertEquals(1, none.size());
        assertTrue(none.get(0).userDirs().get(0).toString().contains("x86_64/tor-browser_en-US"));
    }

    @Test
    void windowsKeysCarryTheProductsHostName() {
        CatalogPlaces places = new CatalogPlaces(tmp, tmp, tmp, "", "com.example.vault", "com.example.vault",
                Map.of("LOCALAPPDATA", tmp.resolve("local").toString()));
        LocatedBrowser edge = find(BrowserCatalog.bundled().locate("windows", places), "edge");
        assertEquals(List.of("SOFTWARE\\Microsoft\\Edge\\NativeMessagingHosts\\com.example.vault"), edge.writesKeys());
        assertEquals(9, edge.readsKeys().size());
        assertEquals(tmp.resolve("local/Microsoft/Edge/User Data"), edge.userMarkers().get(0));
        assertNull(edge.sandbox());
    }

    @Test
    void badLinesAreRefusedWithTheirLineNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BrowserCatalog.parse(List.of("# c", "linux|x|name|X", "linux|x|colour|red"), "t"));
        assertTrue(e.getMessage().startsWith("t:3: unknown key 'colour'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BrowserCatalog.parse(List.of("beos|x|name|X"), "t"));
        assertThrows(IllegalArgumentException.class, () -> BrowserCatalog.parse(List.of("linux|x|name"), "t"));
        assertThrows(IllegalArgumentException.class,
                () -> BrowserCatalog.parse(List.of("windows|x|name|X", "windows|x|family|chromium",
                        "windows|x|reads-key|HKCR|64|SOFTWARE\\X"), "t"));
        e = assertThrows(IllegalArgumentException.class, () -> BrowserCatalog.parse(List.of("linux|x|name|X"), "t"));
        assertTrue(e.getMessage().contains("needs a name and a family"), e.getMessage());
    }
}
