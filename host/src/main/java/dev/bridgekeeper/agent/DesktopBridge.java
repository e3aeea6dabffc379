package dev.bridgekeeper.agent;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bridgekeeper.Version;
import dev.bridgekeeper.biometrics.Authenticator;
import dev.bridgekeeper.biometrics.Authenticators;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.ipc.IpcClient;
import dev.bridgekeeper.ipc.PairingRecord;
import dev.bridgekeeper.ipc.rpc.RequestContext;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.secure.IdentityStore;
import dev.bridgekeeper.secure.NoiseCryptoProvider;
import dev.bridgekeeper.secure.PairingApprover;
import dev.bridgekeeper.secure.PairingStore;
import dev.bridgekeeper.transport.SocketPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desktop side of Bridgekeeper, embeddable in a Java desktop application.
 *
 * <pre>{@code
 * DesktopBridge bridge = DesktopBridge.builder()
 *         .dataDirectory(appDataDir.resolve("bridgekeeper"))
 *         .allowCaller("chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/")
 *         .pairingApprover(request -> myDialog.ask(request))   // or approve from the CLI
 *         .build();
 * bridge.start();
 * bridge.keyVault().unlock(user, vaultKey);                   // when the app unlocks
 * bridge.publish("app.changed", payload);                       // events to every paired extension
 * }</pre>
 *
 * <p>It owns the socket (one per OS user), checks each peer (same OS user, caller on the
 * allow-list), runs the Noise handshake and pairing per connection, serves the {@code biometric}
 * channel and the application's own channels, and answers the admin commands of the
 * {@code bridgekeeper} CLI. Connections are independent: one slow or broken connection never
 * stalls another.
 */
