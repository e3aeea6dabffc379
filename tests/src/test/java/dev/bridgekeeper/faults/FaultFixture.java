package dev.bridgekeeper.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridgekeeper.cli.MainAccess;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.agent.internal.ipc.InMemorySessionRepository;
import dev.bridgekeeper.agent.internal.ipc.SessionRepository;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.agent.internal.secure.PairingStore;
import dev.bridgekeeper.testing.HostProcess;
import dev.bridgekeeper.testing.ShortTempDir;
import dev.bridgekeeper.testing.TestExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One fault-injection scene: a short temporary directory with the agent's socket (in its own
 * directory, so a test can delete that too) and data directory, the agent process, and the
 * extensions and hosts a test starts; {@link #close()} ends them all.
 */
final class FaultFixture implements AutoCloseable {
    static final String CALLER = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";
    static final SecureRandom RANDOM = new SecureRandom();
    static final ObjectMapper JSON = new ObjectMapper();

    final ShortTempDir tmp;
    final Path socket;
    Path dataDir;
    AgentProcess agent;
    private final List<AutoCloseable> owned = Collections.synchronizedList(new ArrayList<>());

    FaultFixture() throws IOException {
        tmp = new ShortTempDir();
        socket = tmp.resolve("run").resolve("agent.sock");
        dataDir = tmp.resolve("data");
    }

    /** Starts {@link FaultAgentMain} (allowing {@link #CALLER}) and waits until it serves. */
    AgentProcess startFaultAgent(List<String> jvmOptions, String... args) throws Exception {
        return startFaultAgent(jvmOptions, java.util.Map.of(), args);
    }

    /** The same with extra environment variables for the agent process. */
    AgentProcess startFaultAgent(List<String> jvmOptions, java.util.Map<String, String> env, String... args)
            throws Exception {
        List<String> all = new ArrayList<>(List.of("--allow", CALLER));
        all.addAll(List.of(args));
        agent = own(AgentProcess.fault(socket, dataDir, jvmOptions, env, all.toArray(String[]::new)));
        return agent.awaitReady();
    }

    /** The user types the code the extension shows into {@code bridgekeeper pairings approve} (or reject). */
    MainAccess.Result answerShownCode(TestExtension e, boolean approve) throws InterruptedException {
        String code = e.ui().codes.poll(30, TimeUnit.SECONDS);
        if (code == null) {
            throw new AssertionError("no pairing code within 30 s; the agent's log:\n" + agentLog());
        }
        // The extension may show the code a moment before the agent lists the request.
        await(30, () -> "the agent never listed code " + code, () -> cli("pairings", "list").out().contains(code));
        return cli("pairings", approve ? "approve" : "reject", code.replace(" ", ""));
    }

    AgentProcess startFaultAgent(String... args) throws Exception {
        return startFaultAgent(List.of("-XX:TieredStopAtLevel=1"), args);
    }

    /** Starts the shipped {@code bridgekeeper agent} and waits until it serves. */
    AgentProcess startReferenceAgent() throws Exception {
        agent = own(AgentProcess.reference(socket, dataDir, CALLER));
        return agent.awaitReady();
    }

    /** An extension through a real host process. */
    TestExtension viaHost(KeyPair key) throws IOException {
        return own(TestExtension.viaHost(socket, CALLER, key));
    }

    /** An extension through a real host process that already pinned the desktop's key. */
    TestExtension viaHost(KeyPair key, SessionRepository pins) throws IOException {
        return own(TestExtension.viaHost(socket, CALLER, key, pins));
    }

    /** The next item of {@code queue}, failing after 30 s. */
    static <T> T take(java.util.concurrent.BlockingQueue<T> queue, String what) throws InterruptedException {
        T t = queue.poll(30, TimeUnit.SECONDS);
        if (t == null) {
            throw new AssertionError("no " + what + " within 30 s");
        }
        return t;
    }

    /** An extension connected straight to the socket (no host process: cheap, does not reconnect). */
    TestExtension direct(KeyPair key, SessionRepository pins) throws IOException {
        return own(TestExtension.direct(socket, CALLER, key, pins));
    }

    TestExtension direct(KeyPair key) throws IOException {
        return direct(key, new InMemorySessionRepository());
    }

    /** A host process whose stdout frames the test reads itself (to see its status frames). */
    HostProcess rawHost() throws IOException {
        return own(HostProcess.start(socket, CALLER));
    }

    <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    static KeyPair newKey() {
        return KeyPair.generate(RANDOM);
    }

    static FaultChannel faults(TestExtension e) {
        return e.client().channel(FaultChannel.class, Endpoint.desktop());
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    /** Polls {@code condition} every 20 ms for up to {@code seconds}; fails with {@code what} after that. */
    static void await(int seconds, Supplier<String> what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + seconds + " s: " + what.get());
            }
            Thread.sleep(20);
        }
    }

    /** The next frame a raw host wrote to its browser, as JSON. */
    static com.fasterxml.jackson.databind.JsonNode nextFrame(HostProcess host) throws Exception {
        return JSON.readTree(host.nextFrame(30, TimeUnit.SECONDS));
    }

    Path pairingFile() {
        return dataDir.resolve(PairingStore.FILE_NAME);
    }

    byte[] pairingBytes() throws IOException {
        return Files.exists(pairingFile()) ? Files.readAllBytes(pairingFile()) : new byte[0];
    }

    /** Opens the agent's pairing store the way a restarting agent does (it must open cleanly). */
    PairingStore openStore() throws IOException {
        return PairingStore.open(dataDir);
    }

    /** Temporary files an interrupted atomic write left in the data directory. */
    List<String> leftovers() throws IOException {
        try (var files = Files.list(dataDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")).toList();
        }
    }

    /** Runs a {@code bridgekeeper} CLI command against this agent. */
    MainAccess.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--socket");
        all.add(socket.toString());
        return MainAccess.run(all.toArray(String[]::new));
    }

    String agentLog() {
        return agent == null ? "" : agent.log();
    }

    @Override
    public void close() throws Exception {
        stopAll();
        tmp.close();
    }

    /** Ends every process and client of the scene (the agents, hosts, extensions), newest first. */
    void stopAll() throws Exception {
        List<AutoCloseable> all;
        synchronized (owned) {
            all = new ArrayList<>(owned);
        }
        Collections.reverse(all);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Closing what is left of a scene; the test's own assertions already ran.
            }
        }
        if (agent != null) {
            agent.close();
        }
    }
}
