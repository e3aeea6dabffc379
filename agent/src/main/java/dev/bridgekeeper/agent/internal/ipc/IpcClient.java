package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.ipc.IncomingMessage;
import dev.bridgekeeper.ipc.Source;
import dev.bridgekeeper.ipc.Subscription;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.protocol.Version;
import dev.bridgekeeper.agent.internal.rpc.Channels;
import dev.bridgekeeper.ipc.RequestContext;
import dev.bridgekeeper.agent.internal.rpc.RpcCaller;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;
import dev.bridgekeeper.agent.internal.rpc.RpcHandler;
import dev.bridgekeeper.agent.internal.rpc.RpcServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
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
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(75);
    /** Default largest IPC message accepted and sent (PROTOCOL.md §4): 64 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;
    /** Default queue length of each subscriber. */
    public static final int DEFAULT_SUBSCRIBER_QUEUE_SIZE = 256;
    /** Default number of requests one connection may have in progress. */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 64;

    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int CLOSED = 2;

    private final CommunicationBackend backend;
    private final CryptoProvider cryptoProvider;
    private final SessionRepository sessions;
    private final ObjectMapper mapper;
    private final IpcCodec codec;
    private final Duration defaultDeadline;
    private final int maxMessageSize;
    private final int subscriberQueueSize;

    private final ExecutorService workers;
    private final ScheduledThreadPoolExecutor timer;
    private final RpcCaller caller;
    private final RpcServer server;

    private final AtomicInteger state = new AtomicInteger(NEW);
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final AtomicReference<Connection> desktop = new AtomicReference<>();
    private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
    private final List<ReadyWaiter> readyWaiters = new ArrayList<>();

    private final LongAdder subscriberDrops = new LongAdder();
    private final LongAdder unpairedDrops = new LongAdder();
    private final LongAdder reservedTopicDrops = new LongAdder();
    private final LongAdder malformedMessages = new LongAdder();
    private final LongAdder oversizedMessages = new LongAdder();

    private IpcClient(Builder b) {
        this.backend = Objects.requireNonNull(b.backend, "backend is required");
        this.cryptoProvider = Objects.requireNonNull(b.cryptoProvider, "cryptoProvider is required");
        this.sessions = b.sessionRepository != null ? b.sessionRepository : new InMemorySessionRepository();
        this.maxMessageSize = b.maxMessageSize;
        this.mapper = b.objectMapper != null ? b.objectMapper : defaultMapper(maxMessageSize);
        this.codec = new IpcCodec(mapper);
        this.defaultDeadline = b.defaultDeadline;
        this.subscriberQueueSize = b.subscriberQueueSize;

        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), new DaemonThreads("bridgekeeper-ipc"));
        this.timer = new ScheduledThreadPoolExecutor(1, new DaemonThreads("bridgekeeper-ipc-timer"));
        timer.setRemoveOnCancelPolicy(true);
        Executor handlers = b.executor != null ? b.executor : workers;
        this.caller = new RpcCaller(workers, timer, this::sendTo);
        this.server = new RpcServer(mapper, handlers, timer, defaultDeadline, b.maxConcurrentRequests,
                b.name, b.version, (connectionId, response) -> sendTo(connectionId, Topics.RPC_RESPONSE, response));
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
            backend.start(new BackendListener());
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
        synchronized (readyWaiters) {
            readyWaiters.forEach(w -> w.future.completeExceptionally(new IpcClosedException("the IPC client is closed")));
            readyWaiters.clear();
        }
        for (Connection c : new ArrayList<>(connections.values())) {
            c.closeSession();
        }
        try {
            backend.close();
        } catch (RuntimeException e) {
            log.warn("closing the backend failed: {}", e.getClass().getName(), e);
        }
        for (List<Subscriber> list : new ArrayList<>(subscribers.values())) {
            new ArrayList<>(list).forEach(Subscriber::close);
        }
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
        AtomicReference<Subscriber> self = new AtomicReference<>();
        Subscriber s = new Subscriber(topic, subscriber, subscriberQueueSize, workers, subscriberDrops,
                () -> subscribers.computeIfPresent(topic, (t, list) -> {
                    list.remove(self.get());
                    return list.isEmpty() ? null : list;
                }));
        self.set(s);
        subscribers.compute(topic, (t, list) -> {
            List<Subscriber> l = list != null ? list : new CopyOnWriteArrayList<>();
            l.add(s);
            return l;
        });
        return s;
    }

    /**
     * Subscribes with the payload converted to {@code type} by Jackson. A payload that does not fit
     * is dropped, counted as malformed and logged (without payload).
     */
    public <T> Subscription subscribe(String topic, Class<T> type, BiConsumer<? super T, Source> subscriber) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subscriber, "subscriber");
        return subscribe(topic, message -> {
            T value;
            try {
                value = mapper.treeToValue(message.payload(), type);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                malformedMessages.increment();
                log.warn("event '{}' from {} does not fit {}; dropped",
                        topic, message.source().endpoint(), type.getSimpleName());
                return;
            }
            subscriber.accept(value, message.source());
        });
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
        return publish(new OutgoingMessage(topic, toJson(payload), destination));
    }

    /** Publishes a prepared message; see {@link #publish(String, Object, Endpoint)}. */
    public int publish(OutgoingMessage message) {
        Objects.requireNonNull(message, "message");
        requireStarted();
        byte[] bytes = encode(message.topic(), message.payload());
        if (message.destination() instanceof Endpoint.All) {
            int sent = 0;
            for (Connection c : connections.values()) {
                if (c.isReady()) {
                    try {
                        c.send(bytes.clone());
                        sent++;
                    } catch (IpcException e) {
                        log.debug("event '{}' not sent to {}: {}", message.topic(), c.id(), e.getMessage());
                    }
                }
            }
            return sent;
        }
        Connection c = resolve(message.destination());
        if (c == null) {
            throw new IpcException("no connection to " + message.destination());
        }
        if (!c.isReady()) {
            throw new IpcException(message.destination() + " is not paired yet");
        }
        c.send(bytes);
        return 1;
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
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(method, "method");
        if (target instanceof Endpoint.All) {
            throw new IllegalArgumentException("a call goes to one endpoint, not Endpoint.all()");
        }
        if (!Topics.isWellFormed(method)) {
            throw new IllegalArgumentException("malformed method name");
        }
        if (params != null && !params.isNull() && !params.isObject()) {
            throw new IllegalArgumentException("params must be a JSON object or null");
        }
        Duration effective = deadline != null ? deadline : defaultDeadline;
        if (effective.isNegative() || effective.isZero()) {
            throw new IllegalArgumentException("deadline must be positive");
        }
        if (state.get() != STARTED) {
            return CompletableFuture.failedFuture(state.get() == CLOSED
                    ? new IpcClosedException("the IPC client is closed")
                    : new IpcException("the IPC client is not started"));
        }
        Connection c = resolve(target);
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
        CompletableFuture<Source> future = new CompletableFuture<>();
        synchronized (readyWaiters) {
            if (isClosed()) {
                future.completeExceptionally(new IpcClosedException("the IPC client is closed"));
                return future;
            }
            Connection c = resolve(endpoint);
            if (c != null && c.isReady()) {
                future.complete(c.source);
            } else {
                readyWaiters.add(new ReadyWaiter(endpoint, future));
            }
        }
        return future;
    }

    /** The sources of all open connections, paired or not. */
    public List<Source> connections() {
        List<Source> all = new ArrayList<>();
        connections.values().forEach(c -> all.add(c.source));
        return all;
    }

    /** Adds a listener of connection events. */
    public void addConnectionListener(ConnectionListener listener) {
        connectionListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener added before. */
    public void removeConnectionListener(ConnectionListener listener) {
        connectionListeners.remove(listener);
    }

    /** Counters of messages not delivered, so that nothing is lost silently. */
    public IpcMetrics metrics() {
        return new IpcMetrics(subscriberDrops.sum(), unpairedDrops.sum(), reservedTopicDrops.sum(),
                malformedMessages.sum(), oversizedMessages.sum(), caller.unknownResponses(),
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

    // ---------------------------------------------------------------- inbound path

    /** Receives the backend's events; kept out of the public API. */
    private final class BackendListener implements CommunicationBackend.Listener {
        @Override
        public void opened(ConnectionInfo info) {
            if (info == null) {
                log.warn("backend reported a connection without info; ignored");
                return;
            }
            String id = info.connectionId();
            if (isClosed()) {
                backend.close(id);
                return;
            }
            Connection c = new Connection(info);
            if (connections.putIfAbsent(id, c) != null) {
                log.warn("backend reported connection {} twice; ignored", id);
                return;
            }
            if (info.initiator()) {
                Connection previous = desktop.getAndSet(c);
                if (previous != null) {
                    log.warn("a new desktop connection {} replaces {}", id, previous.id());
                    backend.close(previous.id());
                }
            }
            CryptoProvider.Session session;
            try {
                session = Objects.requireNonNull(cryptoProvider.open(info, c), "session");
            } catch (RuntimeException e) {
                log.warn("crypto provider refused connection {}: {}", id, e.getClass().getName());
                backend.close(id);
                return;
            }
            // Listeners hear "opened" before "ready", even when the session was ready at once.
            PeerIdentity readyDuringOpen = c.attach(session);
            notifyListeners(l -> l.opened(c.source));
            if (readyDuringOpen != null) {
                markReady(c, readyDuringOpen);
            }
            if (isClosed()) {
                c.closeSession();
                backend.close(id);
            }
        }

        @Override
        public void frame(String connectionId, byte[] frame) {
            Connection c = connections.get(connectionId);
            if (c == null || c.session == null || frame == null) {
                log.debug("frame for unknown connection {} dropped", connectionId);
                return;
            }
            try {
                c.session.onFrame(frame);
            } catch (RuntimeException e) {
                log.warn("closing {}: its session failed on a frame of {} bytes ({})",
                        connectionId, frame.length, e.getClass().getName());
                log.debug("session failure on {}", connectionId, e);
                backend.close(connectionId);
            }
        }

        @Override
        public void closed(String connectionId) {
            Connection c = connections.remove(connectionId);
            if (c == null) {
                return;
            }
            c.closed = true;
            desktop.compareAndSet(c, null);
            caller.connectionClosed(connectionId);
            server.connectionClosed(connectionId);
            c.closeSession();
            notifyListeners(l -> l.closed(c.source));
        }
    }

    private void onPlaintext(Connection c, byte[] plaintext) {
        if (isClosed() || c.closed) {
            return;
        }
        if (plaintext.length > maxMessageSize) {
            rejectOversized(c, plaintext);
            return;
        }
        WireMessage message;
        try {
            message = codec.decode(plaintext);
        } catch (IpcCodec.MalformedMessageException e) {
            malformedMessages.increment();
            log.warn("malformed IPC message of {} bytes on {}: {}", plaintext.length, c.id(), e.getMessage());
            server.reject(c.id(), null, e.notJson() ? RpcErrorCode.PARSE_ERROR : RpcErrorCode.INVALID_REQUEST,
                    e.getMessage());
            return;
        }
        Source source = c.source;
        String topic = message.topic();
        switch (topic) {
            case Topics.RPC_REQUEST:
                server.onRequest(c.id(), source, message.payload());
                return;
            case Topics.RPC_RESPONSE:
                caller.onResponse(c.id(), message.payload());
                return;
            case Topics.RPC_CANCEL:
                server.onCancel(c.id(), message.payload());
                return;
            default:
                break;
        }
        if (Topics.isCryptoProviderTopic(topic)) {
            reservedTopicDrops.increment();
            log.debug("'{}' on {} reached the client instead of the crypto session; dropped", topic, c.id());
            return;
        }
        if (!source.paired()) {
            unpairedDrops.increment();
            log.debug("event '{}' from unpaired {} dropped", topic, c.id());
            return;
        }
        List<Subscriber> list = subscribers.get(topic);
        if (list != null) {
            IncomingMessage incoming = new IncomingMessage(topic, message.payload(), source);
            list.forEach(s -> s.offer(incoming));
        }
    }

    /** PROTOCOL.md §4: an oversized request gets {@code too_large}; anything else closes the connection. */
    private void rejectOversized(Connection c, byte[] plaintext) {
        oversizedMessages.increment();
        String id = codec.peek(plaintext).answerableRequestId();
        if (id != null) {
            log.warn("request of {} bytes on {} is over the limit of {}; answered too_large",
                    plaintext.length, c.id(), maxMessageSize);
            server.respond(c.id(), IpcCodec.tooLargeResponse(id, IpcCodec.overLimit(plaintext.length, maxMessageSize)));
        } else {
            log.warn("closing {}: message of {} bytes is over the limit of {}", c.id(), plaintext.length, maxMessageSize);
            backend.close(c.id());
        }
    }

    private void markReady(Connection c, PeerIdentity identity) {
        Source ready = new Source(c.info.peer(), c.info.callerId(), identity.name(), identity.keyFingerprint(),
                c.info.peerPid(), c.info.peerUser(), true);
        c.source = ready;
        notifyListeners(l -> l.ready(ready));
        List<CompletableFuture<Source>> toComplete = new ArrayList<>();
        synchronized (readyWaiters) {
            for (Iterator<ReadyWaiter> it = readyWaiters.iterator(); it.hasNext(); ) {
                ReadyWaiter w = it.next();
                if (w.endpoint.equals(c.info.peer()) || w.future.isDone()) {
                    it.remove();
                    toComplete.add(w.future);
                }
            }
        }
        toComplete.forEach(f -> runOnWorkers(() -> f.complete(ready)));
    }

    // ---------------------------------------------------------------- outbound path

    private void sendTo(String connectionId, String topic, ObjectNode payload) {
        Connection c = connections.get(connectionId);
        if (c == null) {
            throw new IpcException("connection " + connectionId + " is closed");
        }
        c.send(encode(topic, payload));
    }

    private byte[] encode(String topic, JsonNode payload) {
        byte[] bytes = codec.encode(topic, payload);
        if (bytes.length > maxMessageSize) {
            throw new MessageTooLargeException(bytes.length, maxMessageSize);
        }
        return bytes;
    }

    /** The open connection an endpoint names, once its session exists; null if there is none. */
    private Connection resolve(Endpoint endpoint) {
        Connection c = null;
        if (endpoint instanceof Endpoint.Desktop) {
            c = desktop.get();
        } else if (endpoint instanceof Endpoint.Connection e) {
            c = connections.get(e.id());
            // Endpoint.connection(id) names a connection of the desktop side only.
            c = c != null && !c.info.initiator() ? c : null;
        }
        return c != null && c.session != null && !c.closed ? c : null;
    }

    // ---------------------------------------------------------------- helpers

    private JsonNode toJson(Object payload) {
        if (payload == null) {
            return NullNode.getInstance();
        }
        return payload instanceof JsonNode node ? node : mapper.valueToTree(payload);
    }

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

    private void notifyListeners(Consumer<ConnectionListener> event) {
        for (ConnectionListener l : connectionListeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.warn("connection listener threw {}", e.getClass().getName(), e);
            }
        }
    }

    private void runOnWorkers(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** Strings may fill a whole message; nesting, numbers and names are bounded by {@link JsonLimits}. */
    private static ObjectMapper defaultMapper(int maxMessageSize) {
        return JsonLimits.mapper(Math.max(maxMessageSize, StreamReadConstraints.DEFAULT_MAX_STRING_LEN));
    }

    private record ReadyWaiter(Endpoint endpoint, CompletableFuture<Source> future) {}

    /** One open connection: its info, crypto session and current source; also the session's I/O. */
    private final class Connection implements CryptoProvider.SessionIo {
        final ConnectionInfo info;
        volatile CryptoProvider.Session session;
        volatile Source source;
        volatile boolean closed;
        private final Object lock = new Object();
        private boolean readyReported;
        private PeerIdentity readyBeforeAttach;

        Connection(ConnectionInfo info) {
            this.info = info;
            this.source = new Source(info.peer(), info.callerId(), null, null, info.peerPid(), info.peerUser(), false);
        }

        String id() {
            return info.connectionId();
        }

        boolean isReady() {
            return source.paired() && session != null && !closed;
        }

        /** Sets the session; returns the identity it reported ready during {@code open}, if any. */
        PeerIdentity attach(CryptoProvider.Session s) {
            synchronized (lock) {
                session = s;
                PeerIdentity early = readyBeforeAttach;
                readyBeforeAttach = null;
                return early;
            }
        }

        void send(byte[] plaintext) {
            CryptoProvider.Session s = session;
            if (closed) {
                throw new IpcException("connection " + id() + " is closed");
            }
            if (s == null) {
                throw new IpcException("connection " + id() + " is not established yet");
            }
            try {
                s.send(plaintext);
            } catch (IpcException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new IpcException("the session of " + id() + " could not send: " + e.getClass().getName(), e);
            }
        }

        void closeSession() {
            closed = true;
            CryptoProvider.Session s = session;
            if (s != null) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    log.warn("closing the session of {} failed: {}", id(), e.getClass().getName());
                }
            }
        }

        // -- SessionIo, for the crypto session

        @Override
        public ConnectionInfo info() {
            return info;
        }

        @Override
        public SessionRepository sessions() {
            return sessions;
        }

        @Override
        public int maxMessageSize() {
            return maxMessageSize;
        }

        @Override
        public void sendFrame(byte[] frame) {
            if (closed) {
                throw new IpcException("connection " + id() + " is closed");
            }
            backend.send(id(), frame);
        }

        @Override
        public void deliver(byte[] plaintextIpcMessage) {
            Objects.requireNonNull(plaintextIpcMessage, "plaintextIpcMessage");
            if (session == null) {
                log.warn("session of {} delivered a message before open() returned; dropped", id());
                malformedMessages.increment();
                return;
            }
            onPlaintext(this, plaintextIpcMessage);
        }

        @Override
        public void ready(PeerIdentity identity) {
            PeerIdentity id = identity != null ? identity : PeerIdentity.ANONYMOUS;
            synchronized (lock) {
                if (readyReported || closed) {
                    return;
                }
                readyReported = true;
                if (session == null) {
                    readyBeforeAttach = id;
                    return;
                }
            }
            markReady(this, id);
        }

        @Override
        public void close() {
            backend.close(id());
        }
    }

    /** Configures an {@link IpcClient}. */
    public static final class Builder {
        private CommunicationBackend backend;
        private CryptoProvider cryptoProvider;
        private SessionRepository sessionRepository;
        private Executor executor;
        private ObjectMapper objectMapper;
        private Duration defaultDeadline = DEFAULT_DEADLINE;
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private int subscriberQueueSize = DEFAULT_SUBSCRIBER_QUEUE_SIZE;
        private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
        private String name = "bridgekeeper";
        private String version = Version.VERSION;

        private Builder() {}

        /** Required: moves frames. The client owns it and closes it. */
        public Builder backend(CommunicationBackend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /** Required: secures each connection. There is deliberately no default. */
        public Builder cryptoProvider(CryptoProvider cryptoProvider) {
            this.cryptoProvider = Objects.requireNonNull(cryptoProvider, "cryptoProvider");
            return this;
        }

        /** Where pairings live; default an {@link InMemorySessionRepository}. */
        public Builder sessionRepository(SessionRepository sessionRepository) {
            this.sessionRepository = Objects.requireNonNull(sessionRepository, "sessionRepository");
            return this;
        }

        /**
         * Runs RPC handlers; default an internal pool that grows as needed. A supplied executor is
         * not shut down by the client. It must run tasks on other threads and should not be
         * smaller than the number of handlers expected to wait at once (a full executor answers
         * {@code rate_limited}).
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
     * JSON mapper for payloads, params and results; default one that ignores unknown fields and
     * applies {@link JsonLimits} (a replacement should set its own read constraints).
     */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /**
         * Deadline of calls that set none, and of handlers whose method sets none; default {@link
         * #DEFAULT_DEADLINE} (75 s).
         */
        public Builder defaultDeadline(Duration deadline) {
            Objects.requireNonNull(deadline, "deadline");
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("deadline must be positive");
            }
            this.defaultDeadline = deadline;
            return this;
        }

        /** Largest IPC message accepted or sent, in bytes; default 64 MiB. */
        public Builder maxMessageSize(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxMessageSize must be at least 1024 bytes");
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /** Queue length of each subscriber; default 256. */
        public Builder subscriberQueueSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("subscriberQueueSize must be at least 1");
            }
            this.subscriberQueueSize = size;
            return this;
        }

        /** Requests one connection may have in progress before it gets {@code rate_limited}; default 64. */
        public Builder maxConcurrentRequests(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxConcurrentRequests must be at least 1");
            }
            this.maxConcurrentRequests = count;
            return this;
        }

        /** Name and version that {@code ipc.discover} reports; default "bridgekeeper" and the product version. */
        public Builder identity(String name, String version) {
            this.name = Objects.requireNonNull(name, "name");
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /** Builds the client (not started). */
        public IpcClient build() {
            return new IpcClient(this);
        }
    }
}
