package dev.bridgekeeper.biometrics.internal.polkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PolkitAuthenticator} against a real polkitd, through the real JNA binding, as non-root
 * users (polkit always authorizes root).
 *
 * <p>Skipped unless {@code BRIDGEKEEPER_POLKIT_IT=1}: {@code scripts/polkit-it.sh} sets it after
 * it has, as root, started a private system bus ({@code DBUS_SYSTEM_BUS_ADDRESS}) and polkitd,
 * installed {@code dev.bridgekeeper.unlock.policy} and a rules file that answers YES for
 * {@value #USER_YES}, NO for {@value #USER_NO} and AUTH_SELF for {@value #USER_ASK}, and created a
 * world-readable scratch directory ({@code BRIDGEKEEPER_POLKIT_IT_DIR}). Each case starts
 * {@link PolkitProbe} in a child JVM as one of those users (setpriv) with a copy of the classpath
 * in the scratch directory, because the repository may not be readable by them.
 */
class PolkitIntegrationIT {
    static final String USER_YES = "bktest-yes";
    static final String USER_NO = "bktest-no";
    static final String USER_ASK = "bktest-ask";
    static final String MISSING_ACTION = "dev.bridgekeeper.it-not-installed";
    static final long PROCESS_TIMEOUT_SECONDS = 60;
    /** pkttyagent's line when polkitd cancels its authentication. */
    static final String AGENT_CANCELLED = "Cancelled";

    private static Path scratch;
    private static String busAddress;
    private static String classpath;
    private static final List<String> SUMMARY = Collections.synchronizedList(new ArrayList<>());

    private static final boolean ENABLED = "1".equals(System.getenv("BRIDGEKEEPER_POLKIT_IT"));

    @BeforeAll
    static void setUp() throws Exception {
        if (!ENABLED) {
            return;
        }
        scratch = Path.of(requireEnv("BRIDGEKEEPER_POLKIT_IT_DIR"));
        busAddress = requireEnv("DBUS_SYSTEM_BUS_ADDRESS");
        classpath = copyClasspath(scratch.resolve("classpath"));
    }

    @BeforeEach
    void onlyInTheRealRun() {
        assumeTrue(ENABLED, "real polkit run: needs root, a private system bus and polkitd; run scripts/polkit-it.sh");
    }

    @AfterAll
    static void writeSummary() throws IOException, InterruptedException {
        // Nothing this test started may outlive it (probe JVMs, script, pkttyagent, its helper).
        for (ProcessHandle child : ProcessHandle.current().descendants().collect(Collectors.toList())) {
            child.destroyForcibly();
            child.onExit().join();
        }
        if (scratch != null) {
            Files.write(scratch.resolve("summary.txt"), SUMMARY, StandardCharsets.UTF_8);
        }
    }

    @Test
    void userAllowedByRuleIsVerifiedWithoutPrompt() throws Exception {
        Map<String, String> status = run(USER_YES, "status", PolkitAuthenticator.ACTION_ID);
        assertEquals("available", status.get("availability"), status.toString());
        assertTrue(status.get("detail").contains("without asking"), status.toString());
        Map<String, String> verify = run(USER_YES, "verify", PolkitAuthenticator.ACTION_ID, "20000");
        assertEquals("VERIFIED", verify.get("outcome"), verify.toString());
        record("rule YES", status, verify);
    }

    @Test
    void userRefusedByRuleIsDenied() throws Exception {
        Map<String, String> status = run(USER_NO, "status", PolkitAuthenticator.ACTION_ID);
        assertEquals("not_enabled", status.get("availability"), status.toString());
        Map<String, String> verify = run(USER_NO, "verify", PolkitAuthenticator.ACTION_ID, "20000");
        assertEquals("DENIED", verify.get("outcome"), verify.toString());
        record("rule NO", status, verify);
    }

    @Test
    void actionNotInstalledNeedsSetup() throws Exception {
        Map<String, String> status = run(USER_YES, "status", MISSING_ACTION);
        assertEquals("setup_needed", status.get("availability"), status.toString());
        assertTrue(status.get("detail").contains(MISSING_ACTION + " is not installed"), status.toString());
        assertTrue(status.get("detail").contains(PolkitProbe.SETUP_HINT), status.toString());
        Map<String, String> verify = run(USER_YES, "verify", MISSING_ACTION, "20000");
        assertEquals("UNAVAILABLE", verify.get("outcome"), verify.toString());
        assertTrue(verify.get("detail").contains("not installed"), verify.toString());
        record("action not installed", status, verify);
    }

    @Test
    void challengeWithoutAgentIsUnavailable() throws Exception {
        Map<String, String> status = run(USER_ASK, "status", PolkitAuthenticator.ACTION_ID);
        assertEquals("available", status.get("availability"), status.toString());
        Map<String, String> verify = run(USER_ASK, "verify", PolkitAuthenticator.ACTION_ID, "20000");
        assertEquals("UNAVAILABLE", verify.get("outcome"), verify.toString());
        assertEquals(PolkitAuthenticator.NO_AGENT, verify.get("detail"));
        record("rule AUTH_SELF, no agent", status, verify);
    }

    @Test
    void noSystemBusIsReported() throws Exception {
        Map<String, String> env = Map.of("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + scratch.resolve("no-such-bus"));
        Map<String, String> status = run(USER_YES, env, List.of(), "status", PolkitAuthenticator.ACTION_ID);
        assertEquals("hardware_unavailable", status.get("availability"), status.toString());
        assertTrue(status.get("detail").startsWith("cannot reach polkit on the system bus"), status.toString());
        Map<String, String> verify = run(USER_YES, env, List.of(), "verify", PolkitAuthenticator.ACTION_ID, "20000");
        assertEquals("UNAVAILABLE", verify.get("outcome"), verify.toString());
        record("no system bus", status, verify);
    }

    @Test
    void unusableJnaTempDirFallsBackToPrivateDirectory() throws Exception {
        Path runtimeDir = userDirectory(USER_YES, "runtime-" + USER_YES);
        Map<String, String> env = Map.of("HOME", "/nonexistent", "XDG_RUNTIME_DIR", runtimeDir.toString());
        Map<String, String> status = run(USER_YES, env, List.of("-Djava.io.tmpdir=/nonexistent"), "status",
                PolkitAuthenticator.ACTION_ID);
        assertEquals("available", status.get("availability"), status.toString());
        assertEquals(runtimeDir.resolve("bridgekeeper-jna").toString(), status.get("jna.tmpdir"), status.toString());
        SUMMARY.add("JNA temp dir unusable: status=" + status.get("availability") + " jna.tmpdir=" + status.get("jna.tmpdir"));
    }

    /**
     * Cancelling returns the blocked call at once, and polkitd passes the cancel on to the agent.
     * pkttyagent reads the password with a blocking read on its agent thread, so it can only act on
     * that cancel once a line arrives: after an empty line it prints "Cancelled" (its
     * cancellable fired, which only polkitd's CancelAuthentication does) and ends the session.
     */
    @Test
    void cancellingTheFutureDismissesTheAgentPrompt() throws Exception {
        try (Probe probe = Probe.start(USER_ASK, Map.of(), List.of(), "cancel", PolkitAuthenticator.ACTION_ID, "1");
                Agent agent = Agent.start(USER_ASK, probe.pid())) {
            probe.send("start");
            probe.expect("started1");
            agent.awaitOutput("Password:", 1);
            probe.send("cancel");
            assertEquals("true", probe.expect("cancelled1"), "the future was cancelled");
            assertEquals("true", probe.expect("idle1"), "the blocked polkit call returned");
            agent.send("\n");
            agent.awaitOutput(AGENT_CANCELLED, 1);
            Map<String, String> result = probe.finish();
            SUMMARY.add("cancel with agent prompt pending: cancelled=" + result.get("cancelled1") + " call returned="
                    + result.get("idle1") + "; agent: " + agent.output().strip().replace("\n", " | "));
        }
    }

    @Test
    void timeoutDismissesTheAgentPrompt() throws Exception {
        try (Probe probe = Probe.start(USER_ASK, Map.of(), List.of(), "verify", PolkitAuthenticator.ACTION_ID, "2000",
                "--wait-start"); Agent agent = Agent.start(USER_ASK, probe.pid())) {
            probe.send("start");
            Map<String, String> result = probe.finish();
            assertEquals("TIMED_OUT", result.get("outcome"), result.toString());
            assertEquals("true", result.get("idle"), "the blocked polkit call returned after the timeout: " + result);
            agent.awaitOutput("Password:", 1);
            agent.send("\n");
            agent.awaitOutput(AGENT_CANCELLED, 1);
            SUMMARY.add("timeout with agent prompt pending: outcome=" + result.get("outcome") + " call returned="
                    + result.get("idle") + "; agent: " + agent.output().strip().replace("\n", " | "));
        }
    }

    // ---- child processes -------------------------------------------------------------------

    private static Map<String, String> run(String user, String... args) throws Exception {
        return run(user, Map.of(), List.of(), args);
    }

    private static Map<String, String> run(String user, Map<String, String> env, List<String> jvmArgs, String... args)
            throws Exception {
        try (Probe probe = Probe.start(user, env, jvmArgs, args)) {
            return probe.finish();
        }
    }

    private static void record(String scenario, Map<String, String> status, Map<String, String> verify) {
        SUMMARY.add(scenario + ": status=" + status.get("availability") + " verify=" + verify.get("outcome")
                + " (" + verify.getOrDefault("detail", status.get("detail")) + ")");
    }

    /** setpriv to a test user, with a clean environment. */
    private static ProcessBuilder asUser(String user, Map<String, String> env, List<String> command) throws IOException {
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + id("-u", user), "--regid=" + id("-g", user),
                "--clear-groups"));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full);
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        environment.put("LANG", "C.UTF-8");
        environment.put("HOME", "/nonexistent");
        environment.put("DBUS_SYSTEM_BUS_ADDRESS", busAddress);
        environment.putAll(env);
        return builder;
    }

    /** A probe JVM; its stdout lines {@code key=value} are collected. */
    static final class Probe implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final OutputStream in;
        private final Map<String, String> values = new HashMap<>();
        private final Path stderr;

        private Probe(Process process, Path stderr) {
            this.process = process;
            this.stderr = stderr;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = process.getOutputStream();
        }

        static Probe start(String user, Map<String, String> env, List<String> jvmArgs, String... args) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-XX:-UsePerfData"); // no /tmp/hsperfdata_<user> left behind
            if (jvmArgs.stream().noneMatch(a -> a.startsWith("-Djava.io.tmpdir")) && !env.containsKey("XDG_RUNTIME_DIR")) {
                command.add("-Djna.tmpdir=" + userDirectory(user, "jna-" + user));
            }
            command.addAll(jvmArgs);
            command.addAll(List.of("-cp", classpath, PolkitProbe.class.getName()));
            command.addAll(List.of(args));
            Path stderr = Files.createTempFile(scratch, "probe-", ".err");
            ProcessBuilder builder = asUser(user, env, command);
            builder.redirectError(stderr.toFile());
            return new Probe(builder.start(), stderr);
        }

        long pid() throws Exception {
            return Long.parseLong(expect("pid"));
        }

        void send(String line) throws IOException {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        /** Reads lines until {@code key} appears; a closed stream fails with the probe's stderr. */
        String expect(String key) throws Exception {
            if (values.containsKey(key)) {
                return values.get(key);
            }
            CompletableFuture<String> found = CompletableFuture.supplyAsync(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        int eq = line.indexOf('=');
                        if (eq > 0) {
                            values.put(line.substring(0, eq), line.substring(eq + 1));
                            if (line.substring(0, eq).equals(key)) {
                                return line.substring(eq + 1);
                            }
                        }
                    }
                    return null;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String value;
            try {
                value = found.get(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                value = null;
            }
            if (value == null) {
                fail("probe gave no '" + key + "' (so far " + values + "); stderr:\n" + Files.readString(stderr));
            }
            return value;
        }

        /** Waits for {@code done} and the exit, and returns everything it printed. */
        Map<String, String> finish() throws Exception {
            expect("done");
            if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("probe did not exit");
            }
            assertEquals(0, process.exitValue(), "probe exit code; stderr:\n" + Files.readString(stderr));
            return new HashMap<>(values);
        }

        @Override
        public void close() throws InterruptedException {
            stop(process);
        }
    }

    /**
     * pkttyagent registered for one process, on a pseudo-terminal from {@code script} (the text
     * agent needs a tty) whose input never arrives, so its password prompt stays pending.
     */
    static final class Agent implements AutoCloseable {
        private final Process process;
        private final StringBuffer output = new StringBuffer();

        private Agent(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (InputStream stream = process.getInputStream()) {
                    byte[] buffer = new byte[256];
                    int n;
                    while ((n = stream.read(buffer)) > 0) {
                        synchronized (output) {
                            output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                            output.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // process ended
                }
            }, "agent-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Starts the agent and returns once it is registered with polkitd ({@code --notify-fd}). */
        static Agent start(String user, long subjectPid) throws Exception {
            Path notify = scratch.resolve("agent-" + subjectPid + ".notify");
            exec("mkfifo", "-m", "0600", notify.toString());
            exec("chown", user, notify.toString());
            String agentCommand = "exec pkttyagent --process " + subjectPid + " --notify-fd 3 3>" + notify;
            ProcessBuilder builder = asUser(user, Map.of(), List.of("script", "-qfec", agentCommand, "/dev/null"));
            builder.redirectErrorStream(true);
            Agent agent = new Agent(builder.start());
            // pkttyagent closes fd 3 once registered: EOF on the fifo.
            CompletableFuture<Void> registered = CompletableFuture.runAsync(() -> {
                try (InputStream fifo = Files.newInputStream(notify, StandardOpenOption.READ)) {
                    fifo.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try {
                registered.get(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                agent.close();
                fail("pkttyagent did not register: " + agent.output());
            }
            if (!agent.process.isAlive()) {
                agent.close();
                fail("pkttyagent exited: " + agent.output());
            }
            return agent;
        }

        /** Waits until the agent has printed {@code text} at least {@code times} times. */
        void awaitOutput(String text, int times) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(PROCESS_TIMEOUT_SECONDS);
            synchronized (output) {
                while (count(text) < times) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        fail("agent did not print '" + text + "' " + times + " times: " + output());
                    }
                    TimeUnit.NANOSECONDS.timedWait(output, left);
                }
            }
        }

        int count(String text) {
            String all = output();
            int count = 0;
            for (int at = all.indexOf(text); at >= 0; at = all.indexOf(text, at + text.length())) {
                count++;
            }
            return count;
        }

        void send(String text) throws IOException {
            process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        String output() {
            return output.toString().replaceAll("\u001B\\[[0-9;]*m", "").replace("\r", "");
        }

        @Override
        public void close() throws InterruptedException {
            stop(process);
        }
    }

    /** Ends a child and its descendants and waits for them, so nothing outlives the test. */
    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> all = process.descendants().collect(Collectors.toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                handle.destroyForcibly();
            }
        }
    }

    // ---- set-up helpers --------------------------------------------------------------------

    private static String requireEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            fail(name + " must be set by scripts/polkit-it.sh");
        }
        return value;
    }

    /** Copies the probe's classpath (our classes, test classes, JNA, SLF4J) where the test users can read it. */
    private static String copyClasspath(Path target) throws Exception {
        List<Path> sources = List.of(
                Path.of(System.getProperty("bridgekeeper.classes")),
                location(PolkitProbe.class),
                location(Native.class),
                location(org.slf4j.LoggerFactory.class),
                location(Class.forName("org.slf4j.simple.SimpleLogger")));
        List<String> entries = new ArrayList<>();
        int index = 0;
        for (Path source : sources) {
            Path copy = target.resolve(index++ + "-" + source.getFileName());
            copyTree(source, copy);
            entries.add(copy.toString());
        }
        try (Stream<Path> all = Files.walk(target)) {
            for (Path p : all.collect(Collectors.toList())) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(":", entries);
    }

    private static Path location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> all = Files.walk(source)) {
            for (Path p : all.collect(Collectors.toList())) {
                Path destination = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(destination);
                } else {
                    Files.createDirectories(destination.getParent());
                    Files.copy(p, destination);
                }
            }
        }
    }

    /** A 0700 directory in the scratch area owned by {@code user}. */
    private static Path userDirectory(String user, String name) throws IOException {
        Path dir = scratch.resolve(name);
        if (!Files.exists(dir)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(dir, users.lookupPrincipalByName(user));
        }
        return dir;
    }

    private static String id(String flag, String user) throws IOException {
        return exec("id", flag, user).strip();
    }

    private static String exec(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                fail(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
