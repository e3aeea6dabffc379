package dev.bridgekeeper.cli.doctor;

import dev.bridgekeeper.agent.internal.registration.Finding;
import dev.bridgekeeper.agent.internal.registration.HostOs;
import dev.bridgekeeper.agent.internal.registration.RegistryReader;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.CHROME_ID;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.FIREFOX_ID;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.chromiumManifest;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.firefoxManifest;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.writeManifest;
import static dev.bridgekeeper.agent.internal.registration.RegistryReader.Hive.HKCU;
import static dev.bridgekeeper.agent.internal.registration.RegistryReader.Hive.HKLM;
import static dev.bridgekeeper.agent.internal.registration.RegistryReader.View.BITS_32;
import static dev.bridgekeeper.agent.internal.registration.RegistryReader.View.BITS_64;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Windows registry lookup, replayed against a fake registry so it runs on any OS. */
class WindowsLookupTest {

    /** Keys by hive, view and path; a key maps value names to values ("" = default). */
    static final class FakeRegistry implements RegistryReader {
        final Map<String, Map<String, Object>> keys = new HashMap<>();

        void put(Hive hive, View view, String path, String name, Object value) {
            keys.computeIfAbsent(hive + "|" + view + "|" + path, k -> new HashMap<>()).put(name, value);
        }

        @Override
        public Optional<Map<String, Object>> values(Hive hive, View view, String path) {
            return Optional.ofNullable(keys.get(hive + "|" + view + "|" + path));
        }
    }

    @TempDir(factory = ExistingTmpDir.class)
    Path tmp;
    DoctorFixture fx;
    FakeRegistry registry;
    Path exe;

    @BeforeEach
    void setUp() throws IOException {
        fx = new DoctorFixture(tmp);
        registry = new FakeRegistry();
        Path local = Files.createDirectories(tmp.resolve("Local"));
        Path roaming = Files.createDirectories(tmp.resolve("Roaming"));
        fx.env.put("LOCALAPPDATA", local.toString());
        fx.env.put("APPDATA", roaming.toString());
        Path install = Files.createDirectories(tmp.resolve("Programs/Bridgekeeper"));
        exe = Files.writeString(install.resolve("bridgekeeper-host.exe"), "MZ");
    }

    private DoctorReport run() {
        DoctorOptions noLaunch = new DoctorOptions(List.of(CHROME_ID), List.of(FIREFOX_ID), Set.of(), false,
                Duration.ofSeconds(5), tmp.resolve("none.sock"));
        return new Doctor(fx.env(HostOs.WINDOWS, registry), noLaunch).run();
    }

    private Path chromiumManifest(String name) throws IOException {
        return writeManifest(Files.createDirectories(tmp.resolve("manifests/" + name)),
                DoctorFixture.chromiumManifest(exe.toString(), CHROME_ID));
    }

    private static Finding first(DoctorReport r, String subject, String check, Finding.Status s) {
        return r.about(subject).stream().filter(f -> f.check().equals(check) && f.status() == s).findFirst()
                .orElseThrow(() -> new AssertionError("no " + s + " " + subject + "/" + check + " in\n" + r.toText()));
    }

    @Test
    void edgeFallsBackToTheChromeKeyInTheWow6432Node() throws IOException {
        Files.createDirectories(tmp.resolve("Local/Microsoft/Edge/User Data"));
        Path manifest = chromiumManifest("chrome");
        registry.put(HKLM, BITS_32, BrowserCatalog.hostKey("Google\\Chrome"), "", manifest.toString());
        DoctorReport report = run();
        Finding found = first(report, "edge", "manifest", Finding.Status.OK);
        assertTrue(found.message().contains("HKLM\\SOFTWARE\\Google\\Chrome\\NativeMessagingHosts\\dev.bridgekeeper.host (32-bit view)"),
                found::message);
        first(report, "edge", "path", Finding.Status.OK);
        assertTrue(report.ok(), report::toText);
    }

    @Test
    void edgeReadsItsOwnUserKeyFirst() throws IOException {
        Files.createDirectories(tmp.resolve("Local/Microsoft/Edge/User Data"));
        Path edge = chromiumManifest("edge");
        Path chrome = chromiumManifest("chrome");
        registry.put(HKLM, BITS_64, BrowserCatalog.hostKey("Google\\Chrome"), "", chrome.toString());
        registry.put(HKCU, BITS_64, BrowserCatalog.hostKey("Microsoft\\Edge"), "", edge.toString());
        DoctorReport report = run();
        assertTrue(first(report, "edge", "manifest", Finding.Status.OK).message().contains(edge.toString()));
        assertTrue(first(report, "edge", "shadowed", Finding.Status.INFO).message().contains(chrome.toString()));
    }

    @Test
    void chromiumReadsItsKeyBeforeChromesInEachHive() throws IOException {
        Files.createDirectories(tmp.resolve("Local/Chromium/User Data"));
        Path own = chromiumManifest("chromium");
        Path chrome = chromiumManifest("chrome");
        registry.put(HKCU, BITS_32, BrowserCatalog.hostKey("Google\\Chrome"), "", chrome.toString());
        registry.put(HKCU, BITS_64, BrowserCatalog.hostKey("Chromium"), "", own.toString());
        assertTrue(first(run(), "chromium", "manifest", Finding.Status.OK).message().contains(own.toString()));
    }

