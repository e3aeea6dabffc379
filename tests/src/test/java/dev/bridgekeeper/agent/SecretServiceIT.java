package dev.bridgekeeper.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bridgekeeper.agent.internal.secure.IdentityStore;
import dev.bridgekeeper.agent.internal.secure.KeyStorage;
import dev.bridgekeeper.agent.internal.secure.PairingStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent against a real Secret Service: gnome-keyring-daemon with an unlocked collection on a
 * private D-Bus session bus, both running as a non-root test user ({@code scripts/keyring-it.sh}
 * sets them up and runs this class). Each agent run is its own JVM as that user
 * ({@link KeyringProbe}), so every step is a restart.
 */
class SecretServiceIT {
    private static final boolean ENABLED = "1".equals(System.getenv("BRIDGEKEEPER_KEYRING_IT"));
    private static final String FALLBACK_NOTICE = "key storage: file (not sealed)";

    private static Path work;
    private static String user;
    private static String bus;
    private static String classpath;

    @BeforeAll
    static void setUp() throws Exception {
        if (!ENABLED) {
            return;
        }
        work = Path.of(System.getenv("BRIDGEKEEPER_KEYRING_IT_DIR"));
        user = System.getenv("BRIDGEKEEPER_KEYRING_IT_USER");
        bus = System.getenv("BRIDGEKEEPER_KEYRING_IT_BUS");
        classpath = copyClasspath(work.resolve("classpath"));
    }

    @BeforeEach
    void onlyInTheRealRun() {
        assumeTrue(ENABLED, "real Secret Service run: needs root, gnome-keyring and a private session bus; "
                + "run scripts/keyring-it.sh");
    }

    /** The output of one probe run as the test user, with or without the keyring's bus. */
    record Run(Map<String, String> values, List<String> status, String log) {}

    private static Run probe(boolean withKeyring, String mode, Path dataDir) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData",
                "-Djna.tmpdir=" + work.resolve("home").resolve("jna"), "-cp", classpath, KeyringProbe.class.getName(),
                mode, dataDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        pb.environment().put("HOME", work.resolve("home").toString());
        pb.environment().put("LANG", "C.UTF-8");
        if (withKeyring) {
            pb.environment().put("DBUS_SESSION_BUS_ADDRESS", bus);
        }
        Path err = Files.createTempFile(work, "probe-", ".log");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe finished");
        String log = Files.readString(err);
        assertEquals(0, p.exitValue(), "probe " + mode + " failed:\n" + out + "\n" + log);
        Map<String, String> values = new java.util.HashMap<>();
        List<String> status = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("status: ")) {
                status.add(line.substring(8).trim()); // the CLI indents the detail lines
            } else if (line.contains("=")) {
                values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return new Run(values, status, log);
    }

    /** A data directory the test user owns. */
    private static Path userDir(String name) throws Exception {
        Path dir = work.resolve("home").resolve(name);
        run("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "mkdir", "-m", "700", dir.toString());
        return dir;
    }

    private static String run(String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DBUS_SESSION_BUS_ADDRESS", bus);
        pb.environment().put("HOME", work.resolve("home").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    private static String keyringItems() throws Exception {
        return run("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "secret-tool", "search", "--all",
                "application", "dev.bridgekeeper");
    }

    @Test
    void plaintextKeysAreSealedThenUnsealedAcrossRestartsAndAPairingSurvives() throws Exception {
        Path dir = userDir("migrate");
        // An agent from before (or one without a keyring): the private key is in the file.
        Run seeded = probe(false, "seed", dir);
        assertEquals("file (not sealed)", seeded.values().get("keyStorage"));
        String before = Files.readString(dir.resolve(IdentityStore.FILE_NAME));
        assertTrue(before.contains("privateKey"));
        String publicKey = publicKeyOf(before);

        // First start with the keyring: both keys move into it.
        Run first = probe(true, "bridge", dir);
        assertEquals("1", first.values().get("pairings"), first.log());
        assertTrue(first.status().contains("key storage: sealed (Secret Service)"), first.status().toString());
        String after = Files.readString(dir.resolve(IdentityStore.FILE_NAME));
        assertFalse(after.contains("privateKey"), "the identity file lost its private key: " + after);
        assertEquals(publicKey, publicKeyOf(after), "the same identity");
        assertFalse(Files.exists(dir.resolve(KeyStorage.PAIRING_KEY_FILE)), "the pairing key moved into the keyring");
        String items = keyringItems();
        assertTrue(items.contains(dir + "#identity") && items.contains(dir + "#pairings-hmac"), items);

        // Restart: unsealed from the keyring, the pairing is still trusted.
        Run second = probe(true, "bridge", dir);
        assertEquals("1", second.values().get("pairings"), second.log());
        assertTrue(second.status().contains("key storage: sealed (Secret Service)"));
        assertEquals(publicKey, publicKeyOf(Files.readString(dir.resolve(IdentityStore.FILE_NAME))));
        assertFalse(second.log().contains(FALLBACK_NOTICE), second.log());
    }

    @Test
    void aPairingStoreEditedByHandIsDetected() throws Exception {
        Path dir = userDir("tamper");
        probe(true, "seed", dir);
        assertEquals("1", probe(true, "bridge", dir).values().get("pairings"));
        Path file = dir.resolve(PairingStore.FILE_NAME);
        // Another process of the user renames the pairing (or adds its own key): the header stays.
        Files.writeString(file, Files.readString(file).replace("Seeded extension", "Edited extension"));
        Run edited = probe(true, "bridge", dir);
        assertEquals("0", edited.values().get("pairings"), "nothing of an edited store is trusted");
        assertTrue(edited.log().contains("was changed outside the agent"), edited.log());
        assertTrue(edited.status().stream().anyMatch(l -> l.startsWith("pairing store rejected:")), edited.status().toString());
        assertTrue(Files.exists(dir.resolve(PairingStore.FILE_NAME + PairingStore.REJECTED_SUFFIX)));
    }

    @Test
    void withoutASecretServiceTheFileIsUsedAndSaidOnce() throws Exception {
        Path dir = userDir("fallback");
        Run run = probe(false, "bridge", dir);
        assertTrue(run.status().contains("key storage: file (not sealed)"), run.status().toString());
        assertEquals(1, run.log().split(java.util.regex.Pattern.quote(FALLBACK_NOTICE), -1).length - 1,
                "said once at start: " + run.log());
        assertTrue(Files.readString(dir.resolve(IdentityStore.FILE_NAME)).contains("privateKey"));
        assertFalse(keyringItems().contains(dir.toString()), "nothing of it went to the keyring");
    }

    private static String publicKeyOf(String identityFile) {
        String body = identityFile.substring(identityFile.indexOf('\n') + 1);
        int start = body.indexOf("\"publicKey\":\"") + 13;
        return body.substring(start, body.indexOf('"', start));
    }

    /** The test class path, copied where the test user can read it. */
    private static String copyClasspath(Path target) throws IOException {
        List<String> entries = new ArrayList<>();
        int index = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source) || entry.contains("jazzer") || entry.contains("junit")) {
                continue;
            }
            Path copy = target.resolve(index++ + "-" + source.getFileName());
            try (Stream<Path> all = Files.walk(source)) {
                for (Path p : all.collect(Collectors.toList())) {
                    Path dest = copy.resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(dest);
                    } else {
                        Files.createDirectories(dest.getParent());
                        Files.copy(p, dest);
                    }
                }
            }
            entries.add(copy.toString());
        }
        try (Stream<Path> all = Files.walk(target)) {
            for (Path p : all.collect(Collectors.toList())) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
