package dev.bridgekeeper.agent.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.agent.internal.ipc.IpcCodec;
import dev.bridgekeeper.agent.internal.ipc.IpcException;
import dev.bridgekeeper.agent.internal.ipc.MessageTooLargeException;
import dev.bridgekeeper.ipc.RequestContext;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.Source;
import dev.bridgekeeper.protocol.Limits;
import dev.bridgekeeper.protocol.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving half of RPC (PROTOCOL.md §6): concurrent dispatch, cancellation and deadlines, over a
 * {@link MethodRegistry}, with requests read by {@link RequestParser} and each one in progress an
 * {@link InboundCall} (typed channels run through a {@link ChannelInvoker}). The {@code IpcClient} owns one and feeds it the payloads of
 * {@code rpc.request} and {@code rpc.cancel}; applications use it through the client.
 *
 * <p>Every accepted request gets exactly one {@code rpc.response}: the handler's result or error,
 * {@code cancelled} when {@code rpc.cancel} wins, or {@code timeout} when the handler deadline
 * passes; an atomic flag decides the race. Requests that break the protocol are answered with the
 * matching error, with their id when they have a readable one and with {@code "id": null}
 * otherwise (as JSON-RPC does; such answers match no call and are dropped). The exceptions: a request reusing
 * the id of one still in progress is dropped and counted (answering would give that id two
 * responses), and requests whose connection closed are not answered.
 */
