package dev.bridgekeeper.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridgekeeper.agent.DesktopBridge;
import dev.bridgekeeper.agent.KeyVault;
import dev.bridgekeeper.biometrics.Authenticators;
import dev.bridgekeeper.cli.doctor.ExistingTmpDir;
import dev.bridgekeeper.protocol.Version;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The command line as users type it: parsing, exit codes, help, version, completion, JSON. */
class BridgekeeperCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> COMMANDS = List.of("host", "agent", "pairings", "lock", "unlock", "status",
            "demo", "echo-agent", "doctor", "version", "completion", "help");

    @TempDir(factory = ExistingTmpDir.class)
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BridgekeeperCommand.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownOptionExitsTwoAndNamesIt() {
        Run r = run("status", "--frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown option: '--frobnicate'"), r.err());
        assertTrue(r.err().contains("bridgekeeper status --help"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void anUnknownCommandExitsTwoAndNamesIt() {
        Run r = run("frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'frobnicate'"), r.err());
    }

    @Test
    void controlCharactersInBadInputAreNotEchoed() {
        Run r = run("status", "--fr\u001b[2Job");
        assertEquals(2, r.code());
        assertFalse(r.err().contains("\u001b"), r.err());
        assertTrue(r.err().contains("--fr?[2Job"), r.err());
    }

    @Test
    void aMissingValueExitsTwoAndNamesTheOption() {
        Run r = run("agent", "--socket");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Missing required parameter for option '--socket'"), r.err());
        Run code = run("pairings", "approve");
        assertEquals(2, code.code());
        assertTrue(code.err().contains("CODE"), code.err());
    }

    @Test
    void badValuesExitTwo() {
        Run auth = run("demo", "--authenticator", "carrier-pigeon");
        assertEquals(2, auth.code());
        assertTrue(auth.err().contains("unknown authenticator 'carrier-pigeon'"), auth.err());
        Run timeout = run("doctor", "--launch-timeout-ms", "5");
        assertEquals(2, timeout.code());
        assertTrue(timeout.err().contains("--launch-timeout-ms must be between 100 and 600000"), timeout.err());
        assertEquals(2, run("doctor", "--os", "beos").code());
    }

    @Test
    void noCommandOrAnIncompleteOneExitsTwoWithUsage() {
        Run none = run();
        assertEquals(2, none.code());
        assertTrue(none.err().contains("Usage: bridgekeeper"), none.err());
        Run pairings = run("pairings");
        assertEquals(2, pairings.code());
        assertTrue(pairings.err().contains("list, approve CODE, reject CODE or revoke ID"), pairings.err());
    }

    @Test
    void helpExitsZeroAndListsEveryCommand() {
        Run r = run("--help");
        assertEquals(0, r.code(), r.err());
        for (String c : COMMANDS) {
            assertTrue(r.out().contains("\n  " + c + " "), c + " is not listed:\n" + r.out());
        }
        for (String c : COMMANDS) {
            Run sub = run(c, "--help");
            assertEquals(0, sub.code(), c + ": " + sub.err());
            assertTrue(sub.out().contains("Usage: bridgekeeper"), c + ": " + sub.out());
        }
        for (String c : List.of("list", "approve", "reject", "revoke")) {
            assertEquals(0, run("pairings", c, "--help").code(), c);
        }
        assertEquals(0, run("help", "doctor").code());
    }

    @Test
    void versionFlagsAndCommandPrintTheVersion() throws IOException {
        String expected = "bridgekeeper " + Version.VERSION;
        for (String[] args : List.of(new String[] {"-V"}, new String[] {"--version"}, new String[] {"version"},
                new String[] {"status", "-V"})) {
            Run r = run(args);
            assertEquals(0, r.code(), r.err());
            assertEquals(expected, r.out().strip(), String.join(" ", args));
        }
        JsonNode v = JSON.readTree(run("version", "--json").out());
        assertEquals("bridgekeeper", v.path("name").asText());
        assertEquals(Version.VERSION, v.path("version").asText());
        assertEquals(Version.PROTOCOL, v.path("protocol").asInt());
    }

    @Test
    void verboseIsAcceptedBeforeOrAfterTheCommandAndRaisesTheLogLevel() {
        String before = System.getProperty(BridgekeeperCommand.LOG_LEVEL_PROPERTY);
        try {
            System.clearProperty(BridgekeeperCommand.LOG_LEVEL_PROPERTY);
            assertEquals(0, run("version").code());
            assertEquals(null, System.getProperty(BridgekeeperCommand.LOG_LEVEL_PROPERTY));
            assertEquals(0, run("--verbose", "version").code());
            assertEquals("debug", System.getProperty(BridgekeeperCommand.LOG_LEVEL_PROPERTY));
            System.clearProperty(BridgekeeperCommand.LOG_LEVEL_PROPERTY);
            assertEquals(0, run("version", "--verbose").code());
            assertEquals("debug", System.getProperty(BridgekeeperCommand.LOG_LEVEL_PROPERTY));
        } finally {
            if (before == null) {
                System.clearProperty(BridgekeeperCommand.LOG_LEVEL_PROPERTY);
            } else {
                System.setProperty(BridgekeeperCommand.LOG_LEVEL_PROPERTY, before);
            }
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "checks the script with bash")
    void completionPrintsABashScriptThatBashAccepts() throws Exception {
        Run r = run("completion");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("complete -F"), r.out());
        for (String word : List.of("pairings", "approve", "--authenticator", "--chrome-id", "echo-agent")) {
            assertTrue(r.out().contains(word), word);
        }
        Path script = Files.writeString(tmp.resolve("bridgekeeper.bash"), r.out());
        Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("bash.log").toFile()).start();
        assertTrue(bash.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, bash.exitValue(), Files.readString(tmp.resolve("bash.log")));
    }

    @Test
    void adminCommandsWithoutAnAgentExitOneAndSaySo() {
        String socket = tmp.resolve("none.sock").toString();
        for (String[] args : List.of(new String[] {"status"}, new String[] {"lock"}, new String[] {"pairings", "list"},
                new String[] {"pairings", "approve", "042917"})) {
            String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--socket", socket))
                    .toArray(String[]::new);
            Run r = run(all);
            assertEquals(1, r.code(), String.join(" ", args));
            assertTrue(r.err().contains("no agent is running on " + socket), r.err());
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "short Unix socket path under the build's tmp")
    void adminCommandsPrintTheDocumentedJsonOfARealAgent() throws Exception {
        KeyVault vault = new KeyVault();
        byte[] key = new byte[32];
        String user = System.getProperty("user.name");
        vault.unlock(user, key);
        Path socket = tmp.resolve("a.sock");
        DesktopBridge bridge = DesktopBridge.builder()
                .socketPath(socket)
                .dataDirectory(tmp.resolve("data"))
                .allowCaller(AgentCommand.SAMPLE_CHROMIUM)
                .authenticator(Authenticators.forName("none"))
                .keyVault(vault)
                .onUnlockRequest(() -> vault.unlock(user, key))
                .build();
        try (bridge) {
            bridge.start();
            String s = socket.toString();

            JsonNode status = JSON.readTree(ok("status", "--json", "--socket", s));
            assertEquals(false, status.path("locked").asBoolean(true));
            assertEquals(0, status.path("connections").asInt(-1));
            assertEquals(0, status.path("pairings").asInt(-1));
            assertEquals(0, status.path("pending").asInt(-1));
            assertEquals(bridge.socketPath().toString(), status.path("socket").asText());
            assertTrue(ok("status", "--socket", s).contains(": unlocked"));

            assertTrue(JSON.readTree(ok("lock", "--json", "--socket", s)).path("locked").asBoolean());
            assertTrue(ok("status", "--socket", s).contains(": locked"));
            assertEquals("the agent is unlocked", ok("unlock", "--socket", s).strip());

            JsonNode list = JSON.readTree(ok("pairings", "list", "--json", "--socket", s));
            assertTrue(list.path("pending").isArray() && list.path("pending").isEmpty(), list.toString());
            assertTrue(list.path("pairings").isArray() && list.path("pairings").isEmpty(), list.toString());
            assertTrue(ok("pairings", "list", "--socket", s).contains("No extensions are paired."));

            Run refused = run("pairings", "approve", "042917", "--socket", s);
            assertEquals(1, refused.code(), "a code nobody shows approves nothing");
            assertTrue(refused.err().contains("no pairing request is waiting with code"), refused.err());
            Run unknown = run("pairings", "revoke", "nope", "--json", "--socket", s);
            assertEquals(1, unknown.code());
            assertTrue(unknown.err().contains("no pairing has id nope"), unknown.err());
        }
    }

    private static String ok(String... args) {
        Run r = run(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
        return r.out();
    }
}