    @Test
    void firefoxPrefersHkcuThenTheHklm32BitView() throws IOException {
        Files.createDirectories(tmp.resolve("Roaming/Mozilla/Firefox"));
        Path m32 = writeManifest(Files.createDirectories(tmp.resolve("m32")), firefoxManifest(exe.toString(), FIREFOX_ID));
        Path m64 = writeManifest(Files.createDirectories(tmp.resolve("m64")), firefoxManifest(exe.toString(), FIREFOX_ID));
        registry.put(HKLM, BITS_64, BrowserCatalog.hostKey("Mozilla"), "", m64.toString());
        registry.put(HKLM, BITS_32, BrowserCatalog.hostKey("Mozilla"), "", m32.toString());
        DoctorReport report = run();
        assertTrue(first(report, "firefox", "manifest", Finding.Status.OK).message().contains(m32.toString()));
        assertTrue(first(report, "firefox", "shadowed", Finding.Status.INFO).message().contains(m64.toString()));
    }

    @Test
    void keyWithoutDefaultValueOrWithAMissingFile() throws IOException {
        Files.createDirectories(tmp.resolve("Local/Google/Chrome/User Data"));
        registry.put(HKCU, BITS_64, BrowserCatalog.hostKey("Google\\Chrome"), "other", "x");
        DoctorReport noDefault = run();
        assertTrue(first(noDefault, "chrome", "manifest", Finding.Status.FAIL).message().contains("has no default value"));
        assertFalse(noDefault.ok());

        registry.put(HKCU, BITS_64, BrowserCatalog.hostKey("Google\\Chrome"), "", tmp.resolve("nowhere.json").toString());
        assertTrue(first(run(), "chrome", "manifest", Finding.Status.FAIL).message().contains("which does not exist"));

        registry.put(HKCU, BITS_64, BrowserCatalog.hostKey("Google\\Chrome"), "", "relative\\m.json");
        assertTrue(first(run(), "chrome", "manifest", Finding.Status.FAIL).message().contains("not an absolute path"));
    }

    @Test
    void relativeLauncherPathIsResolvedNextToTheManifestOnWindows() throws IOException {
        Files.createDirectories(tmp.resolve("Local/Google/Chrome/User Data"));
        Path manifest = writeManifest(exe.getParent(), DoctorFixture.chromiumManifest("bridgekeeper-host.exe", CHROME_ID));
        registry.put(HKCU, BITS_64, BrowserCatalog.hostKey("Google\\Chrome"), "", manifest.toString());
        first(run(), "chrome", "path", Finding.Status.OK);
    }

    @Test
    void batchLauncherIsAWarningAndOtherFilesAreRefused() throws IOException {
        Files.createDirectories(tmp.resolve("Local/Google/Chrome/User Data"));
        Path cmd = Files.writeString(exe.getParent().resolve("bridgekeeper-host.cmd"), "@echo off");
        Path manifest = writeManifest(Files.createDirectories(tmp.resolve("mc")), DoctorFixture.chromiumManifest(
                cmd.toString().replace("\\", "\\\\"), CHROME_ID));
        registry.put(HKCU, BITS_64, BrowserCatalog.hostKey("Google\\Chrome"), "", manifest.toString());
        assertTrue(first(run(), "chrome", "path", Finding.Status.WARN).message().contains("batch file"));

        Path sh = Files.writeString(exe.getParent().resolve("bridgekeeper-host.sh"), "#!/bin/sh");
        writeManifest(manifest.getParent(), DoctorFixture.chromiumManifest(sh.toString(), CHROME_ID));
        assertTrue(first(run(), "chrome", "path", Finding.Status.FAIL).message().contains("neither .exe"));
    }

    @Test
    void registryPolicyBlocklist() throws IOException {
        Files.createDirectories(tmp.resolve("Local/Google/Chrome/User Data"));
        Path manifest = chromiumManifest("chrome");
        registry.put(HKCU, BITS_64, BrowserCatalog.hostKey("Google\\Chrome"), "", manifest.toString());
        registry.put(HKLM, BITS_64, "SOFTWARE\\Policies\\Google\\Chrome\\NativeMessagingBlocklist", "1", "*");
        Finding f = first(run(), "chrome", "policy", Finding.Status.FAIL);
        assertTrue(f.message().contains("HKLM\\SOFTWARE\\Policies\\Google\\Chrome"), f::message);

        registry.put(HKLM, BITS_64, "SOFTWARE\\Policies\\Google\\Chrome", "NativeMessagingUserLevelHosts", 0);
        registry.put(HKLM, BITS_64, "SOFTWARE\\Policies\\Google\\Chrome\\NativeMessagingAllowlist", "1", "dev.bridgekeeper.host");
        Finding userLevel = first(run(), "chrome", "policy", Finding.Status.FAIL);
        assertTrue(userLevel.message().contains("ignores per-user manifests"), userLevel::message);
        assertTrue(userLevel.fix().contains("-Scope System"), userLevel::fix);
    }
}