public final class DesktopBridge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DesktopBridge.class);

    private final Builder config;
    private final KeyVault vault;
    private final PendingPairings pending = new PendingPairings();
    private PairingStore store;
    private NoiseCryptoProvider crypto;
    private SocketBackend backend;
    private IpcClient ipc;
    private volatile boolean started;

    private DesktopBridge(Builder b) {
        this.config = b;
        this.vault = b.vault != null ? b.vault : new KeyVault();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads (or creates) the desktop identity and the pairings, binds the socket and starts
     * serving.
     *
     * @throws IOException if the data directory or socket cannot be used (another agent running,
     *                     a damaged store file: the message says what to do)
     */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        KeyPair identity = IdentityStore.loadOrCreate(config.dataDirectory);
        store = PairingStore.open(config.dataDirectory);
        NoiseCryptoProvider.Builder cb = NoiseCryptoProvider.responder(identity)
                .identity(config.name, config.version)
                .approver(pending.approver(config.approver))
                .pairingTimeout(config.pairingTimeout)
                .pairingLimiter(new dev.bridgekeeper.secure.RateLimiter(config.pairingsPerMinute,
                        java.util.concurrent.TimeUnit.MINUTES.toNanos(1)));
        crypto = cb.build();
        AdminService admin = new AdminService(this);
        List<Path> sockets = new ArrayList<>();
        sockets.add(config.socketPath);
        sockets.addAll(config.extraSockets);
        backend = new SocketBackend(sockets, config.allowedCallers, config.name, admin::serve);
        IpcClient.Builder ib = IpcClient.builder()
                .backend(backend)
                .cryptoProvider(crypto)
                .sessionRepository(store)
                .identity(config.name, config.version);
        if (config.maxMessageSize > 0) {
            ib.maxMessageSize(config.maxMessageSize);
        }
        if (config.maxConcurrentRequests > 0) {
            ib.maxConcurrentRequests(config.maxConcurrentRequests);
        }
        ipc = ib.build();
        Authenticator auth = config.authenticator != null ? config.authenticator : Authenticators.forName("auto");
        BiometricService.Shared shared = new BiometricService.Shared(auth, vault, new PromptGate(config.promptsPerMinute),
                System.getProperty("user.name"), config.promptTimeout, this::parentWindowOf);
        ipc.registerChannel(BiometricChannel.class, ctx -> new BiometricService(shared, ctx));
        for (ChannelRegistration<?> r : config.channels) {
            r.register(ipc);
        }
        vault.addListener(lockedNow -> publishToAll(lockedNow ? "desktop.locked" : "desktop.unlocked"));
        ipc.start();
        started = true;
        log.info("{} {} serving {} allowed caller(s) on {}", config.name, config.version, config.allowedCallers.size(),
                backend.path());
    }

    private void publishToAll(String topic) {
        if (ipc != null && !ipc.isClosed()) {
            ipc.publish(topic, JsonNodeFactory.instance.objectNode(), Endpoint.all());
        }
    }

    private long parentWindowOf(String connectionId) {
        Hello.Extension h = backend.hello(connectionId);
        return h == null ? -1 : h.parentWindow();
    }

    /** Publishes an application event to every paired connection; returns how many it reached. */
    public int publish(String topic, Object payload) {
        return ipc.publish(topic, payload, Endpoint.all());
    }

    /** Publishes an application event to one connection (or {@link Endpoint#all()}). */
    public int publish(String topic, Object payload, Endpoint to) {
        return ipc.publish(topic, payload, to);
    }

    /**
     * Revokes a pairing: removes it from the store, tells its live connections
     * ({@code pairing.revoked}) and closes them. The extension must pair again.
     *
     * @return how many connections were closed, or -1 if no pairing has this id
     */
    public int revoke(String pairingId) {
        Optional<PairingRecord> r = store.findById(pairingId);
        if (r.isEmpty() || !store.remove(pairingId)) {
            return -1;
        }
        log.info("pairing {} ('{}') revoked", pairingId, r.get().name());
        return crypto.revoke(r.get().fingerprint());
    }

    /** Asks the application to unlock (the CLI's {@code unlock}); see {@link Builder#onUnlockRequest}. */
    void requestUnlock() {
        if (config.unlockRequest == null) {
            throw new IllegalArgumentException("this desktop app unlocks itself; unlock it in its own window");
        }
        config.unlockRequest.run();
    }

    public KeyVault keyVault() {
        return vault;
    }

    /** Pairing requests waiting for an answer; approve or reject them by code. */
    public PendingPairings pendingPairings() {
        return pending;
    }

    /** The approved pairings. */
    public PairingStore pairingStore() {
        return store;
    }

    /** The IPC client, for registering handlers, subscribing, calling extensions. */
    public IpcClient ipc() {
        return ipc;
    }

    public Path socketPath() {
        return backend != null ? backend.path() : config.socketPath;
    }

    /** Stops serving, closes every connection and locks the vault (zeroing its keys). */
    @Override
    public synchronized void close() {
        if (ipc != null) {
            ipc.close();
        }
        if (backend != null) {
            backend.close();
        }
        vault.close();
        started = false;
    }

    private record ChannelRegistration<T>(Class<T> iface, Function<RequestContext, ? extends T> factory) {
        void register(IpcClient c) {
            c.registerChannel(iface, factory);
        }
    }

    /** Configures a {@link DesktopBridge}. */
    public static final class Builder {
        private Path socketPath = SocketPaths.defaultPath();
        private final List<Path> extraSockets = new ArrayList<>();
        private Path dataDirectory;
        private final Set<String> allowedCallers = new LinkedHashSet<>();
        private PairingApprover approver;
        private Authenticator authenticator;
        private KeyVault vault;
        private String name = "Bridgekeeper";
        private String version = Version.VERSION;
        private Duration pairingTimeout = Duration.ofSeconds(120);
        private Duration promptTimeout = Duration.ofSeconds(60);
        private int promptsPerMinute = 10;
        private int pairingsPerMinute = 5;
        private int maxMessageSize;
        private int maxConcurrentRequests;
        private Runnable unlockRequest;
        private final List<ChannelRegistration<?>> channels = new ArrayList<>();

        /** The socket (default: the per-user path of {@link SocketPaths}). */
        public Builder socketPath(Path p) {
            this.socketPath = Objects.requireNonNull(p);
            return this;
        }

        /**
         * Also listens here: for sandboxed browsers (Flatpak) that cannot see the main socket; the
         * installer points their launcher at {@code ~/.var/app/<app>/data/bridgekeeper/agent.sock}.
         */
        public Builder alsoListenOn(Path p) {
            this.extraSockets.add(Objects.requireNonNull(p));
            return this;
        }

        /** Where the identity key and pairings live (required; created 0700). */
        public Builder dataDirectory(Path d) {
            this.dataDirectory = Objects.requireNonNull(d);
            return this;
        }

        /** An extension allowed to connect: {@code chrome-extension://<id>/} or {@code moz-extension:<id>}. */
        public Builder allowCaller(String callerId) {
            this.allowedCallers.add(Objects.requireNonNull(callerId));
            return this;
        }

        /** The application's pairing dialog; pairings can also be approved with the CLI. */
        public Builder pairingApprover(PairingApprover a) {
            this.approver = a;
            return this;
        }

        /** Who verifies the user (default: the best for this OS, see {@code Authenticators}). */
        public Builder authenticator(Authenticator a) {
            this.authenticator = a;
            return this;
        }

        /** The vault whose keys {@code biometric.unlock} releases (default: a new empty, locked one). */
        public Builder keyVault(KeyVault v) {
            this.vault = v;
            return this;
        }

        /** This desktop app's name and version, as extensions see them. */
        public Builder identity(String name, String version) {
            this.name = Objects.requireNonNull(name);
            this.version = Objects.requireNonNull(version);
            return this;
        }

        public Builder pairingTimeout(Duration d) {
            this.pairingTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** How long an OS prompt may wait for the user (default 60 s). */
        public Builder promptTimeout(Duration d) {
            this.promptTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** At most this many OS prompts a minute per user (default 10). */
        public Builder promptsPerMinute(int n) {
            this.promptsPerMinute = n;
            return this;
        }

        /** At most this many first-contact pairings a minute, all connections together (default 5, PROTOCOL.md §5). */
        public Builder pairingsPerMinute(int n) {
            this.pairingsPerMinute = n;
            return this;
        }

        /** The largest IPC message accepted (default 64 MiB). */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        /** Requests in progress per connection before more get {@code rate_limited} (default 64). */
        public Builder maxConcurrentRequests(int n) {
            this.maxConcurrentRequests = n;
            return this;
        }

        /** What {@code bridgekeeper unlock} does: the application unlocks its vault (default: refused). */
        public Builder onUnlockRequest(Runnable r) {
            this.unlockRequest = r;
            return this;
        }

        /** Serves one of the application's typed channels. */
        public <T> Builder registerChannel(Class<T> iface, Function<RequestContext, ? extends T> factory) {
            channels.add(new ChannelRegistration<>(iface, factory));
            return this;
        }

        public DesktopBridge build() {
            if (dataDirectory == null) {
                throw new IllegalStateException("a data directory is required");
            }
            if (allowedCallers.isEmpty()) {
                throw new IllegalStateException("allow at least one caller (extension) id");
            }
            return new DesktopBridge(this);
        }
    }
}
