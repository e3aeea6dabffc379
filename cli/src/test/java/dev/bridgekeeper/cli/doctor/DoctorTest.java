package dev.bridgekeeper.cli.doctor;

import dev.bridgekeeper.agent.internal.registration.Finding;
import dev.bridgekeeper.agent.internal.registration.HostOs;
import dev.bridgekeeper.agent.internal.registration.RegistryReader;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.CHROME_ID;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.FIREFOX_ID;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.OTHER_CHROME_ID;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.STATUS_FRAME;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.chromiumManifest;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.firefoxManifest;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.frame;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.writeManifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Seeds one fault at a time in a temporary home and checks the doctor names it, with a fix. */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "fake launchers are POSIX shell scripts")
class DoctorTest {

    @TempDir(factory = ExistingTmpDir.class)
    Path tmp;
    DoctorFixture fx;

    @BeforeEach
    void setUp() throws IOException {
        fx = new DoctorFixture(tmp);
    }

    private DoctorReport run() {
        return new Doctor(fx.linux(), fx.options()).run();
    }

    private static Finding the(DoctorReport report, String subject, String check, Finding.Status status) {
        List<Finding> matching = report.about(subject).stream()
                .filter(f -> f.check().equals(check) && f.status() == status).collect(Collectors.toList());
        assertFalse(matching.isEmpty(), () -> "expected " + status + " " + subject + "/" + check + " in:\n" + report.toText());
        return matching.get(0);
    }

    private static void assertProblem(DoctorReport report, String subject, String check, String messagePart) {
        Finding f = the(report, subject, check, Finding.Status.FAIL);
        assertTrue(f.message().contains(messagePart), () -> "message '" + f.message() + "' lacks '" + messagePart + "'");
        assertNotNull(f.fix(), "every problem has a fix");
        assertFalse(report.ok());
    }

    @Test
    void cleanInstallIsOk() throws IOException {
        Path launcher = fx.goodLauncher();
        fx.chromium(launcher);
        fx.firefox(launcher);
        Path polkit = fx.sysDir("/usr/share/polkit-1/actions").resolve("dev.bridgekeeper.unlock.policy");
        Files.writeString(polkit, "<policyconfig><action id=\"dev.bridgekeeper.unlock\"/></policyconfig>");

        DoctorReport report = run();

        assertTrue(report.ok(), report::toText);
        for (String browser : List.of("chromium", "firefox")) {
            for (String check : List.of("manifest", "json", "name", "type", "path", "allowed", "launch")) {
                the(report, browser, check, Finding.Status.OK);
            }
        }
        assertTrue(the(report, "chromium", "launch", Finding.Status.OK).message().contains("'status' frame (desktop_unavailable)"));
        the(report, "polkit", "action", Finding.Status.OK);
        // Browsers without a profile are not checked; the report says why, for each.
        assertEquals(List.of("skipped"), report.about("chrome").stream().map(Finding::check).toList());
        assertTrue(report.about("chrome").get(0).message().contains("none of"), report::toText);
        assertEquals(List.of("skipped"), report.about("waterfox").stream().map(Finding::check).toList(),
                "a manifest in the shared ~/.mozilla is no sign of Waterfox");
        assertTrue(report.toText().startsWith("Bridgekeeper doctor (linux"));
    }

    @Test
    void missingManifestSaysWhereItLooked() throws IOException {
        fx.dir(".config/google-chrome");
        DoctorReport report = run();
        assertProblem(report, "chrome", "manifest", fx.home.resolve(".config/google-chrome/NativeMessagingHosts").toString());
        assertTrue(the(report, "chrome", "manifest", Finding.Status.FAIL).message()
                .contains(fx.root.resolve("etc/opt/chrome/native-messaging-hosts").toString()));
    }

    @Test
    void launcherThatDoesNotExist() throws IOException {
        fx.dir(".config/chromium");
        writeManifest(fx.home.resolve(".config/chromium/NativeMessagingHosts"),
                chromiumManifest(fx.home.resolve("gone/bridgekeeper-host").toString(), CHROME_ID));
        DoctorReport report = run();
        assertProblem(report, "chromium", "path", "does not exist");
        assertTrue(report.about("chromium").stream().noneMatch(f -> f.check().equals("launch")), "no start without a launcher");
    }

