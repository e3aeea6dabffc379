package dev.bridgekeeper.agent.internal.rpc;

import dev.bridgekeeper.agent.internal.ipc.IpcCodec;
import dev.bridgekeeper.protocol.Limits;
import dev.bridgekeeper.ipc.RequestContext;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.protocol.Version;
import dev.bridgekeeper.agent.internal.ipc.IpcException;
import dev.bridgekeeper.agent.internal.ipc.MessageTooLargeException;
import dev.bridgekeeper.ipc.Source;
import dev.bridgekeeper.agent.internal.ipc.Topics;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving half of RPC (PROTOCOL.md §6): method registry, request validation, concurrent
 * dispatch, cancellation and deadlines. The {@code IpcClient} owns one and feeds it the payloads of
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

    private record Registration(RpcHandler handler, Duration deadline) {}

    private final ObjectMapper mapper;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final Duration defaultDeadline;
    private final int maxConcurrentPerConnection;
    private final String localName;
    private final String localVersion;
    private final ResponseSender sender;

    private final Object registrationLock = new Object();
    private final Map<String, Registration> methods = new ConcurrentHashMap<>();
    private final Map<String, String> channelVersions = new ConcurrentHashMap<>();
    private final Map<String, Map<String, InboundCall>> inFlight = new ConcurrentHashMap<>();
    private final LongAdder duplicateRequests = new LongAdder();
    private final LongAdder handlerFailures = new LongAdder();
    private volatile boolean closed;

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
        requireMethodName(method);
        Objects.requireNonNull(handler, "handler");
        if (deadline != null) {
            requirePositive(deadline, "deadline");
        }
        synchronized (registrationLock) {
            requireFree(method);
            methods.put(method, new Registration(handler, deadline));
        }
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
        ChannelDescriptor channel = ChannelDescriptor.of(iface);
        Objects.requireNonNull(implFactory, "implFactory");
        synchronized (registrationLock) {
            if (channelVersions.containsKey(channel.name)) {
                throw new IllegalStateException("channel '" + channel.name + "' is already registered");
            }
            channel.methods.values().forEach(spec -> requireFree(spec.rpcName()));
            for (ChannelDescriptor.MethodSpec spec : channel.methods.values()) {
                RpcHandler handler = (params, context) -> invokeChannelMethod(spec, implFactory, params, context);
                methods.put(spec.rpcName(), new Registration(handler, spec.deadline()));
            }
            channelVersions.put(channel.name, channel.version.toString());
        }
    }

    /** The channels this side serves, name to version, {@code ipc} included. */
    public Map<String, String> channelVersions() {
        Map<String, String> all = new TreeMap<>(channelVersions);
        all.put("ipc", IPC_CHANNEL_VERSION);
        return all;
    }

    private void requireFree(String method) {
        if (method.equals(DISCOVER)) {
            throw new IllegalStateException(DISCOVER + " is built in and cannot be registered");
        }
        if (methods.containsKey(method)) {
            throw new IllegalStateException("a handler for '" + method + "' is already registered");
        }
    }

    // ---------------------------------------------------------------- inbound messages

    /**
     * Handles one {@code rpc.request} payload from a connection. Validation runs on the calling
     * thread; the handler runs on the executor.
     */
    public void onRequest(String connectionId, Source source, JsonNode payload) {
        if (closed) {
            return;
        }
        if (payload == null || !payload.isObject()) {
            reject(connectionId, null, RpcErrorCode.INVALID_REQUEST, "request payload must be an object");
            return;
        }
        String id = validId(payload.get("id"));
        if (id == null) {
            reject(connectionId, null, RpcErrorCode.INVALID_REQUEST,
                    "request needs an id: a string of 1 to " + MAX_ID_LENGTH + " characters");
            return;
        }
        JsonNode methodNode = payload.get("method");
        if (methodNode == null || !methodNode.isTextual() || !isMethodName(methodNode.textValue())) {
            reject(connectionId, id, RpcErrorCode.INVALID_REQUEST, "request needs a method name");
            return;
        }
        String method = methodNode.textValue();
        JsonNode rawParams = payload.get("params");
        JsonNode params = rawParams == null || rawParams.isNull() ? null : rawParams;
        if (params != null && !params.isObject()) {
            reject(connectionId, id, RpcErrorCode.INVALID_PARAMS, "params must be an object or null");
            return;
        }
        // Before pairing, say nothing about which methods exist.
        if (!source.paired() && !method.equals(DISCOVER)) {
            reject(connectionId, id, RpcErrorCode.NOT_PAIRED, "the session is not paired");
            return;
        }
        Registration registration = method.equals(DISCOVER)
                ? new Registration((p, c) -> discoveryResult(), null)
                : methods.get(method);
        if (registration == null) {
            reject(connectionId, id, RpcErrorCode.METHOD_NOT_FOUND, "no method '" + method + "'");
            return;
        }

        Map<String, InboundCall> calls = inFlight.computeIfAbsent(connectionId, k -> new ConcurrentHashMap<>());
        if (calls.size() >= maxConcurrentPerConnection) {
            reject(connectionId, id, RpcErrorCode.RATE_LIMITED, "too many requests in progress on this connection");
            return;
        }
        Duration deadline = registration.deadline() != null ? registration.deadline() : defaultDeadline;
        RequestContext context = new RequestContext(source, method, id, Instant.now().plus(deadline));
        InboundCall call = new InboundCall(connectionId, id, method, context);
        if (calls.putIfAbsent(id, call) != null) {
            duplicateRequests.increment();
            log.warn("dropped request {} on {}: that id is still in progress", id, connectionId);
            return;
        }
        try {
            call.deadlineTimer = timer.schedule(
                    () -> call.abort(RpcErrorCode.TIMEOUT, "the handler did not finish before its deadline"),
                    deadline.toNanos(), TimeUnit.NANOSECONDS);
            executor.execute(() -> call.run(registration.handler(), params));
        } catch (RejectedExecutionException e) {
            call.abort(RpcErrorCode.RATE_LIMITED, "the server is busy");
        }
    }

    /** Handles one {@code rpc.cancel} payload: cancels the handler and answers {@code cancelled}. */
    public void onCancel(String connectionId, JsonNode payload) {
        String id = payload == null ? null : validId(payload.get("id"));
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
        send(connectionId, errorResponse(id, code.code(), message, null));
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

    // ---------------------------------------------------------------- one request

    /** One request in progress; {@code answered} makes sure it gets exactly one response. */
    private final class InboundCall {
        final String connectionId;
        final String id;
        final String method;
        final RequestContext context;
        final AtomicBoolean answered = new AtomicBoolean();
        volatile ScheduledFuture<?> deadlineTimer;
        volatile CompletionStage<?> handlerStage;

        InboundCall(String connectionId, String id, String method, RequestContext context) {
            this.connectionId = connectionId;
            this.id = id;
            this.method = method;
            this.context = context;
        }

        void run(RpcHandler handler, JsonNode params) {
            if (answered.get()) {
                return;
            }
            Object result;
            try {
                result = handler.handle(params, context);
            } catch (Throwable t) {
                fail(t);
                return;
            }
            if (result instanceof CompletionStage<?> stage) {
                handlerStage = stage;
                if (answered.get()) {
                    cancelStage(stage); // aborted while the handler was starting
                }
                stage.whenComplete((value, error) -> {
                    if (error != null) {
                        fail(error);
                    } else {
                        succeed(value);
                    }
                });
            } else {
                succeed(result);
            }
        }

        void succeed(Object value) {
            JsonNode json;
            try {
                json = value == null ? NullNode.getInstance()
                        : value instanceof JsonNode node ? node : mapper.valueToTree(value);
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            ObjectNode response = mapper.createObjectNode();
            response.put("id", id);
            response.set("result", json);
            answer(response);
        }

        void fail(Throwable error) {
            Throwable cause = unwrap(error);
            ObjectNode response;
            if (cause instanceof RpcException e) {
                response = errorResponse(id, e.code(), e.getMessage(), e.data());
            } else if (cause instanceof CancellationException) {
                response = errorResponse(id, RpcErrorCode.CANCELLED.code(), "the handler cancelled the request", null);
            } else {
                if (answered.get()) {
                    log.debug("handler of {} (request {}) ended after it was answered: {}",
                            method, id, cause.getClass().getName());
                    return;
                }
                handlerFailures.increment();
                // Logged here with its stack trace; the wire gets a generic message only.
                log.warn("handler of {} (request {} on {}) failed", method, id, connectionId, cause);
                response = errorResponse(id, RpcErrorCode.INTERNAL_ERROR.code(), "internal error", null);
            }
            answer(response);
        }

        /** Ends the request with an error the handler did not choose (cancel, deadline, busy). */
        void abort(RpcErrorCode code, String message) {
            if (finish(true)) {
                send(connectionId, errorResponse(id, code.code(), message, null));
            }
        }

        /** Ends the request without an answer (its connection or the client closed). */
        void abandon() {
            finish(true);
        }

        private void answer(ObjectNode response) {
            if (finish(false)) {
                send(connectionId, response);
            }
        }

        /** Wins the race to end this request and stops its timer; {@code stopHandler} cancels the handler. */
        private boolean finish(boolean stopHandler) {
            if (!answered.compareAndSet(false, true)) {
                return false;
            }
            Map<String, InboundCall> calls = inFlight.get(connectionId);
            if (calls != null) {
                calls.remove(id, this);
            }
            ScheduledFuture<?> t = deadlineTimer;
            if (t != null) {
                t.cancel(false);
            }
            if (stopHandler) {
                context.cancel();
                cancelStage(handlerStage);
            }
            return true;
        }
    }

    // ---------------------------------------------------------------- helpers

    private Object invokeChannelMethod(ChannelDescriptor.MethodSpec spec,
            Function<RequestContext, ?> implFactory, JsonNode params, RequestContext context) throws Exception {
        Object[] args;
        if (spec.paramType() == null) {
            if (params != null && !params.isEmpty()) {
                throw new RpcException(RpcErrorCode.INVALID_PARAMS, spec.rpcName() + " takes no params");
            }
            args = new Object[0];
        } else {
            JsonNode input = params == null ? mapper.createObjectNode() : params;
            try {
                args = new Object[] {mapper.treeToValue(input, mapper.constructType(spec.paramType()))};
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new RpcException(RpcErrorCode.INVALID_PARAMS, "params do not fit " + spec.rpcName() + describe(e));
            }
        }
        Object impl = implFactory.apply(context);
        if (impl == null) {
            throw new IllegalStateException("the implementation factory of " + spec.rpcName() + " returned null");
        }
        Object result;
        try {
            result = spec.method().invoke(impl, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
        if (result == null) {
            throw new IllegalStateException(spec.rpcName() + " returned null instead of a future");
        }
        return result;
    }

    /** Where in the params a conversion failed, and the params type's own validation message. */
    private static String describe(Exception e) {
        StringBuilder where = new StringBuilder();
        if (e instanceof JsonMappingException jme) {
            for (JsonMappingException.Reference ref : jme.getPath()) {
                if (ref.getFieldName() != null) {
                    where.append(where.length() == 0 ? "" : ".").append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    where.append('[').append(ref.getIndex()).append(']');
                }
            }
        }
        String text = where.length() == 0 ? "" : " (at " + where + ")";
        // A params record's constructor states what is wrong; pass that on.
        if (e instanceof ValueInstantiationException && e.getCause() instanceof IllegalArgumentException iae
                && iae.getMessage() != null) {
            text += ": " + iae.getMessage();
        }
        return text;
    }

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

    private ObjectNode errorResponse(String id, int code, String message, JsonNode data) {
        ObjectNode response = mapper.createObjectNode();
        if (id == null) {
            response.putNull("id");
        } else {
            response.put("id", id);
        }
        ObjectNode error = response.putObject("error");
        error.put("code", code);
        error.put("message", message);
        if (data != null) {
            error.set("data", data);
        }
        return response;
    }

    private static void cancelStage(CompletionStage<?> stage) {
        if (stage != null) {
            try {
                stage.toCompletableFuture().cancel(true);
            } catch (UnsupportedOperationException e) {
                // A stage that cannot be cancelled runs to its end; its result is ignored.
            }
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException
                || t instanceof InvocationTargetException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String validId(JsonNode id) {
        if (id == null || !id.isTextual()) {
            return null;
        }
        return IpcCodec.isValidRequestId(id.textValue()) ? id.textValue() : null;
    }

    /** A method name: like a topic, 1 to 200 printable ASCII characters without spaces. */
    static boolean isMethodName(String name) {
        return Topics.isWellFormed(name) && name.length() <= MAX_METHOD_LENGTH;
    }

    private static void requireMethodName(String method) {
        Objects.requireNonNull(method, "method");
        if (!isMethodName(method)) {
            throw new IllegalArgumentException("method name must have 1 to " + MAX_METHOD_LENGTH
                    + " printable ASCII characters without spaces");
        }
    }

    private static Duration requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
        return d;
    }
}
