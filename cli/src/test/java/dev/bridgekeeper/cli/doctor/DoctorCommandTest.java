package dev.bridgekeeper.cli.doctor;

import static dev.bridgekeeper.cli.doctor.DoctorFixture.CHROME_ID;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.chromiumManifest;
import static dev.bridgekeeper.cli.doctor.DoctorFixture.writeManifest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridgekeeper.cli.BridgekeeperCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The command line: options, exit codes, JSON output. */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "fake launchers are POSIX shell scripts")
class DoctorCommandTest {

    @TempDir(factory = ExistingTmpDir.class)
    Path tmp;
    DoctorFixture fx;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws IOException {
        fx = new DoctorFixture(tmp);
    }

    /** {@code bridgekeeper doctor ARGS}, through the whole command line. */
    private int run(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "doctor";
        System.arraycopy(args, 0, all, 1, args.length);
        return BridgekeeperCommand.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all);
    }

    private String[] common(String... more) {
        String[] base = {"--os", "linux", "--home", fx.home.toString(), "--root", fx.root.toString(),
                "--socket", tmp.resolve("none.sock").toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void cleanInstallExitsZeroAndJsonSaysOk() throws IOException {
        fx.chromium(fx.goodLauncher());
        assertEquals(0, run(common("--json")), () -> out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
        JsonNode report = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertTrue(report.get("ok").asBoolean());
        assertEquals("linux", report.get("os").asText());
        assertEquals(0, report.get("problems").asInt());
        boolean launched = false;
        for (JsonNode c : report.get("checks")) {
            launched |= c.get("subject").asText().equals("chromium") && c.get("check").asText().equals("launch")
                    && c.get("status").asText().equals("ok");
        }
        assertTrue(launched);
    }

    @Test
    void aProblemExitsOneAndEveryFailHasAFix() throws IOException {
        writeManifest(fx.dir(".config/chromium").resolve("NativeMessagingHosts"),
                chromiumManifest(tmp.resolve("missing").toString(), CHROME_ID));
        assertEquals(1, run(common("--json")));
        JsonNode report = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertFalse(report.get("ok").asBoolean());
        for (JsonNode c : report.get("checks")) {
            if (c.get("status").asText().equals("fail")) {
                assertTrue(c.hasNonNull("fix") && !c.get("fix").asText().isBlank(), c::toString);
            }
        }
    }

    @Test
    void textOutputShowsFixes() throws IOException {
        fx.dir(".config/chromium");
        assertEquals(1, run(common("--no-launch")));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("FAIL  manifest"), text);
        assertTrue(text.contains("fix: run bridgekeeper install"), text);
        assertTrue(text.contains("PROBLEMS: 1 problem"), text);
    }

    @Test
    void optionErrorsExitTwo() {
        assertEquals(2, run("--frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Unknown option: '--frobnicate'"));
        assertEquals(2, run("--chrome-id", "NOT-AN-ID"));
        assertEquals(2, run("--firefox-id", "no spaces allowed"));
        assertEquals(2, run("--launch-timeout-ms", "soon"));
        assertEquals(2, run("--browser"));
        assertEquals(2, run(common("--browser", "netscape")));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown browser 'netscape'"));
        assertEquals(0, run("--help"));
    }
}
