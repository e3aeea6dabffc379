package dev.bridgekeeper.agent.internal.secure;

import dev.bridgekeeper.protocol.Limits;
import dev.bridgekeeper.agent.internal.ipc.AppIdentity;
import dev.bridgekeeper.agent.PairingApprover;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridgekeeper.protocol.Version;
import dev.bridgekeeper.protocol.framing.Frames;
import dev.bridgekeeper.agent.internal.ipc.ConnectionInfo;
import dev.bridgekeeper.agent.internal.ipc.CryptoProvider;
import dev.bridgekeeper.agent.internal.ipc.JsonLimits;
import dev.bridgekeeper.noise.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The real {@link CryptoProvider}: PROTOCOL.md §3–5. Each connection runs its own
 * Noise_XX_25519_AESGCM_SHA256 handshake (prologue {@code bridgekeeper/1 } + caller id), then
 * carries IPC messages in {@code secure} envelopes. On the desktop (responder) an unknown
 * extension goes through first-contact pairing with commitment and a six-digit code, approved by
 * the application's {@link PairingApprover}; a known one gets {@code session.ready} at once. On the
 * extension side (initiator, the Java twin of the sample extension) the desktop's key is pinned at
 * pairing and checked on every later handshake.
 *
 * <p>Any failure (a handshake step that does not verify or comes out of order, a deadline, a
 * piece that does not decrypt) is fatal for that connection only: the session sends an
 * {@code error} envelope and closes it.
 *
 * <p>{@link CryptoProvider.Session#send} before the handshake has produced keys throws
 * {@link dev.bridgekeeper.agent.internal.ipc.IpcException}: nothing is queued in the clear.
 */
public final class NoiseCryptoProvider implements CryptoProvider {
    /** The protocol name this provider speaks. */
    public static final String PROTOCOL_NAME = "Noise_XX_25519_AESGCM_SHA256";

    final KeyPair identity;
    final String name;
    final String version;
    final PairingApprover approver;
    final InitiatorListener listener;
    final String ownCallerId;
    final Duration handshakeTimeout;
    final Duration pairingTimeout;
    final RateLimiter pairingLimiter;
    final ScheduledExecutorService scheduler;
    final SecureRandom random;
    final Clock clock;
    final java.util.function.Supplier<KeyPair> ephemeralKeys;
    /**
     * Envelopes fit in one frame, so no string in them can be longer than a frame; a frame holds
     * exactly one JSON object (PROTOCOL.md §1), so anything after it is refused, not ignored.
     */
    final ObjectMapper json = JsonLimits.mapper(Frames.DEFAULT_MAX_FRAME)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final boolean responder;
    /** Live responder sessions, so a revoked pairing can be told and disconnected. */
    final java.util.Set<ResponderSession> liveSessions = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private NoiseCryptoProvider(Builder b) {
        this.responder = b.responder;
        this.identity = b.identity;
        this.name = b.appIdentity.name();
        this.version = b.appIdentity.version();
        this.approver = b.approver;
        this.listener = b.listener;
        this.ownCallerId = b.callerId;
        this.handshakeTimeout = b.handshakeTimeout;
        this.pairingTimeout = b.pairingTimeout;
        this.pairingLimiter = b.pairingLimiter != null ? b.pairingLimiter
                : new RateLimiter(Limits.PAIRINGS_PER_MINUTE, TimeUnit.MINUTES.toNanos(1));
        this.scheduler = b.scheduler != null ? b.scheduler : sharedScheduler();
        this.random = b.random;
        this.clock = b.clock;
        this.ephemeralKeys = b.ephemeralKeys;
    }

    /** The desktop side: answers handshakes and pairs extensions. */
    public static Builder responder(KeyPair identity) {
        return new Builder(true, identity);
    }

    /** The extension side: starts handshakes as {@code callerId} and pins the desktop's key. */
    public static Builder initiator(KeyPair identity, String callerId) {
        Builder b = new Builder(false, identity);
        b.callerId = Objects.requireNonNull(callerId, "callerId");
        return b;
    }

    @Override
    public Session open(ConnectionInfo info, SessionIo io) {
        if (info.initiator() == responder) {
            throw new IllegalStateException("a " + (responder ? "responder" : "initiator")
                    + " provider was given a connection of the other role");
        }
        NoiseSession s = responder ? new ResponderSession(this, io) : new InitiatorSession(this, io);
        s.start();
        return s;
    }

    /**
     * Tells every live session of the extension with this key fingerprint that its pairing was
     * revoked ({@code pairing.revoked}, PROTOCOL.md §6) and closes it. Remove the pairing from
     * the store first, or the extension would be recognised again on its next handshake.
     *
     * @return how many connections were closed
     */
    public int revoke(String keyFingerprint) {
        int n = 0;
        for (ResponderSession s : liveSessions) {
            if (s.revokeIfKey(keyFingerprint)) {
                n++;
            }
        }
        return n;
    }

    /** The prologue both sides mix in: binds the handshake to the caller id the browser vouched for. */
    static byte[] prologue(String callerId) {
        return ("bridgekeeper/" + Version.PROTOCOL + " " + callerId).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static volatile ScheduledExecutorService shared;

    /** Deadlines of all sessions share one daemon timer thread. */
    private static ScheduledExecutorService sharedScheduler() {
        if (shared == null) {
            synchronized (NoiseCryptoProvider.class) {
                if (shared == null) {
                    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
                        Thread t = Executors.defaultThreadFactory().newThread(r);
                        t.setDaemon(true);
                        t.setName("bridgekeeper-deadlines");
                        return t;
                    });
                    s.setRemoveOnCancelPolicy(true);
                    shared = s;
                }
            }
        }
        return shared;
    }

    /** Configures a provider; see {@link #responder} and {@link #initiator}. */
    public static final class Builder {
        private final boolean responder;
    /** Live responder sessions, so a revoked pairing can be told and disconnected. */
    final java.util.Set<ResponderSession> liveSessions = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final KeyPair identity;
        private AppIdentity appIdentity = new AppIdentity("Bridgekeeper", Version.VERSION);
        private PairingApprover approver = PairingApprover.REJECT_ALL;
        private InitiatorListener listener = InitiatorListener.NONE;
        private String callerId;
        private Duration handshakeTimeout = Duration.ofSeconds(Limits.HANDSHAKE_TIMEOUT_SECONDS);
        private Duration pairingTimeout = Duration.ofSeconds(Limits.PAIRING_APPROVAL_SECONDS);
        private RateLimiter pairingLimiter;
        private ScheduledExecutorService scheduler;
        private SecureRandom random = new SecureRandom();
        private Clock clock = Clock.systemUTC();
        private java.util.function.Supplier<KeyPair> ephemeralKeys;

        private Builder(boolean responder, KeyPair identity) {
            this.responder = responder;
            this.identity = Objects.requireNonNull(identity, "identity");
        }

        /** This side's name and version, sent in its handshake payload. */
        public Builder identity(String name, String version) {
            this.appIdentity = new AppIdentity(name, version);
            return this;
        }

        /** Responder: who decides on first-contact pairings (default: reject all). */
        public Builder approver(PairingApprover approver) {
            this.approver = Objects.requireNonNull(approver);
            return this;
        }

        /** Initiator: where pairing codes and failures go. */
        public Builder listener(InitiatorListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** Deadline for the three handshake steps (default 10 s). */
        public Builder handshakeTimeout(Duration d) {
            this.handshakeTimeout = requirePositive(d);
            return this;
        }

        /** Deadline for a pairing from commit to the user's answer (default 120 s). */
        public Builder pairingTimeout(Duration d) {
            this.pairingTimeout = requirePositive(d);
            return this;
        }

        /** Limit on pairing attempts across all connections (default 5 a minute). */
        public Builder pairingLimiter(RateLimiter limiter) {
            this.pairingLimiter = Objects.requireNonNull(limiter);
            return this;
        }

        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler);
            return this;
        }

        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random);
            return this;
        }

        /** Wall clock for pairing timestamps. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Tests only: where each handshake's ephemeral key comes from (default: fresh from
         * SecureRandom). Deterministic keys make golden transcripts reproducible; in production
         * they would destroy forward secrecy.
         */
        public Builder ephemeralKeysForTesting(java.util.function.Supplier<KeyPair> keys) {
            this.ephemeralKeys = Objects.requireNonNull(keys);
            return this;
        }

        public NoiseCryptoProvider build() {
            return new NoiseCryptoProvider(this);
        }

        private static Duration requirePositive(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration must be positive");
            }
            return d;
        }
    }
}