public final class RpcServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

    /** The built-in discovery method. */
    public static final String DISCOVER = "ipc.discover";
    /** Version of the built-in {@code ipc} channel. */
    public static final String IPC_CHANNEL_VERSION = "1.0.0";
    /** Longest request id accepted. */
    public static final int MAX_ID_LENGTH = Limits.MAX_RPC_ID_CHARS;
    /** Longest method name accepted. */
    public static final int MAX_METHOD_LENGTH = Limits.MAX_METHOD_CHARS;

    /** Sends one {@code rpc.response} payload to a connection. */
    @FunctionalInterface
    public interface ResponseSender {
        /**
         * @throws MessageTooLargeException if the encoded response is over the size limit
         * @throws IpcException if it cannot be sent (connection gone)
         */
        void send(String connectionId, ObjectNode response);
    }

    /** Hears how each request with a known method ended (for an activity view: no payloads). */
    @FunctionalInterface
    public interface CallObserver {
        /** {@code outcome} is {@code ok} or the error's wire name; runs on the answering thread. */
        void answered(String connectionId, String method, String outcome);
    }

    private final ObjectMapper mapper;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final Duration defaultDeadline;
    private final int maxConcurrentPerConnection;
    private final String localName;
    private final String localVersion;
    private final ResponseSender sender;
    private final MethodRegistry methods;

    private final Map<String, Map<String, InboundCall>> inFlight = new ConcurrentHashMap<>();
    private final LongAdder duplicateRequests = new LongAdder();
    private final LongAdder handlerFailures = new LongAdder();
    private volatile boolean closed;
    private final InboundCall.Owner calls = new Calls();
    private volatile CallObserver observer;

    /**
     * @param mapper converts results and channel params
     * @param executor runs handlers; must not run them on the calling thread
     * @param timer schedules handler deadlines
     * @param defaultDeadline how long a handler may run unless its method sets its own
     * @param maxConcurrentPerConnection requests one connection may have in progress; more get
     *     {@code rate_limited}
     * @param localName name reported by {@code ipc.discover} under {@code desktop}
     * @param localVersion version reported by {@code ipc.discover} under {@code desktop}
     * @param sender sends responses
     */
    public RpcServer(ObjectMapper mapper, Executor executor, ScheduledExecutorService timer,
            Duration defaultDeadline, int maxConcurrentPerConnection, String localName, String localVersion,
            ResponseSender sender) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.defaultDeadline = requirePositive(defaultDeadline, "defaultDeadline");
        if (maxConcurrentPerConnection < 1) {
            throw new IllegalArgumentException("maxConcurrentPerConnection must be at least 1");
        }
        this.maxConcurrentPerConnection = maxConcurrentPerConnection;
        this.localName = Objects.requireNonNull(localName, "localName");
        this.localVersion = Objects.requireNonNull(localVersion, "localVersion");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.methods = new MethodRegistry(new ChannelInvoker(mapper));
    }

    // ---------------------------------------------------------------- registration

    /**
     * Registers the handler of one method.
     *
     * @throws IllegalStateException if the method already has a handler (or is {@code ipc.discover})
     * @throws IllegalArgumentException if the name is malformed
     */
    public void register(String method, RpcHandler handler) {
        register(method, handler, null);
    }

    /** As {@link #register(String, RpcHandler)} with a handler deadline for this method (null: default). */
    public void register(String method, RpcHandler handler, Duration deadline) {
        if (deadline != null) {
            requirePositive(deadline, "deadline");
        }
        methods.register(method, handler, deadline);
    }

    /**
     * Serves every method of a channel interface. For each request, {@code implFactory} gets the
     * request's context and returns the object whose method runs (a shared instance, or one made
     * for this caller); the implementation learns the caller and observes cancellation through it.
     * Params are converted to the method's parameter type; when they do not fit, the caller gets
     * {@code invalid_params}. A request without params is read as {@code {}}.
     *
     * @throws IllegalArgumentException if {@code iface} is not a well-formed channel
     * @throws IllegalStateException if the channel or one of its methods is already registered
     */
    public <T> void registerChannel(Class<T> iface, Function<RequestContext, ? extends T> implFactory) {
        methods.registerChannel(iface, implFactory);
    }

    /** The channels this side serves, name to version, {@code ipc} included. */
    public Map<String, String> channelVersions() {
        return methods.channelVersions();
    }

    // ---------------------------------------------------------------- inbound messages

    /**
     * Handles one {@code rpc.request} payload from a connection. Validation runs on the calling
     * thread, in the order of PROTOCOL.md §6.5; the handler runs on the executor.
     */
    public void onRequest(String connectionId, Source source, JsonNode payload) {
        if (closed) {
            return;
        }
        RequestParser.Parsed parsed = RequestParser.parse(payload);
        if (parsed instanceof RequestParser.Rejection r) {
            reject(connectionId, r.id(), r.code(), r.message());
            return;
        }
        RequestParser.Request request = (RequestParser.Request) parsed;
        String id = request.id();
        String method = request.method();
        // Before pairing, say nothing about which methods exist.
        if (!source.paired() && !method.equals(DISCOVER)) {
            reject(connectionId, id, RpcErrorCode.NOT_PAIRED, "the session is not paired");
            observe(connectionId, method, RpcErrorCode.NOT_PAIRED.wireName());
            return;
        }
        MethodRegistry.Registration registration = method.equals(DISCOVER)
                ? new MethodRegistry.Registration((p, c) -> discoveryResult(), null)
                : methods.get(method);
        if (registration == null) {
            reject(connectionId, id, RpcErrorCode.METHOD_NOT_FOUND, "no method '" + method + "'");
            observe(connectionId, method, RpcErrorCode.METHOD_NOT_FOUND.wireName());
            return;
        }

        Map<String, InboundCall> calls = inFlight.computeIfAbsent(connectionId, k -> new ConcurrentHashMap<>());
        if (calls.size() >= maxConcurrentPerConnection) {
            reject(connectionId, id, RpcErrorCode.RATE_LIMITED, "too many requests in progress on this connection");
            observe(connectionId, method, RpcErrorCode.RATE_LIMITED.wireName());
            return;
        }
        Duration deadline = registration.deadline() != null ? registration.deadline() : defaultDeadline;
        RequestContext context = new RequestContext(source, method, id, Instant.now().plus(deadline));
        InboundCall call = new InboundCall(connectionId, id, method, context, mapper, this.calls);
        if (calls.putIfAbsent(id, call) != null) {
            duplicateRequests.increment();
            log.warn("dropped request {} on {}: that id is still in progress", id, connectionId);
            return;
        }
        try {
            call.deadlineTimer = timer.schedule(
                    () -> call.abort(RpcErrorCode.TIMEOUT, "the handler did not finish before its deadline"),
                    deadline.toNanos(), TimeUnit.NANOSECONDS);
            executor.execute(() -> call.run(registration.handler(), request.params()));
        } catch (RejectedExecutionException e) {
            call.abort(RpcErrorCode.RATE_LIMITED, "the server is busy");
        }
    }

    /** Sets who hears how requests ended (one observer; null: none). */
    public void observe(CallObserver callObserver) {
        this.observer = callObserver;
    }

    private void observe(String connectionId, String method, String outcome) {
        CallObserver o = observer;
        if (o == null) {
            return;
        }
        try {
            o.answered(connectionId, method, outcome);
        } catch (RuntimeException e) {
            log.warn("call observer failed: {}", e.toString());
        }
    }

    /** Handles one {@code rpc.cancel} payload: cancels the handler and answers {@code cancelled}. */
    public void onCancel(String connectionId, JsonNode payload) {
        String id = payload == null ? null : RequestParser.validId(payload.get("id"));
        Map<String, InboundCall> calls = inFlight.get(connectionId);
        InboundCall call = id == null || calls == null ? null : calls.get(id);
        if (call == null) {
            // Normal when the response crossed the cancel on the wire.
            log.debug("rpc.cancel for no request in progress on {}", connectionId);
            return;
        }
        call.abort(RpcErrorCode.CANCELLED, "cancelled by the caller");
    }

    /**
     * Answers a request that never reached dispatch (for example one too large to decode) with an
     * error; {@code id} may be null when the request's id is unknown.
     */
    public void reject(String connectionId, String id, RpcErrorCode code, String message) {
        send(connectionId, RpcResponses.error(id, code.code(), message, null));
    }

    /** Sends a response built elsewhere (the {@code too_large} answer of {@link IpcCodec}). */
    public void respond(String connectionId, ObjectNode response) {
        send(connectionId, response);
    }

    /** The connection closed: cancels its handlers; they are not answered. */
    public void connectionClosed(String connectionId) {
        Map<String, InboundCall> calls = inFlight.remove(connectionId);
        if (calls != null) {
            calls.values().forEach(InboundCall::abandon);
        }
    }

    /** Cancels every handler in progress without answering; later requests are ignored. */
    @Override
    public void close() {
        closed = true;
        for (String connectionId : new ArrayList<>(inFlight.keySet())) {
            connectionClosed(connectionId);
        }
    }

    /** Requests dropped because their id was still in progress. */
    public long duplicateRequests() {
        return duplicateRequests.sum();
    }

    /** Handler failures answered with {@code internal_error}. */
    public long handlerFailures() {
        return handlerFailures.sum();
    }

    /** What the calls in progress need from this server. */
    private final class Calls implements InboundCall.Owner {
        @Override
        public void send(String connectionId, ObjectNode response) {
            RpcServer.this.send(connectionId, response);
        }

        @Override
        public void ended(InboundCall call) {
            Map<String, InboundCall> calls = inFlight.get(call.connectionId);
            if (calls != null) {
                calls.remove(call.id, call);
            }
        }

        @Override
        public void handlerFailed() {
            handlerFailures.increment();
        }

        @Override
        public void answered(InboundCall call, ObjectNode response) {
            observe(call.connectionId, call.method, RpcResponses.outcomeOf(response));
        }
    }

    /** Sends a response; one too large to send is answered {@code too_large} instead. */
    private void send(String connectionId, ObjectNode response) {
        try {
            sender.send(connectionId, response);
        } catch (MessageTooLargeException e) {
            log.warn("response {} on {} is too large ({} bytes); answering too_large",
                    response.path("id").asText(), connectionId, e.size());
            try {
                sender.send(connectionId, IpcCodec.tooLargeResponse(response.path("id").textValue(),
                        "the result is larger than the message size limit"));
            } catch (IpcException again) {
                log.debug("could not answer on {}: {}", connectionId, again.getMessage());
            }
        } catch (IpcException e) {
            log.debug("could not answer on {}: {}", connectionId, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- helpers

    private ObjectNode discoveryResult() {
        ObjectNode result = mapper.createObjectNode();
        result.put("protocol", Version.PROTOCOL);
        ObjectNode desktop = result.putObject("desktop");
        desktop.put("name", localName);
        desktop.put("version", localVersion);
        ObjectNode channels = result.putObject("channels");
        channelVersions().forEach(channels::put);
        return result;
    }

    private static Duration requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
        return d;
    }
}
