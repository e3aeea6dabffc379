package dev.bridgekeeper.bench;

import dev.bridgekeeper.agent.DesktopBridge;
import dev.bridgekeeper.agent.PairingApprover;
import dev.bridgekeeper.agent.internal.ipc.InMemorySessionRepository;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.agent.internal.ipc.IpcMetrics;
import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.agent.internal.ipc.SessionRepository;
import dev.bridgekeeper.agent.internal.secure.IdentityStore;
import dev.bridgekeeper.agent.internal.secure.NoiseCryptoProvider;
import dev.bridgekeeper.agent.internal.secure.PairingStore;
import dev.bridgekeeper.agent.internal.transport.NativeHostBackend;
import dev.bridgekeeper.biometrics.NoAuthenticator;
import dev.bridgekeeper.noise.KeyPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The real thing: a {@link DesktopBridge} on a private socket, and extensions that reach it
 * through real {@code bridgekeeper host} processes over pipes, as browsers start them. The
 * extension is already paired, so every connection is a pairing-free reconnect.
 *
 * <p>The first {@link #HOSTED} connections go through host processes; any beyond that connect
 * straight to the agent's socket (same frames, same hello), because a thousand host JVMs do not
 * fit on a two-core machine. {@link #describe()} says so in every report.
 */
final class AgentBridge implements EndToEnd.Bridge {
    static final String CALLER = InProcessBridge.CALLER;
    static final int HOSTED = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Path socket;
    private final KeyPair extensionKey = KeyPair.generate(RANDOM);
    private final byte[] desktopPublicKey;
    private final DesktopBridge bridge;
    private final int maxMessageSize;
    private final AtomicInteger connections = new AtomicInteger();
    private final OpenExtensions extensions = new OpenExtensions();

    AgentBridge(int maxMessageSize) throws IOException {
        this.maxMessageSize = maxMessageSize;
        dir = Files.createTempDirectory(Path.of("/tmp"), "bkbench");
        socket = dir.resolve("agent.sock");
        Path data = dir.resolve("data");
        desktopPublicKey = IdentityStore.loadOrCreate(data).publicKey();
        PairingStore.open(data).save(new PairingRecord("bench", "Bench Extension", CALLER, extensionKey.publicKey(),
                Instant.now(), null));
        bridge = DesktopBridge.builder()
                .socketPath(socket)
                .dataDirectory(data)
                .allowCaller(CALLER)
                .identity("Bench Desktop", "1.0.0")
                .pairingApprover(PairingApprover.REJECT_ALL)
                .authenticator(new NoAuthenticator("benchmark"))
                .maxMessageSize(maxMessageSize)
                .maxConcurrentRequests(1024)
                .registerChannel(BenchChannel.class, ctx -> BenchChannel.SERVICE)
                .build();
        bridge.start();
    }

    @Override
    public String describe() {
        return "real agent (DesktopBridge on a Unix socket) + Noise XX; connections 1-" + HOSTED
                + " through real host processes over pipes, later ones straight to the socket";
    }

    @Override
    public int publish(String topic, Object payload) {
        return bridge.publish(topic, payload);
    }

    @Override
    public int connectionCount() {
        return bridge.connectionCount();
    }

    /** The embedded agent does not expose its counters; the extension side's are still checked. */
    @Override
    public Optional<IpcMetrics> desktopMetrics() {
        return Optional.empty();
    }

    @Override
    public IpcClient connect() throws Exception {
        NativeHostBackend backend;
        if (connections.incrementAndGet() <= HOSTED) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            backend = NativeHostBackend.spawn(List.of(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                    "-cp", System.getProperty("java.class.path"), "dev.bridgekeeper.cli.Main", "host", CALLER),
                    Map.of("BRIDGEKEEPER_SOCKET", socket.toString()));
        } else {
            backend = NativeHostBackend.direct(socket, "chromium", CALLER);
        }
        SessionRepository pins = new InMemorySessionRepository();
        pins.save(new PairingRecord("desktop", "Bench Desktop", CALLER, desktopPublicKey, Instant.now(), null));
        IpcClient client = IpcClient.builder()
                .backend(backend)
                .cryptoProvider(NoiseCryptoProvider.initiator(extensionKey, CALLER)
                        .identity("Bench Extension", "1.0.0").build())
                .sessionRepository(pins)
                .maxMessageSize(maxMessageSize)
                .maxConcurrentRequests(1024)
                .build();
        return extensions.start(client, 60);
    }

    @Override
    public void disconnect(IpcClient extension) {
        extensions.close(extension);
    }

    @Override
    public void close() {
        extensions.closeAll();
        bridge.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temp directory is harmless.
        }
    }
}
