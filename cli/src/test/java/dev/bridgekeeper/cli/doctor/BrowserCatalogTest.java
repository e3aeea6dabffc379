package dev.bridgekeeper.cli.doctor;

import dev.bridgekeeper.agent.internal.registration.BrowserSpec;
import dev.bridgekeeper.agent.internal.registration.HostOs;
import dev.bridgekeeper.agent.internal.registration.ManifestLocation;
import dev.bridgekeeper.agent.internal.registration.RegistryReader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read orders from NATIVE-MESSAGING.md section 2, as the doctor replays them. */
class BrowserCatalogTest {

    @TempDir(factory = ExistingTmpDir.class)
    Path tmp;

    private BrowserSpec spec(HostOs os, String id) throws IOException {
        DoctorFixture fx = new DoctorFixture(tmp);
        return BrowserCatalog.forEnvironment(fx.env(os, RegistryReader.NONE)).stream()
                .filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    private static List<String> order(BrowserSpec spec) {
        return spec.lookup().stream().map(ManifestLocation::display).collect(Collectors.toList());
    }

    @Test
    void linuxEdgeReadsItsUserFolderThenItsSystemFolderThenChromes() throws IOException {
        List<String> order = order(spec(HostOs.LINUX, "edge"));
        assertEquals(3, order.size());
        assertTrue(order.get(0).endsWith("home/.config/microsoft-edge/NativeMessagingHosts"), order::toString);
        assertTrue(order.get(1).endsWith("sysroot/etc/opt/edge/native-messaging-hosts"), order::toString);
        assertTrue(order.get(2).endsWith("sysroot/etc/opt/chrome/native-messaging-hosts"), order::toString);
    }

    @Test
    void xdgConfigHomeMovesChromiumsProfile() throws IOException {
        DoctorFixture fx = new DoctorFixture(tmp);
        fx.env.put("XDG_CONFIG_HOME", tmp.resolve("cfg").toString());
        BrowserSpec chromium = BrowserCatalog.forEnvironment(fx.linux()).stream()
                .filter(s -> s.id().equals("chromium")).findFirst().orElseThrow();
        assertEquals(tmp.resolve("cfg/chromium/NativeMessagingHosts").toString(), chromium.lookup().get(0).display());
        assertTrue(chromium.lookup().get(0).userLevel());
        assertTrue(!chromium.lookup().get(1).userLevel());
    }

    @Test
    void operaUsesChromesFolders() throws IOException {
        BrowserSpec opera = spec(HostOs.LINUX, "opera");
        assertTrue(opera.lookup().get(0).display().endsWith(".config/google-chrome/NativeMessagingHosts"));
        assertTrue(opera.markers().get(0).toString().endsWith(".config/opera"));
    }

    @Test
    void windowsFirefoxOrderIsHkcuThenHklm32Then64() throws IOException {
        assertEquals(List.of(
                "HKCU\\SOFTWARE\\Mozilla\\NativeMessagingHosts\\dev.bridgekeeper.host (64-bit view)",
                "HKLM\\SOFTWARE\\Mozilla\\NativeMessagingHosts\\dev.bridgekeeper.host (32-bit view)",
                "HKLM\\SOFTWARE\\Mozilla\\NativeMessagingHosts\\dev.bridgekeeper.host (64-bit view)"),
                order(spec(HostOs.WINDOWS, "firefox")));
    }

    @Test
    void windowsEdgeOrderFallsBackThroughChromiumAndChrome() throws IOException {
        List<String> order = order(spec(HostOs.WINDOWS, "edge"));
        assertEquals(9, order.size());
        assertEquals("HKCU\\SOFTWARE\\Microsoft\\Edge\\NativeMessagingHosts\\dev.bridgekeeper.host (64-bit view)", order.get(0));
        assertEquals("HKCU\\SOFTWARE\\Chromium\\NativeMessagingHosts\\dev.bridgekeeper.host (64-bit view)", order.get(1));
        assertEquals("HKCU\\SOFTWARE\\Google\\Chrome\\NativeMessagingHosts\\dev.bridgekeeper.host (64-bit view)", order.get(2));
        assertEquals("HKLM\\SOFTWARE\\Microsoft\\Edge\\NativeMessagingHosts\\dev.bridgekeeper.host (32-bit view)", order.get(3));
        assertEquals("HKLM\\SOFTWARE\\Google\\Chrome\\NativeMessagingHosts\\dev.bridgekeeper.host (64-bit view)", order.get(8));
    }

    @Test
    void windowsChromeReadsThe32BitViewFirstInEachHive() throws IOException {
        List<String> order = order(spec(HostOs.WINDOWS, "chrome"));
        assertEquals(4, order.size());
        assertTrue(order.get(0).startsWith("HKCU") && order.get(0).endsWith("(32-bit view)"));
        assertTrue(order.get(1).startsWith("HKCU") && order.get(1).endsWith("(64-bit view)"));
        assertTrue(order.get(2).startsWith("HKLM") && order.get(2).endsWith("(32-bit view)"));
    }

    @Test
    void macosArcAndSystemFolders() throws IOException {
        List<String> order = order(spec(HostOs.MACOS, "arc"));
        assertTrue(order.get(0).endsWith("Library/Application Support/Arc/User Data/NativeMessagingHosts"), order::toString);
        assertTrue(order.get(1).endsWith("sysroot/Library/Application Support/Arc/User Data/NativeMessagingHosts"), order::toString);
    }
}
