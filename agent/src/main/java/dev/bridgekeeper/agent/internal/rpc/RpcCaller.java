package dev.bridgekeeper.agent.internal.rpc;

import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.agent.internal.ipc.IpcClosedException;
import dev.bridgekeeper.agent.internal.ipc.IpcException;
import dev.bridgekeeper.agent.internal.ipc.MessageTooLargeException;
import dev.bridgekeeper.agent.internal.ipc.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calling half of RPC (PROTOCOL.md §6): request ids, the table of pending calls, deadlines and
 * cancellation. The {@code IpcClient} owns one and feeds it the payloads of {@code rpc.response}.
 *
 * <p>A response is matched by (connection, id), so one peer can never complete a call made to
 * another. Exactly one of these ends a call, whichever removes it from the table first: its
 * response, its deadline (the caller gets {@code timeout} and the peer an {@code rpc.cancel}), the
 * caller cancelling the returned future (the peer gets an {@code rpc.cancel}), its connection
 * closing, or {@link #close()}. Futures are completed on the given executor so that a caller's
 * continuation never runs on (and stalls) the thread that reads the connection.
 */
public final class RpcCaller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RpcCaller.class);
    private static final int MAX_PEER_MESSAGE = 500;

    /** Sends one message ({@code rpc.request} or {@code rpc.cancel}) to a connection. */
    @FunctionalInterface
    public interface RequestSender {
        /** @throws IpcException if it cannot be sent (too large, connection gone) */
        void send(String connectionId, String topic, ObjectNode payload);
    }

    private record CallKey(String connectionId, String id) {}

    private static final class PendingCall {
        final CallKey key;
        final String method;
        final Duration deadline;
        final CompletableFuture<JsonNode> future = new CompletableFuture<>();
        volatile ScheduledFuture<?> timer;

        PendingCall(CallKey key, String method, Duration deadline) {
            this.key = key;
            this.method = method;
            this.deadline = deadline;
        }
    }

    private final Executor completionExecutor;
    private final ScheduledExecutorService timer;
    private final RequestSender sender;
    private final AtomicLong nextId = new AtomicLong();
    private final Map<CallKey, PendingCall> pending = new ConcurrentHashMap<>();
    private final LongAdder unknownResponses = new LongAdder();
    private volatile boolean closed;

    public RpcCaller(Executor completionExecutor, ScheduledExecutorService timer, RequestSender sender) {
        this.completionExecutor = Objects.requireNonNull(completionExecutor, "completionExecutor");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.sender = Objects.requireNonNull(sender, "sender");
    }

    /**
     * Checks a call's arguments before anything is sent; returns the deadline.
     *
     * @throws IllegalArgumentException for {@link Endpoint#all()}, a malformed method name,
     *                                  params that are neither an object nor null, a deadline that
     *                                  is not positive
     */
    public static Duration checkCall(Endpoint target, String method, JsonNode params, Duration deadline) {
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
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive");
        }
        return deadline;
    }

    /**
     * Sends {@code rpc.request} to a connection and returns its result. The future fails with
     * {@link RpcException} for an error response or a {@code timeout}, {@link IpcClosedException}
     * after {@link #close()}, and {@link IpcException} when the connection closes first or the
     * request cannot be sent. Cancelling the future sends {@code rpc.cancel}.
     *
     * @param params a JSON object, or null
     */
    public CompletableFuture<JsonNode> call(String connectionId, String method, ObjectNode params, Duration deadline) {
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(deadline, "deadline");
        PendingCall call = new PendingCall(
                new CallKey(connectionId, Long.toString(nextId.incrementAndGet())), method, deadline);
        pending.put(call.key, call);
        if (closed) {
            end(call, new IpcClosedException("the IPC client is closed"));
            return call.future;
        }
        call.future.whenComplete((result, error) -> {
            if (error instanceof CancellationException && pending.remove(call.key, call)) {
                stopTimer(call);
                sendCancel(call);
            }
        });
        try {
            call.timer = timer.schedule(() -> {
                if (pending.remove(call.key, call)) {
                    sendCancel(call);
                    complete(call, null, new RpcException(RpcErrorCode.TIMEOUT,
                            "no answer to " + call.method + " within " + call.deadline));
                }
            }, deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            end(call, new IpcClosedException("the IPC client is closed"));
            return call.future;
        }

        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.put("id", call.key.id());
        request.put("method", method);
        request.set("params", params == null ? NullNode.getInstance() : params);
        try {
            sender.send(connectionId, Topics.RPC_REQUEST, request);
        } catch (MessageTooLargeException e) {
            end(call, new RpcException(RpcErrorCode.TOO_LARGE, "the request to " + method + " is " + e.size()
                    + " bytes, over the limit of " + e.limit()));
        } catch (IpcException e) {
            end(call, e);
        }
        return call.future;
    }

    /** Handles one {@code rpc.response} payload from a connection. */
    public void onResponse(String connectionId, JsonNode payload) {
        JsonNode idNode = payload == null ? null : payload.get("id");
        PendingCall call = idNode != null && idNode.isTextual()
                ? pending.remove(new CallKey(connectionId, idNode.textValue()))
                : null;
        if (call == null) {
            unknownResponses.increment();
            JsonNode code = payload == null ? null : payload.path("error").get("code");
            log.debug("dropped rpc.response for no pending call on {}{}", connectionId,
                    code != null && code.isInt() ? " (error " + code.intValue() + ")" : "");
            return;
        }
        stopTimer(call);
        JsonNode error = payload.get("error");
        if (error != null) {
            JsonNode code = error.get("code");
            JsonNode message = error.get("message");
            if (!error.isObject() || code == null || !code.isInt()) {
                complete(call, null, new IpcException("the peer answered " + call.method + " with a malformed error"));
                return;
            }
            String text = message != null && message.isTextual() ? clean(message.textValue()) : "(no message)";
            complete(call, null, new RpcException(code.intValue(), text, error.get("data")));
        } else if (payload.has("result")) {
            complete(call, payload.get("result"), null);
        } else {
            complete(call, null, new IpcException("the peer answered " + call.method + " without result or error"));
        }
    }

    /** The connection closed: its pending calls fail at once. */
    public void connectionClosed(String connectionId) {
        for (PendingCall call : new ArrayList<>(pending.values())) {
            if (call.key.connectionId().equals(connectionId) && pending.remove(call.key, call)) {
                stopTimer(call);
                complete(call, null, new IpcException("the connection closed before " + call.method + " was answered"));
            }
        }
    }

    /** Fails every pending call with {@link IpcClosedException}, on this thread; later calls fail too. */
    @Override
    public void close() {
        closed = true;
        for (PendingCall call : new ArrayList<>(pending.values())) {
            end(call, new IpcClosedException("the IPC client was closed before " + call.method + " was answered"));
        }
    }

    /** Responses dropped because no pending call had their (connection, id). */
    public long unknownResponses() {
        return unknownResponses.sum();
    }

    /** Calls waiting for an answer. */
    public int pendingCount() {
        return pending.size();
    }

    /** Fails a call at once, on this thread, if nothing else ended it first. */
    private void end(PendingCall call, Throwable error) {
        if (pending.remove(call.key, call)) {
            stopTimer(call);
            call.future.completeExceptionally(error);
        }
    }

    private void complete(PendingCall call, JsonNode result, Throwable error) {
        Runnable action = error == null
                ? () -> call.future.complete(result)
                : () -> call.future.completeExceptionally(error);
        try {
            completionExecutor.execute(action);
        } catch (RejectedExecutionException e) {
            action.run();
        }
    }

    private void sendCancel(PendingCall call) {
        ObjectNode cancel = JsonNodeFactory.instance.objectNode();
        cancel.put("id", call.key.id());
        try {
            sender.send(call.key.connectionId(), Topics.RPC_CANCEL, cancel);
        } catch (IpcException e) {
            log.debug("could not send rpc.cancel on {}: {}", call.key.connectionId(), e.getMessage());
        }
    }

    private static void stopTimer(PendingCall call) {
        ScheduledFuture<?> t = call.timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** A peer's error message, made safe to show and log: bounded, without control characters. */
    private static String clean(String text) {
        String bounded = text.length() > MAX_PEER_MESSAGE ? text.substring(0, MAX_PEER_MESSAGE) + "…" : text;
        return bounded.replaceAll("\\p{Cntrl}", " ");
    }
}
