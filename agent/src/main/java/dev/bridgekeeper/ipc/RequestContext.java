package dev.bridgekeeper.ipc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a handler knows about the request it serves: who sent it, until when it may run, and
 * whether it was cancelled ({@code rpc.cancel} from the caller, the handler deadline, the
 * connection closing or the client closing). A cancelled request has already been answered (or
 * cannot be); the handler should stop and release what it holds, such as an OS prompt.
 */
public final class RequestContext {
    private static final Logger log = LoggerFactory.getLogger(RequestContext.class);

    private final Source source;
    private final String method;
    private final String requestId;
    private final Instant deadline;
    private final CompletableFuture<Void> cancelled = new CompletableFuture<>();
    private final List<Runnable> cancelCallbacks = new ArrayList<>();

    public RequestContext(Source source, String method, String requestId, Instant deadline) {
        this.source = Objects.requireNonNull(source);
        this.method = Objects.requireNonNull(method);
        this.requestId = Objects.requireNonNull(requestId);
        this.deadline = Objects.requireNonNull(deadline);
    }

    /** Who sent the request (set by this side, never by the sender). */
    public Source source() {
        return source;
    }

    /** The RPC method name. */
    public String method() {
        return method;
    }

    /** The caller's request id. */
    public String requestId() {
        return requestId;
    }

    /** When this side stops waiting for the handler and answers {@code timeout}. */
    public Instant deadline() {
        return deadline;
    }

    /** True once the request was cancelled. */
    public boolean isCancelled() {
        return cancelled.isDone();
    }

    /** Completes when the request is cancelled; never completes otherwise. */
    public CompletionStage<Void> whenCancelled() {
        return cancelled.minimalCompletionStage();
    }

    /**
     * Runs {@code callback} when the request is cancelled (at once, on this thread, if it already
     * was). Callbacks must be quick and must not throw; they run on the thread that cancels.
     */
    public void onCancel(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        synchronized (cancelCallbacks) {
            if (!cancelled.isDone()) {
                cancelCallbacks.add(callback);
                return;
            }
        }
        runQuietly(callback);
    }

    /** Marks the request cancelled and runs the callbacks once. */
    public void cancel() {
        List<Runnable> toRun;
        synchronized (cancelCallbacks) {
            if (!cancelled.complete(null)) {
                return;
            }
            toRun = new ArrayList<>(cancelCallbacks);
            cancelCallbacks.clear();
        }
        toRun.forEach(this::runQuietly);
    }

    private void runQuietly(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.warn("cancel callback of {} (request {}) failed", method, requestId, e);
        }
    }
}
