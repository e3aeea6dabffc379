package dev.bridgekeeper.bench;

import dev.bridgekeeper.agent.PairingApprover;
import dev.bridgekeeper.agent.internal.ipc.CryptoProvider;
import dev.bridgekeeper.agent.internal.ipc.InMemorySessionRepository;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.agent.internal.ipc.IpcMetrics;
import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.agent.internal.ipc.SessionRepository;
import dev.bridgekeeper.agent.internal.secure.NoiseCryptoProvider;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.testing.InMemoryHub;
import dev.bridgekeeper.testing.NoEncryptionCryptoProvider;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;

/**
 * A desktop and its extensions in one JVM: {@link IpcClient}s over an {@link InMemoryHub}, with
 * the real Noise XX provider on both sides (the extension already paired, so a connection is a
 * pairing-free reconnect) or with no encryption (to see what the crypto costs).
 *
 * <p>It isolates the protocol's own cost; {@link AgentBridge} measures the same through a real
 * agent and real host processes.
 */
final class InProcessBridge implements EndToEnd.Bridge {
    static final String CALLER = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final boolean encrypted;
    private final InMemoryHub hub = new InMemoryHub();
    private final KeyPair desktopKey = KeyPair.generate(RANDOM);
    private final KeyPair extensionKey = KeyPair.generate(RANDOM);
    private final SessionRepository desktopPairings = new InMemorySessionRepository();
    private final IpcClient desktop;
    private final OpenExtensions extensions = new OpenExtensions();

    InProcessBridge(boolean encrypted, int maxMessageSize) throws IOException {
        this.encrypted = encrypted;
        this.maxMessageSize = maxMessageSize;
        CryptoProvider crypto = encrypted
                ? NoiseCryptoProvider.responder(desktopKey).identity("Bench Desktop", "1.0.0")
                        .approver(PairingApprover.REJECT_ALL).build()
                : new NoEncryptionCryptoProvider();
        desktopPairings.save(new PairingRecord("bench", "Bench Extension", CALLER, extensionKey.publicKey(),
                Instant.now(), null));
        desktop = IpcClient.builder().backend(hub.desktop()).cryptoProvider(crypto)
                .sessionRepository(desktopPairings).identity("Bench Desktop", "1.0.0")
                .maxMessageSize(maxMessageSize).maxConcurrentRequests(1024).build();
        desktop.registerChannel(BenchChannel.class, ctx -> BenchChannel.SERVICE);
        desktop.start();
    }

    private final int maxMessageSize;

    @Override
    public String describe() {
        return encrypted ? "in-process, Noise XX (IpcClient over InMemoryHub)" : "in-process, no encryption";
    }

    @Override
    public int publish(String topic, Object payload) {
        return desktop.publish(topic, payload, Endpoint.all());
    }

    @Override
    public int connectionCount() {
        return desktop.connections().size();
    }

    @Override
    public Optional<IpcMetrics> desktopMetrics() {
        return Optional.of(desktop.metrics());
    }

    @Override
    public IpcClient connect() throws Exception {
        CryptoProvider crypto;
        SessionRepository pins = new InMemorySessionRepository();
        if (encrypted) {
            crypto = NoiseCryptoProvider.initiator(extensionKey, CALLER).identity("Bench Extension", "1.0.0").build();
            pins.save(new PairingRecord("desktop", "Bench Desktop", CALLER, desktopKey.publicKey(), Instant.now(), null));
        } else {
            crypto = new NoEncryptionCryptoProvider();
        }
        InMemoryHub.ClientBackend backend = hub.connect(new InMemoryHub.PeerDetails(CALLER, "chromium", "bench", 1L));
        IpcClient client = IpcClient.builder().backend(backend).cryptoProvider(crypto).sessionRepository(pins)
                .identity("Bench Extension", "1.0.0").maxMessageSize(maxMessageSize).maxConcurrentRequests(1024)
                .build();
        return extensions.start(client, 30);
    }

    @Override
    public void disconnect(IpcClient extension) {
        extensions.close(extension);
    }

    @Override
    public void close() {
        extensions.closeAll();
        desktop.close();
        hub.close();
    }
}