    @Test
    void relativeLauncherPathIsRefusedOnLinux() throws IOException {
        fx.dir(".config/chromium");
        writeManifest(fx.home.resolve(".config/chromium/NativeMessagingHosts"), chromiumManifest("bin/bridgekeeper-host", CHROME_ID));
        assertProblem(run(), "chromium", "path", "is relative");
    }

    @Test
    void launcherThatIsNotExecutable() throws IOException {
        Path launcher = fx.goodLauncher();
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rw-r--r--"));
        fx.chromium(launcher);
        DoctorReport report = run();
        assertProblem(report, "chromium", "path", "is not executable");
        assertTrue(the(report, "chromium", "path", Finding.Status.FAIL).fix().contains("chmod 755"));
    }

    @Test
    void badJsonNamesTheLine() throws IOException {
        fx.dir(".mozilla");
        writeManifest(fx.home.resolve(".mozilla/native-messaging-hosts"), "{\n  \"name\": \"dev.bridgekeeper.host\",\n  \"type\": }\n");
        assertProblem(run(), "firefox", "json", "line 3");
    }

    @Test
    void manifestThatIsNotAnObject() throws IOException {
        fx.dir(".mozilla");
        writeManifest(fx.home.resolve(".mozilla/native-messaging-hosts"), "[1, 2]");
        assertProblem(run(), "firefox", "json", "not a JSON object");
    }

    @Test
    void wrongIdIsReportedAndTheRightOptionAccepted() throws IOException {
        Path launcher = fx.goodLauncher();
        writeManifest(fx.dir(".config/chromium").resolve("NativeMessagingHosts"), chromiumManifest(launcher.toString(), OTHER_CHROME_ID));
        DoctorReport report = run();
        assertProblem(report, "chromium", "allowed", "does not allow chrome-extension://" + CHROME_ID + "/");
        assertTrue(the(report, "chromium", "allowed", Finding.Status.FAIL).fix().contains("--chrome-id " + CHROME_ID));

        DoctorOptions other = new DoctorOptions(List.of(OTHER_CHROME_ID), List.of(FIREFOX_ID), Set.of(), true,
                Duration.ofSeconds(10), fx.home.resolve("no-agent/agent.sock"));
        DoctorReport withOption = new Doctor(fx.linux(), other).run();
        the(withOption, "chromium", "allowed", Finding.Status.OK);
    }

    @Test
    void wrongFirefoxId() throws IOException {
        Path launcher = fx.goodLauncher();
        writeManifest(fx.dir(".mozilla").resolve("native-messaging-hosts"), firefoxManifest(launcher.toString(), "someone@else.org"));
        assertProblem(run(), "firefox", "allowed", "does not allow " + FIREFOX_ID);
    }

    @Test
    void wrongName() throws IOException {
        Path launcher = fx.goodLauncher();
        String json = chromiumManifest(launcher.toString(), CHROME_ID).replace("dev.bridgekeeper.host", "com.example.other");
        writeManifest(fx.dir(".config/chromium").resolve("NativeMessagingHosts"), json);
        assertProblem(run(), "chromium", "name", "\"com.example.other\"");
    }

    @Test
    void wrongType() throws IOException {
        Path launcher = fx.goodLauncher();
        String json = chromiumManifest(launcher.toString(), CHROME_ID).replace("\"stdio\"", "\"pipe\"");
        writeManifest(fx.dir(".config/chromium").resolve("NativeMessagingHosts"), json);
        assertProblem(run(), "chromium", "type", "must be \"stdio\"");
    }

    @Test
    void wildcardOriginIsMalformed() throws IOException {
        Path launcher = fx.goodLauncher();
        String json = chromiumManifest(launcher.toString(), CHROME_ID)
                .replace("[\"chrome", "[\"chrome-extension://*/\", \"chrome");
        writeManifest(fx.dir(".config/chromium").resolve("NativeMessagingHosts"), json);
        assertProblem(run(), "chromium", "allowed", "\"chrome-extension://*/\" is malformed");
    }

