package dev.bridgekeeper.agent;

import dev.bridgekeeper.agent.DesktopBridge;
import dev.bridgekeeper.agent.KeyVault;

import dev.bridgekeeper.cli.MainAccess;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.agent.internal.ipc.SessionRepository;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.agent.PairingRequest;
import dev.bridgekeeper.testing.ShortTempDir;
import dev.bridgekeeper.testing.TestExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
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

    /** A Java extension connected through a real host process. */
    record Extension(IpcClient client, TestExtension.Ui ui, SessionRepository pins) {
        void awaitReady() throws Exception {
            client.whenReady(Endpoint.desktop()).get(30, TimeUnit.SECONDS);
        }
    }

    Extension extension() throws IOException {
        return extension(CALLER, KeyPair.generate(RANDOM));
    }

    Extension extension(String callerId, KeyPair key) throws IOException {
        TestExtension e = TestExtension.viaHost(socket, callerId, key);
        owned.add(e);
        return new Extension(e.client(), e.ui(), e.pins());
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
