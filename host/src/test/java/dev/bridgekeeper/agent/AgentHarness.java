package dev.bridgekeeper.agent;

import dev.bridgekeeper.cli.MainAccess;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.ipc.InMemorySessionRepository;
import dev.bridgekeeper.ipc.IpcClient;
import dev.bridgekeeper.ipc.SessionRepository;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.secure.InitiatorListener;
import dev.bridgekeeper.secure.NoiseCryptoProvider;
import dev.bridgekeeper.secure.PairingRequest;
import dev.bridgekeeper.testing.HostProcess;
import dev.bridgekeeper.testing.ShortTempDir;
import dev.bridgekeeper.transport.NativeHostBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real agent ({@link DesktopBridge} on a real socket) and extensions that reach it through real
 * host processes, as a browser starts them.
 */
final class AgentHarness implements AutoCloseable {
    static final String CALLER = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";
    static final String OTHER_CALLER = "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/";
    static final SecureRandom RANDOM = new SecureRandom();

    final ShortTempDir tmp;
    final Path socket;
    final Path dataDir;
    final ScriptedAuthenticator authenticator = new ScriptedAuthenticator();
    final KeyVault vault = new KeyVault();
    final byte[] userKey = new byte[32];
    /** Every pairing request the desktop's user was asked about. */
    final BlockingQueue<PairingRequest> asked = new LinkedBlockingQueue<>();
    volatile boolean autoApprove = true;
    DesktopBridge bridge;
    private final List<AutoCloseable> owned = new ArrayList<>();

    AgentHarness() throws IOException {
        tmp = new ShortTempDir();
        socket = tmp.resolve("agent.sock");
        dataDir = tmp.resolve("data");
        RANDOM.nextBytes(userKey);
    }

    /** Starts (or restarts) the agent on the same socket and data directory. */
    AgentHarness start(Consumer<DesktopBridge.Builder> config) throws IOException {
        DesktopBridge.Builder b = DesktopBridge.builder()
                .socketPath(socket)
                .dataDirectory(dataDir)
                .allowCaller(CALLER)
                .authenticator(authenticator)
                .keyVault(vault)
                .onUnlockRequest(() -> vault.unlock(System.getProperty("user.name"), userKey))
                .pairingApprover(r -> {
                    asked.add(r);
                    return autoApprove ? CompletableFuture.completedFuture(true) : new CompletableFuture<>();
                });
        config.accept(b);
        bridge = b.build();
        bridge.start();
        vault.unlock(System.getProperty("user.name"), userKey);
        return this;
    }

    AgentHarness start() throws IOException {
        return start(b -> {});
    }

    /** What an extension's user interface saw. */
    static final class Ui implements InitiatorListener {
        final BlockingQueue<String> codes = new LinkedBlockingQueue<>();
        final BlockingQueue<String> failures = new LinkedBlockingQueue<>();
        final BlockingQueue<String> readies = new LinkedBlockingQueue<>();

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
            failures.add(code);
        }
    }

    /** A Java extension connected through a real host process. */
    record Extension(IpcClient client, Ui ui, SessionRepository pins) {
        void awaitReady() throws Exception {
            client.whenReady(Endpoint.desktop()).get(30, TimeUnit.SECONDS);
        }
    }

    Extension extension() throws IOException {
        return extension(CALLER, KeyPair.generate(RANDOM));
    }

    Extension extension(String callerId, KeyPair key) throws IOException {
        Ui ui = new Ui();
        SessionRepository pins = new InMemorySessionRepository();
        NativeHostBackend host = NativeHostBackend.spawn(List.of(HostProcess.javaBinary(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xshare:auto", "-cp", System.getProperty("bridgekeeper.classes"),
                "dev.bridgekeeper.cli.Main", "host", callerId), Map.of("BRIDGEKEEPER_SOCKET", socket.toString()));
        IpcClient client = IpcClient.builder()
                .backend(host)
                .cryptoProvider(NoiseCryptoProvider.initiator(key, callerId).identity("Test Extension", "1.0.0")
                        .listener(ui).build())
                .sessionRepository(pins)
                .build();
        owned.add(client);
        client.start();
        return new Extension(client, ui, pins);
    }

    /** Runs a {@code bridgekeeper} CLI command in this JVM against this agent; returns exit code and output. */
    MainAccess.Result cli(String... args) {
        String[] withSocket = new String[args.length + 2];
        System.arraycopy(args, 0, withSocket, 0, args.length);
        withSocket[args.length] = "--socket";
        withSocket[args.length + 1] = socket.toString();
        return MainAccess.run(withSocket);
    }

    void stopAgent() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : owned) {
            c.close();
        }
        stopAgent();
        tmp.close();
    }
}