    @Test
    void chromiumManifestInFirefoxFolder() throws IOException {
        Path launcher = fx.goodLauncher();
        writeManifest(fx.dir(".mozilla").resolve("native-messaging-hosts"), chromiumManifest(launcher.toString(), CHROME_ID));
        assertProblem(run(), "firefox", "allowed", "looks like a Chromium manifest");
    }

    @Test
    void byteOrderMarkIsAWarning() throws IOException {
        Path launcher = fx.goodLauncher();
        Path manifest = fx.chromium(launcher);
        byte[] body = Files.readAllBytes(manifest);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        Files.write(manifest, withBom);
        DoctorReport report = run();
        assertTrue(the(report, "chromium", "json", Finding.Status.WARN).message().contains("byte order mark"));
        assertTrue(report.ok(), "a BOM alone is a warning");
    }

    @Test
    void systemManifestIsFoundAndAUserOneShadowsIt() throws IOException {
        Path launcher = fx.goodLauncher();
        fx.dir(".config/chromium");
        Path system = writeManifest(fx.sysDir("/etc/chromium/native-messaging-hosts"), chromiumManifest(launcher.toString(), CHROME_ID));
        DoctorReport onlySystem = run();
        assertTrue(the(onlySystem, "chromium", "manifest", Finding.Status.OK).message().contains(system.toString()));

        Path user = fx.chromium(launcher);
        DoctorReport both = run();
        assertTrue(the(both, "chromium", "manifest", Finding.Status.OK).message().contains(user.toString()));
        assertTrue(the(both, "chromium", "shadowed", Finding.Status.INFO).message().contains(system.toString()));
    }

    @Test
    void launcherWithoutFrame() throws IOException {
        fx.chromium(fx.launcher("bridgekeeper-host", new byte[0], 0));
        assertProblem(run(), "chromium", "launch", "exited without writing a frame");
    }

    @Test
    void launcherWritingTextInsteadOfFrames() throws IOException {
        fx.chromium(fx.launcher("bridgekeeper-host", "Error: no Java runtime\n".getBytes(StandardCharsets.UTF_8), 1));
        assertProblem(run(), "chromium", "launch", "announces");
    }

    @Test
    void launcherWithFrameButFailingExit() throws IOException {
        fx.chromium(fx.launcher("bridgekeeper-host", frame(STATUS_FRAME), 3));
        assertProblem(run(), "chromium", "launch", "exited with code 3");
    }

    @Test
    void launcherWhoseFrameIsNotAnEnvelope() throws IOException {
        fx.chromium(fx.launcher("bridgekeeper-host", frame("[\"status\"]"), 0));
        assertProblem(run(), "chromium", "launch", "not a JSON object with a \"type\"");
    }

    @Test
    void launcherThatNeverAnswersIsCutOff() throws IOException {
        fx.chromium(fx.script("bridgekeeper-host", "#!/bin/sh\nexec sleep 30\n"));
        DoctorReport report = new Doctor(fx.linux(), fx.options(Duration.ofMillis(300))).run();
        assertProblem(report, "chromium", "launch", "no frame on stdout within 300 ms");
    }

    @Test
    void launcherThatIgnoresEofIsCutOff() throws IOException {
        byte[] f = frame(STATUS_FRAME);
        StringBuilder escaped = new StringBuilder();
        for (byte b : f) {
            escaped.append(String.format("\\%03o", b & 0xff));
        }
        fx.chromium(fx.script("bridgekeeper-host", "#!/bin/sh\nprintf '" + escaped + "'\nexec sleep 30\n"));
        DoctorReport report = new Doctor(fx.linux(), fx.options(Duration.ofMillis(300))).run();
        assertProblem(report, "chromium", "launch", "did not exit within 300 ms after stdin closed");
    }

