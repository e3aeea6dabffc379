package dev.bridgekeeper.agent.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.ipc.RequestContext;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request in progress on an {@link RpcServer}. {@code answered} makes sure it gets exactly one
 * response: the handler's result or error, or the error of whatever ended it first (cancel,
 * deadline, a busy executor), or none when its connection closed.
 */
final class InboundCall {
    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

    /** What a call needs from its server. */
    interface Owner {
        /** Sends a response on the call's connection. */
        void send(String connectionId, ObjectNode response);

        /** The call ended: it no longer holds its id. */
        void ended(InboundCall call);

        /** Counts a handler failure answered with {@code internal_error}. */
        void handlerFailed();

        /** The call was answered with {@code response} (for the call observer). */
        void answered(InboundCall call, ObjectNode response);
    }

    final String connectionId;
    final String id;
    final String method;
    final RequestContext context;
    private final ObjectMapper mapper;
    private final Owner owner;
    private final AtomicBoolean answered = new AtomicBoolean();
    volatile ScheduledFuture<?> deadlineTimer;
    private volatile CompletionStage<?> handlerStage;

    InboundCall(String connectionId, String id, String method, RequestContext context, ObjectMapper mapper,
            Owner owner) {
        this.connectionId = connectionId;
        this.id = id;
        this.method = method;
        this.context = context;
        this.mapper = mapper;
        this.owner = owner;
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

    private void succeed(Object value) {
        JsonNode json;
        try {
            json = value == null ? NullNode.getInstance()
                    : value instanceof JsonNode node ? node : mapper.valueToTree(value);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        answer(RpcResponses.result(id, json));
    }

    private void fail(Throwable error) {
        Throwable cause = unwrap(error);
        ObjectNode response;
        if (cause instanceof RpcException e) {
            response = RpcResponses.error(id, e.code(), e.getMessage(), e.data());
        } else if (cause instanceof CancellationException) {
            response = RpcResponses.error(id, RpcErrorCode.CANCELLED.code(), "the handler cancelled the request", null);
        } else {
            if (answered.get()) {
                log.debug("handler of {} (request {}) ended after it was answered: {}",
                        method, id, cause.getClass().getName());
                return;
            }
            owner.handlerFailed();
            // Logged here with its stack trace; the wire gets a generic message only.
            log.warn("handler of {} (request {} on {}) failed", method, id, connectionId, cause);
            response = RpcResponses.error(id, RpcErrorCode.INTERNAL_ERROR.code(), "internal error", null);
        }
        answer(response);
    }

    /** Ends the request with an error the handler did not choose (cancel, deadline, busy). */
    void abort(RpcErrorCode code, String message) {
        if (finish(true)) {
            ObjectNode response = RpcResponses.error(id, code.code(), message, null);
            owner.send(connectionId, response);
            owner.answered(this, response);
        }
    }

    /** Ends the request without an answer (its connection or the server closed). */
    void abandon() {
        finish(true);
    }

    private void answer(ObjectNode response) {
        if (finish(false)) {
            owner.send(connectionId, response);
            owner.answered(this, response);
        }
    }

    /** Wins the race to end this request and stops its timer; {@code stopHandler} cancels the handler. */
    private boolean finish(boolean stopHandler) {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        owner.ended(this);
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
}
