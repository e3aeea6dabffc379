package dev.bridgekeeper.testing;

import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.ipc.InMemorySessionRepository;
import dev.bridgekeeper.ipc.IpcClient;
import dev.bridgekeeper.ipc.SessionRepository;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.secure.InitiatorListener;
import dev.bridgekeeper.secure.NoiseCryptoProvider;
import dev.bridgekeeper.transport.NativeHostBackend;
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

    /** The command a browser would run for this caller: the project's host, in a fast-starting JVM. */
    public static List<String> hostCommand(String callerId) {
        return List.of(HostProcess.javaBinary(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", System.getProperty("bridgekeeper.classes"), "dev.bridgekeeper.cli.Main", "host", callerId);
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

    /** Waits until the session to the desktop is ready (paired), failing after {@code seconds}. */
    public void awaitReady(long seconds) throws Exception {
        client.whenReady(Endpoint.desktop()).get(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        client.close();
    }
}
