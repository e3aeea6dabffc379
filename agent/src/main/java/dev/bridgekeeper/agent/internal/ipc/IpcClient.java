package dev.bridgekeeper.agent.internal.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.agent.internal.rpc.Channels;
import dev.bridgekeeper.agent.internal.rpc.RpcCaller;
import dev.bridgekeeper.agent.internal.rpc.RpcHandler;
import dev.bridgekeeper.agent.internal.rpc.RpcServer;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.ipc.IncomingMessage;
import dev.bridgekeeper.ipc.RequestContext;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;
import dev.bridgekeeper.ipc.Source;
import dev.bridgekeeper.ipc.Subscription;
import dev.bridgekeeper.protocol.Limits;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of Bridgekeeper IPC: publish/subscribe, events, RPC and typed channels over any {@link
 * CommunicationBackend}, secured by a {@link CryptoProvider}, with trust kept in a {@link
 * SessionRepository}. The same class serves the desktop (many connections) and the extension side
 * (one connection, {@link Endpoint#desktop()}).
 *
 * <pre>{@code
 * IpcClient ipc = IpcClient.builder()
 *         .backend(backend).cryptoProvider(crypto).sessionRepository(pairings)
 *         .build();
 * ipc.registerChannel(BiometricChannel.class, ctx -> new BiometricService(ctx));
 * ipc.start();
 * ...
 * ipc.close();
 * }</pre>
 *
 * <p><b>Threads.</b> Frames are handled on the backend's threads. Handlers run on the configured
 * executor (by default an internal pool that grows as needed), each request independently, so a
 * slow one never holds up others. Each subscriber has its own bounded queue drained by its own
 * task (see {@link #subscribe(String, Consumer)}). Call futures complete on an internal pool, never
 * on a backend thread. All threads are daemon threads; {@link #close()} stops them.
 *
 * <p><b>Pairing.</b> Until a connection's crypto session reports it ready ({@link
 * CryptoProvider.SessionIo#ready}), its events are dropped (counted in {@link #metrics()}), its
 * requests other than {@code ipc.discover} are answered {@code not_paired}, and this side sends it
 * nothing but {@code ipc.discover} calls and RPC answers.
 */
public final class IpcClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IpcClient.class);

    /** Default RPC deadline: longer than the 60 s an OS biometric prompt may take. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(Limits.RPC_DEFAULT_DEADLINE_SECONDS);
    /** Default largest IPC message accepted and sent (PROTOCOL.md §4): 64 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = Limits.MAX_MESSAGE_BYTES;
    /** Default queue length of each subscriber. */
    public static final int DEFAULT_SUBSCRIBER_QUEUE_SIZE = 256;
    /** Default number of requests one connection may have in progress. */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = Limits.MAX_CONCURRENT_REQUESTS_PER_CONNECTION;

    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int CLOSED = 2;

    private final CommunicationBackend backend;
    private final SessionRepository sessions;
    private final ObjectMapper mapper;
    private final Duration defaultDeadline;
    private final ExecutorService workers;
    private final ScheduledThreadPoolExecutor timer;
    private final RpcCaller caller;
    private final RpcServer server;

    private final AtomicInteger state = new AtomicInteger(NEW);
    private final ConnectionTable connections = new ConnectionTable();
    private final SubscriptionRegistry subscriptions;
    private final InboundRouter inbound;
    private final OutboundPath outbound;

    private IpcClient(Builder b) {
        this.backend = Objects.requireNonNull(b.backend, "backend is required");
        CryptoProvider cryptoProvider = Objects.requireNonNull(b.cryptoProvider, "cryptoProvider is required");
        this.sessions = b.sessionRepository != null ? b.sessionRepository : new InMemorySessionRepository();
        int maxMessageSize = b.maxMessageSize;
        this.mapper = b.objectMapper != null ? b.objectMapper : JsonLimits.messageMapper(maxMessageSize);
        IpcCodec codec = new IpcCodec(mapper);
        this.defaultDeadline = b.defaultDeadline;

        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), new DaemonThreads("bridgekeeper-ipc"));
        this.timer = new ScheduledThreadPoolExecutor(1, new DaemonThreads("bridgekeeper-ipc-timer"));
        timer.setRemoveOnCancelPolicy(true);
        Executor handlers = b.executor != null ? b.executor : workers;
        this.outbound = new OutboundPath(connections, codec, maxMessageSize);
        this.caller = new RpcCaller(workers, timer, outbound::sendTo);
        this.server = new RpcServer(mapper, handlers, timer, defaultDeadline, b.maxConcurrentRequests,
                b.identity.name(), b.identity.version(),
                (connectionId, response) -> outbound.sendTo(connectionId, Topics.RPC_RESPONSE, response));
        this.subscriptions = new SubscriptionRegistry(b.subscriberQueueSize, workers);
        this.inbound = new InboundRouter(new InboundRouter.Parts(connections, backend, cryptoProvider, sessions,
                maxMessageSize, b.maxConnectionsNotReady, codec, caller, server, subscriptions, this::isClosed,
                this::runOnWorkers));
    }

    /** A builder; {@code backend} and {@code cryptoProvider} are required. */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Starts the backend; connections are served from now on. Register handlers and subscribers
     * before this so that no early message finds them missing.
     *
     * @throws IOException if the backend cannot start (the client is then closed)
     * @throws IllegalStateException if already started or closed
     */
    public void start() throws IOException {
        if (!state.compareAndSet(NEW, STARTED)) {
            throw new IllegalStateException(state.get() == CLOSED ? "the IPC client is closed" : "already started");
        }
        try {
            backend.start(inbound);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Stops everything, promptly and idempotently: pending calls fail at once with {@link
     * IpcClosedException}; running handlers are cancelled (their requests are not answered);
     * sessions and the backend are closed; queued events are discarded; threads stop.
     */
    @Override
    public void close() {
        if (state.getAndSet(CLOSED) == CLOSED) {
            return;
        }
        caller.close();
        server.close();
        connections.failWaiters();
        for (IpcConnection c : new ArrayList<>(connections.all())) {
            c.closeSession();
        }
        try {
            backend.close();
        } catch (RuntimeException e) {
            log.warn("closing the backend failed: {}", e.getClass().getName(), e);
        }
        subscriptions.closeAll();
        timer.shutdownNow();
        workers.shutdownNow();
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return state.get() == CLOSED;
    }

    // ---------------------------------------------------------------- publish / subscribe

    /**
     * Subscribes to an application topic. Messages are delivered in arrival order, one at a time,
     * on a pool thread, from this subscriber's own queue ({@code subscriberQueueSize} long). A
     * subscriber that is slow or never returns stalls only itself: when its queue is full further
     * messages are dropped <i>for it alone</i>, counted in {@link Subscription#dropped()} and
     * {@link IpcMetrics#subscriberDrops()}, and logged at WARN (topic and count, never payload).
     *
     * @throws IllegalArgumentException if the topic is malformed or reserved
     */
    public Subscription subscribe(String topic, Consumer<IncomingMessage> subscriber) {
        Topics.requireApplicationTopic(topic);
        Objects.requireNonNull(subscriber, "subscriber");
        requireNotClosed();
        return subscriptions.subscribe(topic, subscriber);
    }

    /**
     * Subscribes with the payload converted to {@code type} by Jackson. A payload that does not fit
     * is dropped, counted as malformed and logged (without payload).
     */
    public <T> Subscription subscribe(String topic, Class<T> type, BiConsumer<? super T, Source> subscriber) {
        return subscribe(topic, SubscriptionRegistry.converting(type, subscriber, mapper, inbound::countMalformed));
    }

    /**
     * Publishes an event. To {@link Endpoint#all()} it goes to every ready connection (for the
     * extension side, the desktop) and returns how many; to one endpoint it returns 1.
     *
     * @param payload any value Jackson can write, a {@link JsonNode}, or null
     * @throws IllegalArgumentException if the topic is malformed or reserved
     * @throws MessageTooLargeException if the message is over the maximum message size
     * @throws IpcException if the one endpoint is not connected or not paired
     */
    public int publish(String topic, Object payload, Endpoint destination) {
        return publish(new OutgoingMessage(topic, OutboundPath.tree(mapper, payload), destination));
    }

    /** Publishes a prepared message; see {@link #publish(String, Object, Endpoint)}. */
    public int publish(OutgoingMessage message) {
        Objects.requireNonNull(message, "message");
        requireStarted();
        return outbound.publish(message);
    }

    // ---------------------------------------------------------------- RPC

    /** Calls a method with the default deadline; see {@link #call(Endpoint, String, JsonNode, Duration)}. */
    public CompletableFuture<JsonNode> call(Endpoint target, String method, JsonNode params) {
        return call(target, method, params, null);
    }

    /**
     * Calls a method on one endpoint. The future completes with the result, or fails with:
     * {@link RpcException} for an error answer, {@code timeout} when {@code deadline} passes (an
     * {@code rpc.cancel} is sent), {@code not_paired} before the session is ready (except {@code
     * ipc.discover}), {@code too_large} for an oversized request; {@link IpcException} when there
     * is no connection or it closes first; {@link IpcClosedException} when this client closes.
     * Cancelling the returned future sends {@code rpc.cancel}.
     *
     * @param params a JSON object, or null
     * @param deadline how long to wait; null means the client's default
     * @throws IllegalArgumentException for {@link Endpoint#all()}, non-object params, a bad deadline
     */
    public CompletableFuture<JsonNode> call(Endpoint target, String method, JsonNode params, Duration deadline) {
        Duration effective = RpcCaller.checkCall(target, method, params, deadline != null ? deadline : defaultDeadline);
        if (state.get() != STARTED) {
            return CompletableFuture.failedFuture(state.get() == CLOSED
                    ? new IpcClosedException("the IPC client is closed")
                    : new IpcException("the IPC client is not started"));
        }
        IpcConnection c = connections.resolve(target);
        if (c == null) {
            return CompletableFuture.failedFuture(new IpcException("no connection to " + target));
        }
        if (!c.isReady() && !method.equals(RpcServer.DISCOVER)) {
            return CompletableFuture.failedFuture(
                    new RpcException(RpcErrorCode.NOT_PAIRED, "the session with " + target + " is not paired yet"));
        }
        ObjectNode objectParams = params instanceof ObjectNode o ? o : null;
        return caller.call(c.id(), method, objectParams, effective);
    }

    /**
     * Registers the handler of one method; see {@link RpcHandler} and {@link RequestContext}.
     *
     * @throws IllegalStateException if the method already has a handler (or is {@code ipc.discover})
     */
    public void register(String method, RpcHandler handler) {
        server.register(method, handler);
    }

    /**
     * Serves a typed channel: every method of {@code iface} (an {@link dev.bridgekeeper.ipc.IpcChannel}
     * interface). For each request {@code implFactory} gets its {@link RequestContext} (caller,
     * deadline, cancellation) and returns the implementation to run; return a shared instance
     * ({@code ctx -> service}) when the caller does not matter. The channel and its version are
     * listed by {@code ipc.discover}.
     *
     * @throws IllegalArgumentException if {@code iface} is not a well-formed channel
     * @throws IllegalStateException if the channel or one of its methods is already registered
     */
    public <T> void registerChannel(Class<T> iface, Function<RequestContext, ? extends T> implFactory) {
        server.registerChannel(iface, implFactory);
    }

    /**
     * A proxy of a typed channel on {@code target}. Each interface method makes one call (with the
     * method's {@code @IpcDeadline} or the default deadline) and returns its typed result; it does
     * not check versions (see {@link #requireChannel}).
     */
    public <T> T channel(Class<T> iface, Endpoint target) {
        return Channels.proxy(iface, target, this::invoke, mapper);
    }

    /**
     * Checks with {@code ipc.discover} that {@code target} serves a compatible version of the
     * channel (same major, minor at least this interface's) and then yields the proxy; otherwise
     * fails with {@code version_mismatch}.
     */
    public <T> CompletableFuture<T> requireChannel(Class<T> iface, Endpoint target) {
        return Channels.require(iface, target, this::invoke, mapper);
    }

    /** Calls {@code ipc.discover} on {@code target} (allowed before pairing). */
    public CompletableFuture<JsonNode> discover(Endpoint target) {
        return call(target, RpcServer.DISCOVER, null);
    }

    private CompletableFuture<JsonNode> invoke(Endpoint target, String method, ObjectNode params, Duration deadline) {
        return call(target, method, params, deadline);
    }

    // ---------------------------------------------------------------- connections

    /**
     * Completes with the endpoint's source once a connection to it is ready (paired), at once if it
     * already is. Fails with {@link IpcClosedException} if the client closes first.
     */
    public CompletableFuture<Source> whenReady(Endpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (endpoint instanceof Endpoint.All) {
            throw new IllegalArgumentException("wait for one endpoint, not Endpoint.all()");
        }
        return connections.whenReady(endpoint, this::isClosed);
    }

    /** The sources of all open connections, paired or not. */
    public List<Source> connections() {
        return connections.sources();
    }

    /** Adds a listener of connection events. */
    public void addConnectionListener(ConnectionListener listener) {
        inbound.addListener(listener);
    }

    /** Sets who hears how each served request ended (method and outcome only). */
    public void observeCalls(dev.bridgekeeper.agent.internal.rpc.RpcServer.CallObserver observer) {
        server.observe(observer);
    }

    /** Removes a listener added before. */
    public void removeConnectionListener(ConnectionListener listener) {
        inbound.removeListener(listener);
    }

    /** Counters of messages not delivered, so that nothing is lost silently. */
    public IpcMetrics metrics() {
        return new IpcMetrics(subscriptions.drops(), inbound.unpairedDrops(), inbound.reservedTopicDrops(),
                inbound.malformedMessages(), inbound.oversizedMessages(), caller.unknownResponses(),
                server.duplicateRequests(), server.handlerFailures());
    }

    /** The JSON mapper used for payloads, params and results. */
    public ObjectMapper objectMapper() {
        return mapper;
    }

    /** The pairing store this client hands to its crypto sessions. */
    public SessionRepository sessionRepository() {
        return sessions;
    }

    // ---------------------------------------------------------------- helpers

    private void requireNotClosed() {
        if (isClosed()) {
            throw new IpcClosedException("the IPC client is closed");
        }
    }

    private void requireStarted() {
        requireNotClosed();
        if (state.get() != STARTED) {
            throw new IllegalStateException("the IPC client is not started");
        }
    }

    private void runOnWorkers(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** Configures an {@link IpcClient}; the options are those of {@link IpcClientOptions}. */
    public static final class Builder extends IpcClientOptions<Builder> {
        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /** Builds the client (not started). */
        public IpcClient build() {
            return new IpcClient(this);
        }
    }
}
