package dev.bridgekeeper.agent.internal.ipc;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridgekeeper.protocol.Limits;
import dev.bridgekeeper.protocol.Version;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The options of an {@link IpcClient}, set through {@link IpcClient.Builder}; {@code backend} and
 * {@code cryptoProvider} are required.
 *
 * @param <B> the builder type, returned by every option for chaining
 */
public abstract class IpcClientOptions<B extends IpcClientOptions<B>> {
    /**
     * Default number of accepted connections that may be not ready at once: 128, or the system
     * property {@code bridgekeeper.maxConnectionsNotReady}.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_NOT_READY =
            Math.max(1, Integer.getInteger("bridgekeeper.maxConnectionsNotReady", 128));

    CommunicationBackend backend;
    CryptoProvider cryptoProvider;
    SessionRepository sessionRepository;
    Executor executor;
    ObjectMapper objectMapper;
    Duration defaultDeadline = IpcClient.DEFAULT_DEADLINE;
    int maxMessageSize = IpcClient.DEFAULT_MAX_MESSAGE_SIZE;
    int subscriberQueueSize = IpcClient.DEFAULT_SUBSCRIBER_QUEUE_SIZE;
    int maxConcurrentRequests = IpcClient.DEFAULT_MAX_CONCURRENT_REQUESTS;
    int maxConnectionsNotReady = DEFAULT_MAX_CONNECTIONS_NOT_READY;
    AppIdentity identity = new AppIdentity("bridgekeeper", Version.VERSION);

    /** Required: moves frames. The client owns it and closes it. */
    public B backend(CommunicationBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        return self();
    }

    /** Required: secures each connection. There is deliberately no default. */
    public B cryptoProvider(CryptoProvider cryptoProvider) {
        this.cryptoProvider = Objects.requireNonNull(cryptoProvider, "cryptoProvider");
        return self();
    }

    /** Where pairings live; default an {@link InMemorySessionRepository}. */
    public B sessionRepository(SessionRepository sessionRepository) {
        this.sessionRepository = Objects.requireNonNull(sessionRepository, "sessionRepository");
        return self();
    }

    /**
     * Runs RPC handlers; default an internal pool that grows as needed. A supplied executor is
     * not shut down by the client. It must run tasks on other threads and should not be
     * smaller than the number of handlers expected to wait at once (a full executor answers
     * {@code rate_limited}).
     */
    public B executor(Executor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        return self();
    }

    /**
 * JSON mapper for payloads, params and results; default one that ignores unknown fields and
 * applies {@link JsonLimits} (a replacement should set its own read constraints).
 */
    public B objectMapper(ObjectMapper objectMapper) {
        this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
        return self();
    }

    /**
     * Deadline of calls that set none, and of handlers whose method sets none; default {@link
     * IpcClient#DEFAULT_DEADLINE} (75 s).
     */
    public B defaultDeadline(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive");
        }
        this.defaultDeadline = deadline;
        return self();
    }

    /** Largest IPC message accepted or sent, in bytes; default 64 MiB. */
    public B maxMessageSize(int bytes) {
        if (bytes < Limits.MIN_CONFIGURABLE_MESSAGE_BYTES) {
            throw new IllegalArgumentException("maxMessageSize must be at least 1024 bytes");
        }
        this.maxMessageSize = bytes;
        return self();
    }

    /**
     * Accepted connections whose session is not ready yet (in its handshake or waiting for a
     * pairing) that may exist at once; one more is closed at once, with a log line, and ready
     * sessions are never affected. Each such connection holds the transport's threads, so this
     * bounds what an unauthenticated peer can take. Default {@link
     * #DEFAULT_MAX_CONNECTIONS_NOT_READY}. Connections this side makes are not counted.
     */
    public B maxConnectionsNotReady(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("maxConnectionsNotReady must be at least 1");
        }
        this.maxConnectionsNotReady = count;
        return self();
    }

    /** Queue length of each subscriber; default 256. */
    public B subscriberQueueSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("subscriberQueueSize must be at least 1");
        }
        this.subscriberQueueSize = size;
        return self();
    }

    /** Requests one connection may have in progress before it gets {@code rate_limited}; default 64. */
    public B maxConcurrentRequests(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("maxConcurrentRequests must be at least 1");
        }
        this.maxConcurrentRequests = count;
        return self();
    }

    /** Name and version that {@code ipc.discover} reports; default "bridgekeeper" and the product version. */
    public B identity(String name, String version) {
        this.identity = new AppIdentity(name, version);
        return self();
    }

    IpcClientOptions() {}

    abstract B self();
}
