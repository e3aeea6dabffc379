package dev.bridgekeeper.biometrics.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The cancel signal of one prompt, shared by the worker running the native call and whoever
 * cancels it (the caller cancelling the future, or the deadline).
 *
 * <p>The worker registers how to interrupt its native call with {@link #onCancel(Runnable)} while
 * the native handle is alive and calls {@link #clear()} before freeing that handle. Because both
 * and the cancel itself hold this object's lock, a native cancel never runs on a freed handle.
 */
public final class Cancellation {
    private final CompletableFuture<Void> signal = new CompletableFuture<>();
    private boolean cancelled;
    private Runnable nativeCancel;

    /** True once the prompt was cancelled (by the caller or by its deadline). */
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Completes when the prompt is cancelled; for workers that wait on something else too. */
    public CompletionStage<Void> whenCancelled() {
        return signal;
    }

    /**
     * Registers the action that interrupts the native call in progress. If the prompt is already
     * cancelled, runs it at once on this thread, so a cancel that came early is not lost.
     */
    public synchronized void onCancel(Runnable action) {
        if (cancelled) {
            runQuietly(action);
        } else {
            nativeCancel = action;
        }
    }

    /** Forgets the registered action; once this returns, it is not running and will not run. */
    public synchronized void clear() {
        nativeCancel = null;
    }

    /** Cancels once; later calls do nothing. */
    public void cancel() {
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            if (nativeCancel != null) {
                runQuietly(nativeCancel);
                nativeCancel = null;
            }
        }
        signal.complete(null);
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException | LinkageError e) {
            // A failed native cancel must not break the canceller; the deadline still settles the future.
            org.slf4j.LoggerFactory.getLogger(Cancellation.class).warn("native cancel failed: {}", e.toString());
        }
    }
}
