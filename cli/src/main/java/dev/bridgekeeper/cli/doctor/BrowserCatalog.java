package dev.bridgekeeper.cli.doctor;

import static dev.bridgekeeper.cli.doctor.BrowserSpec.PolicyVendor.BRAVE;
import static dev.bridgekeeper.cli.doctor.BrowserSpec.PolicyVendor.CHROME;
import static dev.bridgekeeper.cli.doctor.BrowserSpec.PolicyVendor.CHROMIUM;
import static dev.bridgekeeper.cli.doctor.BrowserSpec.PolicyVendor.EDGE;
import static dev.bridgekeeper.cli.doctor.Family.FIREFOX;
import static dev.bridgekeeper.cli.doctor.RegistryReader.Hive.HKCU;
import static dev.bridgekeeper.cli.doctor.RegistryReader.Hive.HKLM;
import static dev.bridgekeeper.cli.doctor.RegistryReader.View.BITS_32;
import static dev.bridgekeeper.cli.doctor.RegistryReader.View.BITS_64;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each browser looks for native messaging manifests, per OS, in its read order
 * (shared/NATIVE-MESSAGING.md section 2). Browser ids match install.sh's {@code --browser} names;
 * installer/test/run.sh runs the doctor over a real install to keep the two in step.
 */
public final class BrowserCatalog {
    private BrowserCatalog() {}

    /** The host name every manifest must carry. */
    public static final String HOST_NAME = dev.bridgekeeper.protocol.local.SocketPaths.DEFAULT_HOST_NAME;

    /** The browsers of the environment's OS, for the default product. */
    public static List<BrowserSpec> forEnvironment(DoctorEnvironment env) {
        return forEnvironment(env, HOST_NAME);
    }

