package dev.bridgekeeper.testing;

import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.agent.internal.ipc.InMemorySessionRepository;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.agent.internal.ipc.SessionRepository;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.agent.internal.secure.InitiatorListener;
import dev.bridgekeeper.agent.internal.secure.NoiseCryptoProvider;
import dev.bridgekeeper.agent.internal.transport.NativeHostBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Java extension (the Noise initiator with its pin store) talking to an agent, either through a
 * real host process started as a browser starts it, or straight to the agent's socket (for tests
 * that need hundreds of connections). Shared by the agent and fault-injection tests.
 */
public final class TestExtension implements AutoCloseable {
    private final IpcClient client;
    private final Ui ui;
    private final SessionRepository pins;
    private final KeyPair key;

    private TestExtension(IpcClient client, Ui ui, SessionRepository pins, KeyPair key) {
        this.client = client;
        this.ui = ui;
        this.pins = pins;
        this.key = key;
    }

    /** What an extension's user interface saw. */
    public static final class Ui implements InitiatorListener {
        public final BlockingQueue<String> codes = new LinkedBlockingQueue<>();
        public final BlockingQueue<String> failures = new LinkedBlockingQueue<>();
        public final BlockingQueue<String> readies = new LinkedBlockingQueue<>();
        /** The messages of {@link #failures}, in the same order. */
        public final BlockingQueue<String> failureMessages = new LinkedBlockingQueue<>();

        @Override
        public void pairingCode(String code) {
            codes.add(code);
        }

        @Override
        public void ready(String desktopName, String desktopVersion) {
            readies.add(desktopName);
        }

        @Override
        public void failed(String code, String message) {
            failureMessages.add(message);
            failures.add(code);
        }
    }

    /**
     * The command a browser would run for this caller: the project's host, in a fast-starting JVM.
     * The host's class path is the system property {@code bridgekeeper.hostJar} when set, else this
     * JVM's class path (which then holds bridgekeeper-host, a dependency of this module).
     */
    public static List<String> hostCommand(String callerId) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("bridgekeeper.hostJar", System.getProperty("java.class.path"));
        return List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", classPath, "dev.bridgekeeper.host.HostMain", callerId);
    }

    /**
     * The command a product's launcher runs: {@link #hostCommand(String)} with the launcher's
     * {@code --host-name=NAME} before the browser's argument, so the host finds that product's socket.
     */
    public static List<String> hostCommand(String hostName, String callerId) {
        List<String> c = new java.util.ArrayList<>(hostCommand(callerId));
        c.add(c.size() - 1, "--host-name=" + hostName);
        return c;
    }

    /**
     * Starts an extension whose host process is started as product {@code hostName}'s launcher
     * starts it, with {@code env} added to this process's environment (e.g. {@code XDG_RUNTIME_DIR});
     * the host works out the socket from the host name, as installed.
     */
    public static TestExtension viaProductHost(String hostName, Map<String, String> env, String callerId)
            throws IOException {
        return start(NativeHostBackend.spawn(hostCommand(hostName, callerId), env), callerId,
                KeyPair.generate(new java.security.SecureRandom()), new InMemorySessionRepository());
    }

    /**
     * Starts an extension with a new key whose frames go through a real host process, as the
     * browser starts it for {@code callerId}; the host connects to the agent at {@code socket}.
     */
    public static TestExtension viaHost(Path socket, String callerId) throws IOException {
        return viaHost(socket, callerId, KeyPair.generate(new java.security.SecureRandom()));
    }

    /** Starts an extension whose frames go through a real host process (which reconnects by itself). */
    public static TestExtension viaHost(Path socket, String callerId, KeyPair key) throws IOException {
        return viaHost(socket, callerId, key, new InMemorySessionRepository());
    }

    /** The same, for an extension that already pinned a desktop key in {@code pins}. */
    public static TestExtension viaHost(Path socket, String callerId, KeyPair key, SessionRepository pins)
            throws IOException {
        return start(NativeHostBackend.spawn(hostCommand(callerId), Map.of("BRIDGEKEEPER_SOCKET", socket.toString())),
                callerId, key, pins);
    }

    /** Starts an extension connected straight to the socket (no host process, no reconnect). */
    public static TestExtension direct(Path socket, String callerId, KeyPair key, SessionRepository pins)
            throws IOException {
        return start(NativeHostBackend.direct(socket, "chromium", callerId), callerId, key, pins);
    }

    private static TestExtension start(NativeHostBackend backend, String callerId, KeyPair key,
            SessionRepository pins) throws IOException {
        Ui ui = new Ui();
        IpcClient client = IpcClient.builder()
                .backend(backend)
                .cryptoProvider(NoiseCryptoProvider.initiator(key, callerId).identity("Test Extension", "1.0.0")
                        .listener(ui).build())
                .sessionRepository(pins)
                // Tests of the agent's limit send more than it takes (bench/memory.sh's oversize case).
                .maxMessageSize(Integer.getInteger("bridgekeeper.testExtension.maxMessageSize", IpcClient.DEFAULT_MAX_MESSAGE_SIZE))
                .build();
        try {
            client.start();
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
        return new TestExtension(client, ui, pins, key);
    }

    public IpcClient client() {
        return client;
    }

    public Ui ui() {
        return ui;
    }

    /** The desktop key this extension pinned at pairing. */
    public SessionRepository pins() {
        return pins;
    }

    public KeyPair key() {
        return key;
    }

    /**
     * The six-digit pairing code this extension shows its user, once the desktop asks for
     * approval; the desktop's user approves it with {@code DesktopBridge.pairings().approve(code)}.
     */
    public int awaitPairingCode(long seconds) throws InterruptedException {
        String code = ui.codes.poll(seconds, TimeUnit.SECONDS);
        if (code == null) {
            String failure = ui.failureMessages.peek();
            throw new IllegalStateException("no pairing code within " + seconds + " s"
                    + (failure == null ? "" : ": " + failure));
        }
        return Integer.parseInt(code.replace(" ", ""));
    }

    /**
     * Calls a method on the desktop ({@code channel.method}) and waits for the result.
     *
     * @throws dev.bridgekeeper.ipc.RpcException (as the cause of the ExecutionException) for an error answer
     */
    public com.fasterxml.jackson.databind.JsonNode call(String method, Object params, long seconds) throws Exception {
        com.fasterxml.jackson.databind.JsonNode p = client.objectMapper().valueToTree(params);
        return client.call(Endpoint.desktop(), method, p).get(seconds, TimeUnit.SECONDS);
    }

    /** A proxy for one of the desktop's typed channels, after checking its version ({@code ipc.discover}). */
    public <T> T channel(Class<T> iface, long seconds) throws Exception {
        return client.requireChannel(iface, Endpoint.desktop()).get(seconds, TimeUnit.SECONDS);
    }

    /** Waits until the session to the desktop is ready (paired), failing after {@code seconds}. */
    public void awaitReady(long seconds) throws Exception {
        client.whenReady(Endpoint.desktop()).get(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        client.close();
    }
}