    @Test
    void launcherGetsTheBrowsersArgv() throws IOException {
        Path log = tmp.resolve("argv.log");
        byte[] f = frame(STATUS_FRAME);
        StringBuilder escaped = new StringBuilder();
        for (byte b : f) {
            escaped.append(String.format("\\%03o", b & 0xff));
        }
        Path launcher = fx.script("bridgekeeper-host", "#!/bin/sh\nprintf '%s|' \"$PWD\" \"$@\" >> '" + log + "'\necho >> '" + log
                + "'\nprintf '" + escaped + "'\ncat >/dev/null\n");
        Path chromeManifest = fx.chromium(launcher);
        Path firefoxManifest = fx.firefox(launcher);
        assertTrue(run().ok());
        List<String> lines = Files.readAllLines(log);
        String dir = launcher.getParent().toString();
        assertTrue(lines.contains(dir + "|chrome-extension://" + CHROME_ID + "/|"), lines::toString);
        assertTrue(lines.contains(dir + "|" + firefoxManifest + "|" + FIREFOX_ID + "|"), lines::toString);
        assertTrue(Files.exists(chromeManifest));
    }

    @Test
    void policyBlocklistBlocks() throws IOException {
        fx.chromium(fx.goodLauncher());
        Path policies = fx.sysDir("/etc/chromium/policies/managed");
        Files.writeString(policies.resolve("corp.json"), "{\"NativeMessagingBlocklist\": [\"*\"]}");
        assertProblem(run(), "chromium", "policy", "blocks dev.bridgekeeper.host");

        Files.writeString(policies.resolve("allow.json"), "{\"NativeMessagingAllowlist\": [\"dev.bridgekeeper.host\"]}");
        the(run(), "chromium", "policy", Finding.Status.OK);
    }

    @Test
    void policyAgainstUserLevelHosts() throws IOException {
        fx.chromium(fx.goodLauncher());
        Files.writeString(fx.sysDir("/etc/chromium/policies/managed").resolve("p.json"), "{\"NativeMessagingUserLevelHosts\": false}");
        DoctorReport report = run();
        assertProblem(report, "chromium", "policy", "ignores per-user manifests");
        assertTrue(the(report, "chromium", "policy", Finding.Status.FAIL).fix().contains("--scope system"));
    }