    /** The browsers of the environment's OS, with the registry keys of product {@code hostName}. */
    public static List<BrowserSpec> forEnvironment(DoctorEnvironment env, String hostName) {
        switch (env.os()) {
            case LINUX: return linux(env);
            case MACOS: return macos(env);
            case WINDOWS: return windows(env, hostName);
            default: throw new IllegalStateException();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Linux: a user folder first, then system folders (Chromium's FindManifest and Firefox's
    // NativeManifests both try the user level before the system level).

    private static List<BrowserSpec> linux(DoctorEnvironment env) {
        Path c = env.configHome();
        Path home = env.home();
        String chromeSys = "/etc/opt/chrome/native-messaging-hosts";
        List<BrowserSpec> all = new ArrayList<>();
        all.add(linuxChromium(env, "chrome", "Google Chrome", c.resolve("google-chrome"),
                List.of("/opt/google/chrome", "/etc/opt/chrome"), CHROME, chromeSys));
        all.add(linuxChromium(env, "chrome-beta", "Google Chrome Beta", c.resolve("google-chrome-beta"),
                List.of("/opt/google/chrome-beta"), CHROME, chromeSys));
        all.add(linuxChromium(env, "chrome-dev", "Google Chrome Dev", c.resolve("google-chrome-unstable"),
                List.of("/opt/google/chrome-unstable"), CHROME, chromeSys));
        all.add(linuxChromium(env, "chrome-for-testing", "Chrome for Testing", c.resolve("google-chrome-for-testing"),
                List.of("/opt/google/chrome-for-testing", "/etc/opt/chrome_for_testing"), CHROME,
                "/etc/opt/chrome_for_testing/native-messaging-hosts"));
        all.add(linuxChromium(env, "chromium", "Chromium", c.resolve("chromium"),
                List.of("/usr/lib/chromium", "/usr/lib/chromium-browser", "/usr/lib64/chromium-browser", "/etc/chromium"),
                CHROMIUM, "/etc/chromium/native-messaging-hosts"));
        all.add(linuxChromium(env, "chromium-snap", "Chromium (Snap)", home.resolve("snap/chromium/common/chromium"),
                List.of(), CHROMIUM));
        String edgeSys = "/etc/opt/edge/native-messaging-hosts";
        all.add(linuxChromium(env, "edge", "Microsoft Edge", c.resolve("microsoft-edge"),
                List.of("/opt/microsoft/msedge", "/etc/opt/edge"), EDGE, edgeSys, chromeSys));
        all.add(linuxChromium(env, "edge-beta", "Microsoft Edge Beta", c.resolve("microsoft-edge-beta"),
                List.of("/opt/microsoft/msedge-beta"), EDGE, edgeSys, chromeSys));
        all.add(linuxChromium(env, "edge-dev", "Microsoft Edge Dev", c.resolve("microsoft-edge-dev"),
                List.of("/opt/microsoft/msedge-dev"), EDGE, edgeSys, chromeSys));
        all.add(linuxChromium(env, "brave", "Brave", c.resolve("BraveSoftware/Brave-Browser"),
                List.of("/opt/brave.com/brave", "/etc/brave"), BRAVE, chromeSys, "/etc/brave/native-messaging-hosts"));
        for (String v : List.of("vivaldi", "vivaldi-snapshot")) {
            all.add(linuxChromium(env, v, v.equals("vivaldi") ? "Vivaldi" : "Vivaldi Snapshot", c.resolve(v),
                    List.of("/opt/" + v), null, chromeSys, "/etc/opt/vivaldi/native-messaging-hosts",
                    "/etc/vivaldi/native-messaging-hosts"));
        }
        // Opera reads Chrome's folders; its own config folder only tells that it is there.
        all.add(new BrowserSpec("opera", "Opera", Family.CHROMIUM,
                markers(env, c.resolve("opera"), List.of("/usr/lib/x86_64-linux-gnu/opera", "/usr/lib/opera", "/opt/opera")),
                folders(env, c.resolve("google-chrome/NativeMessagingHosts"), chromeSys), null));
        all.add(new BrowserSpec("firefox", "Firefox", FIREFOX,
                markers(env, home.resolve(".mozilla"), List.of("/usr/lib/firefox", "/usr/lib/firefox-esr",
                        "/usr/lib64/firefox", "/usr/lib/mozilla", "/opt/firefox")),
                folders(env, home.resolve(".mozilla/native-messaging-hosts"),
                        "/usr/lib/mozilla/native-messaging-hosts", "/usr/lib64/mozilla/native-messaging-hosts"), null));
        all.add(new BrowserSpec("librewolf", "LibreWolf", FIREFOX,
                markers(env, home.resolve(".librewolf"), List.of("/usr/lib/librewolf", "/usr/share/librewolf")),
                folders(env, home.resolve(".librewolf/native-messaging-hosts"), "/usr/lib/librewolf/native-messaging-hosts"),
                null));
        // Newer Waterfox builds also read the Mozilla folders.
        List<ManifestLocation> waterfox = new ArrayList<>(folders(env, home.resolve(".waterfox/native-messaging-hosts")));
        waterfox.add(new ManifestLocation.Folder(home.resolve(".mozilla/native-messaging-hosts"), true));
        waterfox.add(new ManifestLocation.Folder(env.system("/usr/lib/waterfox/native-messaging-hosts"), false));
        waterfox.add(new ManifestLocation.Folder(env.system("/usr/lib/mozilla/native-messaging-hosts"), false));
        all.add(new BrowserSpec("waterfox", "Waterfox", FIREFOX,
                markers(env, home.resolve(".waterfox"), List.of("/usr/lib/waterfox", "/opt/waterfox")), waterfox, null));
        for (Path data : torBrowserDataFolders(env)) {
            all.add(new BrowserSpec("tor-browser", "Tor Browser", FIREFOX, List.of(data),
                    folders(env, data.resolve(".mozilla/native-messaging-hosts")), null));
        }
        all.add(flatpak(env, "chrome-flatpak", "Google Chrome (Flatpak)", Family.CHROMIUM, "com.google.Chrome",
                "config/google-chrome/NativeMessagingHosts"));
        all.add(flatpak(env, "chromium-flatpak", "Chromium (Flatpak)", Family.CHROMIUM, "org.chromium.Chromium",
                "config/chromium/NativeMessagingHosts"));
        all.add(flatpak(env, "edge-flatpak", "Microsoft Edge (Flatpak)", Family.CHROMIUM, "com.microsoft.Edge",
                "config/microsoft-edge/NativeMessagingHosts"));
        all.add(flatpak(env, "brave-flatpak", "Brave (Flatpak)", Family.CHROMIUM, "com.brave.Browser",
                "config/BraveSoftware/Brave-Browser/NativeMessagingHosts"));
        all.add(flatpak(env, "vivaldi-flatpak", "Vivaldi (Flatpak)", Family.CHROMIUM, "com.vivaldi.Vivaldi",
                "config/vivaldi/NativeMessagingHosts"));
        all.add(flatpak(env, "firefox-flatpak", "Firefox (Flatpak)", FIREFOX, "org.mozilla.firefox",
                ".mozilla/native-messaging-hosts"));
        all.add(flatpak(env, "librewolf-flatpak", "LibreWolf (Flatpak)", FIREFOX, "io.gitlab.librewolf-community",
                ".librewolf/native-messaging-hosts"));
        return all;
    }

    private static BrowserSpec linuxChromium(DoctorEnvironment env, String id, String name, Path userDataDir,
                                             List<String> systemMarkers, BrowserSpec.PolicyVendor policy,
                                             String... systemFolders) {
        return new BrowserSpec(id, name, Family.CHROMIUM, markers(env, userDataDir, systemMarkers),
                folders(env, userDataDir.resolve("NativeMessagingHosts"), systemFolders), policy);
    }

    private static BrowserSpec flatpak(DoctorEnvironment env, String id, String name, Family family,
                                       String appId, String relativeFolder) {
        Path app = env.home().resolve(".var/app").resolve(appId);
        // The sandbox sees only its own folder, so there is no system-level folder to read.
        return new BrowserSpec(id, name, family, List.of(app),
                List.of(new ManifestLocation.Folder(app.resolve(relativeFolder), true)), null);
    }

    /** torbrowser-launcher keeps one install per architecture and locale. */
    private static List<Path> torBrowserDataFolders(DoctorEnvironment env) {
        Path tbb = env.dataHome().resolve("torbrowser/tbb");
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(tbb)) {
            try (DirectoryStream<Path> arches = Files.newDirectoryStream(tbb)) {
                for (Path arch : arches) {
                    try (DirectoryStream<Path> installs = Files.newDirectoryStream(arch, "tor-browser*")) {
                        for (Path install : installs) {
                            Path data = install.resolve("Browser/TorBrowser/Data/Browser");
                            if (Files.isDirectory(data)) {
                                found.add(data);
                            }
                        }
                    } catch (IOException | SecurityException e) {
                        // An unreadable entry is not a Tor Browser we can check.
                    }
                }
            } catch (IOException | SecurityException e) {
                // Same: nothing to check.
            }
        }
        if (found.isEmpty()) {
            found.add(tbb.resolve("x86_64/tor-browser_en-US/Browser/TorBrowser/Data/Browser"));
        }
        found.sort(null);
        return found;
    }

    // ---------------------------------------------------------------------------------------
    // macOS: ~/Library/Application Support/<browser>/NativeMessagingHosts, then /Library/...

    private static List<BrowserSpec> macos(DoctorEnvironment env) {
        Path a = env.home().resolve("Library/Application Support");
        String la = "/Library/Application Support";
        String chromeSys = "/Library/Google/Chrome/NativeMessagingHosts";
        String edgeSys = "/Library/Microsoft/Edge/NativeMessagingHosts";
        List<BrowserSpec> all = new ArrayList<>();
        String[][] chromes = {
            {"chrome", "Google Chrome", "Google/Chrome"},
            {"chrome-beta", "Google Chrome Beta", "Google/Chrome Beta"},
            {"chrome-dev", "Google Chrome Dev", "Google/Chrome Dev"},
            {"chrome-canary", "Google Chrome Canary", "Google/Chrome Canary"},
        };
        for (String[] ch : chromes) {
            all.add(macChromium(env, ch[0], ch[1], a.resolve(ch[2]), ch[1], CHROME, chromeSys));
        }
        all.add(macChromium(env, "chrome-for-testing", "Chrome for Testing", a.resolve("Google/ChromeForTesting"),
                "Google Chrome for Testing", CHROME, "/Library/Google/ChromeForTesting/NativeMessagingHosts"));
        all.add(macChromium(env, "chromium", "Chromium", a.resolve("Chromium"), "Chromium", CHROMIUM,
                la + "/Chromium/NativeMessagingHosts"));
        String[][] edges = {
            {"edge", "Microsoft Edge"}, {"edge-beta", "Microsoft Edge Beta"},
            {"edge-dev", "Microsoft Edge Dev"}, {"edge-canary", "Microsoft Edge Canary"},
        };
        for (String[] e : edges) {
            all.add(macChromium(env, e[0], e[1], a.resolve(e[1]), e[1], EDGE, edgeSys));
        }
        all.add(macChromium(env, "brave", "Brave", a.resolve("BraveSoftware/Brave-Browser"), "Brave Browser", BRAVE));
        all.add(macChromium(env, "vivaldi", "Vivaldi", a.resolve("Vivaldi"), "Vivaldi", null,
                la + "/Vivaldi/NativeMessagingHosts"));
        all.add(new BrowserSpec("opera", "Opera", Family.CHROMIUM,
                markers(env, a.resolve("com.operasoftware.Opera"), List.of("/Applications/Opera.app")),
                folders(env, a.resolve("Google/Chrome/NativeMessagingHosts"), chromeSys), null));
        all.add(macChromium(env, "arc", "Arc", a.resolve("Arc/User Data"), "Arc", null,
                la + "/Arc/User Data/NativeMessagingHosts"));
        all.add(new BrowserSpec("firefox", "Firefox", FIREFOX,
                markers(env, a.resolve("Firefox"), List.of("/Applications/Firefox.app")),
                folders(env, a.resolve("Mozilla/NativeMessagingHosts"), la + "/Mozilla/NativeMessagingHosts"), null));
        all.add(new BrowserSpec("librewolf", "LibreWolf", FIREFOX,
                markers(env, a.resolve("librewolf"), List.of("/Applications/LibreWolf.app")),
                folders(env, a.resolve("LibreWolf/NativeMessagingHosts"), la + "/LibreWolf/NativeMessagingHosts"), null));
        all.add(new BrowserSpec("tor-browser", "Tor Browser", FIREFOX,
                markers(env, a.resolve("TorBrowser-Data"), List.of("/Applications/Tor Browser.app")),
                folders(env, a.resolve("TorBrowser-Data/Browser/Mozilla/NativeMessagingHosts")), null));
        return all;
    }

    private static BrowserSpec macChromium(DoctorEnvironment env, String id, String name, Path userDataDir,
                                           String appName, BrowserSpec.PolicyVendor policy, String... systemFolders) {
        return new BrowserSpec(id, name, Family.CHROMIUM,
                markers(env, userDataDir, List.of("/Applications/" + appName + ".app")),
                folders(env, userDataDir.resolve("NativeMessagingHosts"), systemFolders), policy);
    }

    // ---------------------------------------------------------------------------------------
    // Windows: registry keys whose default value is the manifest path.

    private static List<BrowserSpec> windows(DoctorEnvironment env, String hostName) {
        Path local = env.envPath("LOCALAPPDATA", env.home().resolve("AppData/Local"));
        Path roaming = env.envPath("APPDATA", env.home().resolve("AppData/Roaming"));
        String chrome = "Google\\Chrome";
        String chromium = "Chromium";
        String mozilla = "Mozilla";
        List<BrowserSpec> all = new ArrayList<>();
        all.add(win("chrome", "Google Chrome", Family.CHROMIUM, local.resolve("Google/Chrome/User Data"),
                chromiumOrder(hostName, chrome), CHROME));
        all.add(win("chrome-for-testing", "Chrome for Testing", Family.CHROMIUM,
                local.resolve("Google/Chrome for Testing/User Data"), chromiumOrder(hostName, "Google\\Chrome for Testing"), CHROME));
        // Chromium-branded builds read their own key before Chrome's.
        all.add(win("chromium", "Chromium", Family.CHROMIUM, local.resolve("Chromium/User Data"),
                chromiumOrder(hostName, chromium, chrome), CHROMIUM));
        all.add(win("edge", "Microsoft Edge", Family.CHROMIUM, local.resolve("Microsoft/Edge/User Data"),
                edgeOrder(hostName), EDGE));
        all.add(win("brave", "Brave", Family.CHROMIUM, local.resolve("BraveSoftware/Brave-Browser/User Data"),
                chromiumOrder(hostName, "BraveSoftware\\Brave-Browser", chrome), BRAVE));
        all.add(win("vivaldi", "Vivaldi", Family.CHROMIUM, local.resolve("Vivaldi/User Data"),
                chromiumOrder(hostName, "Vivaldi", chrome), null));
        all.add(win("opera", "Opera", Family.CHROMIUM, roaming.resolve("Opera Software/Opera Stable"),
                chromiumOrder(hostName, chrome), null));
        all.add(win("firefox", "Firefox", FIREFOX, roaming.resolve("Mozilla/Firefox"), firefoxOrder(hostName, mozilla), null));
        all.add(win("librewolf", "LibreWolf", FIREFOX, roaming.resolve("librewolf"),
                firefoxOrder(hostName, "LibreWolf", mozilla), null));
        all.add(win("waterfox", "Waterfox", FIREFOX, roaming.resolve("Waterfox"), firefoxOrder(hostName, mozilla), null));
        return all;
    }

    private static BrowserSpec win(String id, String name, Family family, Path userData, List<ManifestLocation> order,
                                   BrowserSpec.PolicyVendor policy) {
        return new BrowserSpec(id, name, family, List.of(userData), order, policy);
    }

    /** The host's key below a vendor, e.g. {@code SOFTWARE\Google\Chrome\NativeMessagingHosts\dev.bridgekeeper.host}. */
    public static String hostKey(String vendor) {
        return hostKey(vendor, HOST_NAME);
    }

    /** The key of product {@code hostName} below a vendor. */
    public static String hostKey(String vendor, String hostName) {
        return "SOFTWARE\\" + vendor + "\\NativeMessagingHosts\\" + hostName;
    }

    /** Chromium: HKCU then HKLM; in each, each vendor key in the 32-bit view, then the 64-bit view. */
    private static List<ManifestLocation> chromiumOrder(String hostName, String... vendors) {
        List<ManifestLocation> order = new ArrayList<>();
        for (RegistryReader.Hive hive : List.of(HKCU, HKLM)) {
            for (String vendor : vendors) {
                order.add(new ManifestLocation.Registry(new RegistryKey(hive, BITS_32, hostKey(vendor, hostName))));
                order.add(new ManifestLocation.Registry(new RegistryKey(hive, BITS_64, hostKey(vendor, hostName))));
            }
        }
        return order;
    }

    /** Edge: HKCU Edge, Chromium, Chrome; then HKLM\WOW6432Node the same; then HKLM the same. */
    private static List<ManifestLocation> edgeOrder(String hostName) {
        List<ManifestLocation> order = new ArrayList<>();
        String[] vendors = {"Microsoft\\Edge", "Chromium", "Google\\Chrome"};
        for (Placement p : List.of(new Placement(HKCU, BITS_64),
                new Placement(HKLM, BITS_32), new Placement(HKLM, BITS_64))) {
            for (String vendor : vendors) {
                order.add(new ManifestLocation.Registry(new RegistryKey(p.hive(), p.view(), hostKey(vendor, hostName))));
            }
        }
        return order;
    }

    /** A hive and view, one step of a browser's registry read order. */
    private record Placement(RegistryReader.Hive hive, RegistryReader.View view) {}

    /** Firefox 64+: HKCU (64-bit view), then HKLM 32-bit view, then HKLM 64-bit view. */
    private static List<ManifestLocation> firefoxOrder(String hostName, String... vendors) {
        List<ManifestLocation> order = new ArrayList<>();
        for (Placement p : List.of(new Placement(HKCU, BITS_64),
                new Placement(HKLM, BITS_32), new Placement(HKLM, BITS_64))) {
            for (String vendor : vendors) {
                order.add(new ManifestLocation.Registry(new RegistryKey(p.hive(), p.view(), hostKey(vendor, hostName))));
            }
        }
        return order;
    }

    // ---------------------------------------------------------------------------------------

    private static List<Path> markers(DoctorEnvironment env, Path userMarker, List<String> systemMarkers) {
        List<Path> markers = new ArrayList<>();
        markers.add(userMarker);
        for (String s : systemMarkers) {
            markers.add(env.system(s));
        }
        return markers;
    }

    private static List<ManifestLocation> folders(DoctorEnvironment env, Path userFolder, String... systemFolders) {
        List<ManifestLocation> list = new ArrayList<>();
        list.add(new ManifestLocation.Folder(userFolder, true));
        for (String s : systemFolders) {
            list.add(new ManifestLocation.Folder(env.system(s), false));
        }
        return list;
    }
}
