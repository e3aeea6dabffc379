package dev.bridgekeeper.agent;

import dev.bridgekeeper.protocol.Limits;
import dev.bridgekeeper.agent.internal.ipc.AppIdentity;
import dev.bridgekeeper.agent.internal.AdminService;
import dev.bridgekeeper.agent.internal.BiometricChannel;
import dev.bridgekeeper.agent.internal.BiometricService;
import dev.bridgekeeper.agent.internal.PendingPairings;
import dev.bridgekeeper.agent.internal.PromptGate;
import dev.bridgekeeper.agent.internal.SocketBackend;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bridgekeeper.protocol.Version;
import dev.bridgekeeper.biometrics.Authenticator;
import dev.bridgekeeper.biometrics.Authenticators;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.ipc.RequestContext;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.agent.internal.secure.IdentityStore;
import dev.bridgekeeper.agent.internal.secure.KeyStorage;
import dev.bridgekeeper.agent.internal.secure.NoiseCryptoProvider;
import dev.bridgekeeper.agent.internal.secure.PairingStore;
import dev.bridgekeeper.agent.internal.secure.RateLimiter;
import dev.bridgekeeper.agent.internal.ipc.Topics;
import dev.bridgekeeper.ipc.IncomingMessage;
import dev.bridgekeeper.ipc.IpcChannel;
import dev.bridgekeeper.ipc.Subscription;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desktop side of Bridgekeeper, embedded in a Java desktop application.
 *
 * <pre>{@code
 * DesktopBridge bridge = DesktopBridge.builder()
 *         .product(new ProductIdentity("com.example.vault", "Example Vault"))  // socket + data folder
 *         .allowCaller("chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/")
 *         .pairingApprover(request -> myDialog.ask(request))   // or approve with the CLI
 *         .build();
 * bridge.start();
 * bridge.keyVault().unlock(user, vaultKey);                   // when the app unlocks
 * bridge.publish("app.changed", payload);                       // events to every paired extension
 * }</pre>
 *
 * <p>It owns the socket (one per OS user and {@link ProductIdentity product}), checks each peer (same OS user, caller on the
 * allow-list), runs the Noise handshake and pairing per connection, serves the {@code biometric}
 * channel and the application's own channels, and answers the admin commands of the
 * {@code bridgekeeper} CLI. Connections are independent: one slow or broken connection never
 * stalls another.
 *
 * <p>Lifecycle: {@link State#NEW} → {@link #start()} → {@link State#STARTED} → {@link #close()} →
 * {@link State#CLOSED}. A closed bridge cannot be started again; build a new one.
 */
public final class DesktopBridge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DesktopBridge.class);

    /** Where a bridge is in its life. */
    public enum State { NEW, STARTED, CLOSED }

    final BridgeConfig config;
    final KeyVault vault;
    final PendingPairings pending = new PendingPairings();
    private final BridgeControl control = new BridgeControl(this);
    PairingStore store;
    KeyStorage keyStorage;
    NoiseCryptoProvider crypto;
    private SocketBackend backend;
    private IpcClient ipc;
    private State state = State.NEW;

    private DesktopBridge(BridgeConfig config) {
        this.config = config;
        this.vault = config.vault() != null ? config.vault() : new KeyVault();
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
     * @throws IllegalStateException if already started or closed
     */
    public synchronized void start() throws IOException {
        if (state != State.NEW) {
            throw new IllegalStateException(state == State.STARTED ? "already started"
                    : "this bridge was closed; build a new DesktopBridge to serve again");
        }
        keyStorage = KeyStorage.open(config.dataDirectory(), config.secretStore());
        KeyPair identity = IdentityStore.loadOrCreate(keyStorage);
        store = PairingStore.open(keyStorage);
        crypto = NoiseCryptoProvider.responder(identity)
                .identity(config.name(), config.version())
                .approver(pending.approver(config.approver()))
                .pairingTimeout(config.pairingTimeout())
                .pairingLimiter(new RateLimiter(config.pairingsPerMinute(), TimeUnit.MINUTES.toNanos(1)))
                .build();
        AdminService admin = new AdminService(control);
        backend = new SocketBackend(config.allSockets(), config.allowedCallers(), config.name(), admin::serve);
        ipc = IpcClient.builder().backend(backend).cryptoProvider(crypto).sessionRepository(store)
                .identity(config.name(), config.version())
                .maxMessageSize(config.maxMessageSize())
                .maxConcurrentRequests(config.maxConcurrentRequests())
                .build();
        if (config.activity() != null) {
            BridgeActivityFeed.watch(ipc, pending, config.activity());
        }
        Authenticator auth = config.authenticator() != null ? config.authenticator() : Authenticators.forName("auto");
        BiometricService.Shared shared = new BiometricService.Shared(auth, vault, new PromptGate(config.promptsPerMinute()),
                System.getProperty("user.name"), config.promptTimeout(), backend::parentWindow);
        ipc.registerChannel(BiometricChannel.class, ctx -> new BiometricService(shared, ctx));
        for (BridgeConfig.ChannelRegistration<?> r : config.channels()) {
            r.register(ipc);
        }
        IpcClient events = ipc;
        vault.addListener(lockedNow -> {
            if (!events.isClosed()) {
                events.publish(lockedNow ? Topics.DESKTOP_LOCKED : Topics.DESKTOP_UNLOCKED,
                        JsonNodeFactory.instance.objectNode(), Endpoint.all());
            }
        });
        try {
            ipc.start();
        } catch (IOException | RuntimeException e) {
            ipc.close();
            throw e;
        }
        state = State.STARTED;
        log.info("{} {} serving {} allowed caller(s) on {}", config.name(), config.version(), config.allowedCallers().size(),
                backend.path());
    }

    /** Where this bridge is in its life. */
    public synchronized State state() {
        return state;
    }

    /** Publishes an application event to every paired connection; returns how many it reached. */
    public int publish(String topic, Object payload) {
        return publish(topic, payload, Endpoint.all());
    }

    /** Publishes an application event to one connection (or {@link Endpoint#all()}). */
    public int publish(String topic, Object payload, Endpoint to) {
        return control.ipc().publish(topic, payload, to);
    }

    /**
     * Receives the messages extensions publish on {@code topic} (not RPC: serve calls with
     * {@link Builder#registerChannel}). Each subscriber has its own bounded queue; close the
     * subscription to stop.
     */
    public Subscription subscribe(String topic, Consumer<IncomingMessage> subscriber) {
        return control.ipc().subscribe(topic, subscriber);
    }

    /** How many extensions are connected right now (paired or still handshaking). */
    public int connectionCount() {
        IpcClient c = ipc;
        return c == null ? 0 : c.connections().size();
    }

    /** The approved pairings and the requests waiting for an answer. */
    public Pairings pairings() {
        return control;
    }

    public KeyVault keyVault() {
        return vault;
    }

    /** The product this bridge serves. */
    public ProductIdentity product() {
        return config.product();
    }

    /** The socket the host connects to. */
    public Path socketPath() {
        return backend != null ? backend.path() : config.socketPath();
    }

    /** Stops serving, closes every connection and locks the vault (zeroing its keys). */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        if (ipc != null) {
            ipc.close();
        }
        if (backend != null) {
            backend.close();
        }
        vault.close();
        state = State.CLOSED;
    }

    /** The IPC client; for this project's own tests (same package), not part of the API. */
    IpcClient ipc() {
        return ipc;
    }

    /**
     * Configures a {@link DesktopBridge}. Each setter checks its value and fails at once with a
     * message that names the option; {@link #build()} checks what needs several options.
     */
    public static final class Builder {
        private ProductIdentity product = ProductIdentity.DEFAULT;
        private Path socketPath;
        private final List<Path> extraSockets = new ArrayList<>();
        private Path dataDirectory;
        private final Set<String> allowedCallers = new LinkedHashSet<>();
        private PairingApprover approver;
        private Authenticator authenticator;
        private KeyVault vault;
        private String name = "Bridgekeeper";
        private String version = Version.VERSION;
        private Duration pairingTimeout = Duration.ofSeconds(Limits.PAIRING_APPROVAL_SECONDS);
        private Duration promptTimeout = Duration.ofSeconds(Limits.PROMPT_TIMEOUT_SECONDS);
        private int promptsPerMinute = Limits.PROMPTS_PER_MINUTE_PER_USER;
        private int pairingsPerMinute = Limits.PAIRINGS_PER_MINUTE;
        private int maxMessageSize = Limits.MAX_MESSAGE_BYTES;
        private int maxConcurrentRequests = Limits.MAX_CONCURRENT_REQUESTS_PER_CONNECTION;
        private Runnable unlockRequest;
        private final List<BridgeConfig.ChannelRegistration<?>> channels = new ArrayList<>();
        private Consumer<BridgeActivity> activity;
        private SecretStore secretStore;

        private Builder() {}

        /**
         * The product this bridge serves (default {@link ProductIdentity#DEFAULT}): its socket and
         * data directory follow from it unless {@link #socketPath} or {@link #dataDirectory} are set.
         * The installer registers the same host name with the browsers (install.sh --host-name).
         */
        public Builder product(ProductIdentity p) {
            this.product = Objects.requireNonNull(p, "product");
            return this;
        }

        /** Shorthand for {@link #product} with a host name and a display name. */
        public Builder hostName(String hostName, String displayName) {
            return product(new ProductIdentity(hostName, displayName));
        }

        /** The socket (default: the product's per-user path, the one its host looks for). */
        public Builder socketPath(Path p) {
            this.socketPath = Objects.requireNonNull(p, "socketPath");
            return this;
        }

        /**
         * Also listens here: for sandboxed browsers (Flatpak) that cannot see the main socket; the
         * installer points their launcher at {@code ~/.var/app/<app>/data/bridgekeeper/agent.sock}.
         */
        public Builder alsoListenOn(Path p) {
            this.extraSockets.add(Objects.requireNonNull(p, "alsoListenOn"));
            return this;
        }

        /** Where the identity key and pairings live (default: the product's data directory; created 0700). */
        public Builder dataDirectory(Path d) {
            this.dataDirectory = Objects.requireNonNull(d, "dataDirectory");
            return this;
        }

        /** An extension allowed to connect: {@code chrome-extension://<id>/} or {@code moz-extension:<id>}. */
        public Builder allowCaller(String callerId) {
            this.allowedCallers.add(BridgeConfig.requireCallerId(callerId));
            return this;
        }

        /** The application's pairing dialog; pairings can also be approved through {@link DesktopBridge#pairings()}. */
        public Builder pairingApprover(PairingApprover a) {
            this.approver = a;
            return this;
        }

        /** Who verifies the user (default: the best for this OS). */
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
            AppIdentity identity = new AppIdentity(name, version);
            this.name = identity.name();
            this.version = identity.version();
            return this;
        }

        /** How long a pairing request waits for the user (default 120 s, the protocol's limit). */
        public Builder pairingTimeout(Duration d) {
            this.pairingTimeout = BridgeConfig.requirePositive(d, "pairingTimeout");
            return this;
        }

        /** How long an OS prompt may wait for the user (default 60 s). */
        public Builder promptTimeout(Duration d) {
            this.promptTimeout = BridgeConfig.requirePositive(d, "promptTimeout");
            return this;
        }

        /** At most this many OS prompts a minute per user (default 10). */
        public Builder promptsPerMinute(int n) {
            this.promptsPerMinute = BridgeConfig.requirePositive(n, "promptsPerMinute");
            return this;
        }

        /** At most this many first-contact pairings a minute, all connections together (default 5). */
        public Builder pairingsPerMinute(int n) {
            this.pairingsPerMinute = BridgeConfig.requirePositive(n, "pairingsPerMinute");
            return this;
        }

        /** The largest IPC message accepted (default 64 MiB). */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = BridgeConfig.requirePositive(bytes, "maxMessageSize");
            return this;
        }

        /** Requests in progress per connection before more get {@code rate_limited} (default 64). */
        public Builder maxConcurrentRequests(int n) {
            this.maxConcurrentRequests = BridgeConfig.requirePositive(n, "maxConcurrentRequests");
            return this;
        }

        /** What {@code bridgekeeper unlock} does: the application unlocks its vault (default: refused). */
        public Builder onUnlockRequest(Runnable r) {
            this.unlockRequest = r;
            return this;
        }

        /**
         * Hears what happens on the bridge (connections, pairing requests and answers, calls with
         * their method and outcome; never payloads or keys), for an activity view or audit log.
         * Runs on connection threads: return quickly, hand UI work to the UI thread.
         */
        public Builder onActivity(Consumer<BridgeActivity> listener) {
            this.activity = listener;
            return this;
        }

        /**
         * Serves one of the application's typed channels: {@code iface} carries {@link IpcChannel},
         * {@code factory} makes the implementation for each call's {@link RequestContext}.
         */
        public <T> Builder registerChannel(Class<T> iface, Function<RequestContext, ? extends T> factory) {
            channels.add(BridgeConfig.ChannelRegistration.of(iface, factory));
            return this;
        }

        /**
         * Where the identity's private key and the pairing store's key are sealed (default: the OS's
         * own: Secret Service, Keychain or DPAPI). When it is unavailable at start, the keys stay
         * in files protected by their mode, which the log and {@code bridgekeeper status} report.
         */
        public Builder secretStore(SecretStore s) {
            this.secretStore = Objects.requireNonNull(s, "secretStore");
            return this;
        }

        /** Checks the options together and makes the bridge (not started yet). */
        public DesktopBridge build() {
            if (allowedCallers.isEmpty()) {
                throw new IllegalStateException("allow at least one caller (extension) id with allowCaller");
            }
            return new DesktopBridge(new BridgeConfig(product, socketPath != null ? socketPath : product.socketPath(),
                    List.copyOf(extraSockets), dataDirectory != null ? dataDirectory : product.dataDirectory(),
                    Collections.unmodifiableSet(new LinkedHashSet<>(allowedCallers)), approver, authenticator, vault,
                    name, version, pairingTimeout, promptTimeout, promptsPerMinute, pairingsPerMinute, maxMessageSize,
                    maxConcurrentRequests, unlockRequest, List.copyOf(channels), activity, secretStore));
        }
    }
}
