package dev.bridgekeeper.biometrics.internal;

import dev.bridgekeeper.biometrics.Authenticator;
import dev.bridgekeeper.biometrics.Outcome;
import dev.bridgekeeper.biometrics.Verification;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a blocking native call (an OS prompt, or a status query) on its own worker thread with a
 * deadline. Shared by every platform so that timeout and cancellation behave the same everywhere.
 *
 * <ul>
 *   <li>The returned future completes with the task's value, or with the timeout value at the
 *       deadline, or with the failure value if the task throws.</li>
 *   <li>At the deadline, and when the caller cancels the returned future, the task's
 *       {@link Cancellation} fires, which runs the binding's native cancel (dismissing the prompt).
 *       The future does not wait for the native call to return; {@link #awaitIdle(Duration)} does.</li>
 *   <li>Each task gets a fresh daemon thread: prompts are rare, a native call that never returns
 *       cannot block later prompts, and per-thread OS state (WinRT apartments) starts clean.</li>
 * </ul>
 */
public final class PromptRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PromptRunner.class);

    /** The blocking work; runs on the worker thread and should honour the cancellation. */
    @FunctionalInterface
    public interface Task<T> {
        T run(Cancellation cancellation) throws Exception;
    }

    private final String name;
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();
    private final Object idleLock = new Object();

    /** @param name short name for thread names and logs, e.g. {@code "polkit"} */
    public PromptRunner(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Runs a verification: timeout gives {@link Outcome#TIMED_OUT}, a thrown exception
     * {@link Outcome#ERROR}.
     */
    public CompletableFuture<Verification> verify(Task<Verification> task, Duration timeout) {
        return submit(task, timeout,
                () -> Verification.of(Outcome.TIMED_OUT,
                        "no answer within " + timeout.toSeconds() + " s; the prompt was dismissed"),
                failure -> Verification.of(Outcome.ERROR, "unexpected failure: " + describe(failure)));
    }

    /**
     * Runs {@code task} on a new worker thread.
     *
     * @param onTimeout value to complete with at the deadline
     * @param onFailure value to complete with when the task throws
     */
    public <T> CompletableFuture<T> submit(Task<T> task, Duration timeout, Supplier<T> onTimeout,
            Function<Throwable, T> onFailure) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(onTimeout, "onTimeout");
        Objects.requireNonNull(onFailure, "onFailure");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        Cancellation cancellation = new Cancellation();
        running.add(cancellation);

        ScheduledFuture<?> deadline = Deadlines.SCHEDULER.schedule(() -> {
            if (result.complete(onTimeout.get())) {
                LOG.debug("{} task timed out after {} ms, cancelling", name, timeout.toMillis());
                cancellation.cancel();
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((value, error) -> {
            deadline.cancel(false);
            if (result.isCancelled()) {
                LOG.debug("{} task cancelled by caller", name);
                cancellation.cancel();
            }
        });

        Thread worker = new Thread(() -> work(task, cancellation, result, onFailure),
                "bridgekeeper-" + name + "-" + threadNumber.incrementAndGet());
        worker.setDaemon(true);
        worker.start();
        return result;
    }

    private <T> void work(Task<T> task, Cancellation cancellation, CompletableFuture<T> result,
            Function<Throwable, T> onFailure) {
        long started = System.nanoTime();
        try {
            T value = task.run(cancellation);
            if (!result.complete(value)) {
                LOG.debug("{} native call returned {} ms after the request was settled", name, millisSince(started));
            }
        } catch (Throwable failure) {
            // Includes JNA's LinkageErrors: the caller must get an answer, never a hanging future.
            LOG.warn("{} native call failed after {} ms: {}", name, millisSince(started), describe(failure));
            result.complete(onFailure.apply(failure));
        } finally {
            running.remove(cancellation);
            synchronized (idleLock) {
                idleLock.notifyAll();
            }
        }
    }

    /** Cancels every task still running (used by {@link Authenticator#close()}). */
    public void cancelAll() {
        for (Cancellation c : running) {
            c.cancel();
        }
    }

    /** Number of worker threads still inside their task. */
    public int inFlight() {
        return running.size();
    }

    /** Waits until no task is running; true if that happened within {@code timeout}. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (idleLock) {
            while (!running.isEmpty()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idleLock, left);
            }
        }
        return true;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Exception class and message only: OS error text, never a payload. */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** One daemon thread for all deadlines, created on first use. */
    private static final class Deadlines {
        static final ScheduledExecutorService SCHEDULER = create();

        private static ScheduledExecutorService create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "bridgekeeper-prompt-deadlines");
                t.setDaemon(true);
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }
}