    @Test
    void agentSocketStatesAreReported() throws IOException {
        fx.chromium(fx.goodLauncher());
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path socket = dir.resolve("agent.sock");
        DoctorOptions options = new DoctorOptions(List.of(CHROME_ID), List.of(FIREFOX_ID), Set.of(), false,
                Duration.ofSeconds(5), socket);

        DoctorReport none = new Doctor(fx.linux(), options).run();
        assertTrue(the(none, "agent", "socket", Finding.Status.WARN).message().contains("no agent socket"));
        assertTrue(none.ok(), "no running agent is a warning, not a failure");

        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            DoctorReport live = new Doctor(fx.linux(), options).run();
            the(live, "agent", "socket", Finding.Status.OK);
            assertTrue(live.about("agent").stream().noneMatch(f -> f.check().equals("socket-folder")));
        }
        // Closing the server leaves the socket file behind: a stale socket.
        DoctorReport stale = new Doctor(fx.linux(), options).run();
        assertTrue(the(stale, "agent", "socket", Finding.Status.WARN).message().contains("nobody answers"));
        Files.deleteIfExists(socket);

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            the(new Doctor(fx.linux(), options).run(), "agent", "socket-folder", Finding.Status.WARN);
        }
    }

    @Test
    void aRunningAgentThatDoesNotAllowTheManifestsExtensionsIsAProblem() throws Exception {
        fx.chromium(fx.goodLauncher());
        Path dir = Files.createDirectories(tmp.resolve("run2"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path socket = dir.resolve("agent.sock");
        DoctorOptions options = new DoctorOptions(List.of(CHROME_ID), List.of(FIREFOX_ID), Set.of(), false,
                Duration.ofSeconds(5), socket);
        for (boolean allowsThem : new boolean[] {false, true}) {
            dev.bridgekeeper.agent.DesktopBridge.Builder b = dev.bridgekeeper.agent.DesktopBridge.builder()
                    .socketPath(socket).dataDirectory(tmp.resolve("agent-data"))
                    .authenticator(dev.bridgekeeper.biometrics.Authenticators.forName("none"))
                    .allowCaller("chrome-extension://" + OTHER_CHROME_ID + "/");
            if (allowsThem) {
                b.allowCaller("chrome-extension://" + CHROME_ID + "/").allowCaller("moz-extension:" + FIREFOX_ID);
            }
            try (dev.bridgekeeper.agent.DesktopBridge bridge = b.build()) {
                bridge.start();
                DoctorReport report = new Doctor(fx.linux(), options).run();
                if (allowsThem) {
                    the(report, "agent", "allowed", Finding.Status.OK);
                } else {
                    Finding f = the(report, "agent", "allowed", Finding.Status.FAIL);
                    assertTrue(f.message().contains("chrome-extension://" + CHROME_ID + "/"), f.message());
                    assertTrue(f.fix().contains("--allow chrome-extension://" + CHROME_ID + "/"), f.fix());
                }
            }
        }
    }

    @Test
    void defaultSocketPathFollowsTheEnvironment() {
        fx.env.put("XDG_RUNTIME_DIR", "/run/user/1000");
        assertEquals(Path.of("/run/user/1000/bridgekeeper/agent.sock"), AgentChecks.defaultSocketPath(fx.linux()));
        fx.env.remove("XDG_RUNTIME_DIR");
        fx.env.put("USER", "alice");
        assertEquals(Path.of("/tmp/bridgekeeper-alice/agent.sock"), AgentChecks.defaultSocketPath(fx.linux()));
        fx.env.put("TMPDIR", "/var/folders/xy/T");
        assertEquals(Path.of("/var/folders/xy/T/bridgekeeper/agent.sock"),
                AgentChecks.defaultSocketPath(fx.env(HostOs.MACOS, RegistryReader.NONE)));
        fx.env.put("LOCALAPPDATA", "/c/Users/alice/AppData/Local");
        assertEquals(Path.of("/c/Users/alice/AppData/Local/Bridgekeeper/agent.sock"),
                AgentChecks.defaultSocketPath(fx.env(HostOs.WINDOWS, RegistryReader.NONE)));
        fx.env.put("BRIDGEKEEPER_SOCKET", "/srv/bk.sock");
        assertEquals(Path.of("/srv/bk.sock"), AgentChecks.defaultSocketPath(fx.linux()));
    }

    @Test
    void missingPolkitActionIsAWarningWithTheInstallerOption() throws IOException {
        fx.chromium(fx.goodLauncher());
        Finding f = the(run(), "polkit", "action", Finding.Status.WARN);
        assertTrue(f.fix().contains("--polkit"));
    }

    @Test
    void noBrowserAtAllIsAProblem() {
        DoctorReport report = run();
        assertProblem(report, "browsers", "installed", "no supported browser");
    }

    @Test
    void namedBrowserIsCheckedEvenWithoutProfile() {
        DoctorOptions options = new DoctorOptions(List.of(CHROME_ID), List.of(FIREFOX_ID), Set.of("brave"), true,
                Duration.ofSeconds(5), fx.home.resolve("none.sock"));
        DoctorReport report = new Doctor(fx.linux(), options).run();
        assertProblem(report, "brave", "manifest", "BraveSoftware/Brave-Browser/NativeMessagingHosts");
        assertTrue(report.about("chromium").isEmpty());
    }

    @Test
    void flatpakBrowserIsFoundInItsSandbox() throws IOException {
        Path launcher = fx.goodLauncher();
        Path app = fx.dir(".var/app/org.chromium.Chromium");
        writeManifest(app.resolve("config/chromium/NativeMessagingHosts"), chromiumManifest(launcher.toString(), CHROME_ID));
        DoctorReport report = run();
        the(report, "chromium-flatpak", "manifest", Finding.Status.OK);
        the(report, "chromium-flatpak", "launch", Finding.Status.OK);
    }

    @Test
    void macosLayoutIsReplayed() throws IOException {
        Path launcher = fx.goodLauncher();
        Path profile = fx.dir("Library/Application Support/Google/Chrome");
        writeManifest(profile.resolve("NativeMessagingHosts"), chromiumManifest(launcher.toString(), CHROME_ID));
        fx.dir("Library/Application Support/Firefox");
        DoctorReport report = new Doctor(fx.env(HostOs.MACOS, RegistryReader.NONE), fx.options()).run();
        the(report, "chrome", "launch", Finding.Status.OK);
        assertProblem(report, "firefox", "manifest", "Library/Application Support/Mozilla/NativeMessagingHosts");
        assertTrue(report.about("polkit").isEmpty(), "polkit is Linux only");
    }
}
