package dev.bridgekeeper.biometrics;

import dev.bridgekeeper.biometrics.internal.Cancellation;
import dev.bridgekeeper.biometrics.internal.PromptRunner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PromptRunnerTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration SHORT = Duration.ofMillis(50);

    private final PromptRunner runner = new PromptRunner("test");

    /** A task that blocks like a native prompt until its native cancel runs. */
    private static final class BlockingPrompt implements PromptRunner.Task<Verification> {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch cancelled = new CountDownLatch(1);
        final AtomicInteger nativeCancels = new AtomicInteger();
        final AtomicReference<Thread> thread = new AtomicReference<>();

        @Override
        public Verification run(Cancellation cancellation) throws InterruptedException {
            thread.set(Thread.currentThread());
            cancellation.onCancel(() -> {
                nativeCancels.incrementAndGet();
                cancelled.countDown();
            });
            started.countDown();
            try {
                assertTrue(cancelled.await(30, TimeUnit.SECONDS), "never cancelled");
            } finally {
                cancellation.clear();
            }
            return Verification.of(Outcome.USER_CANCELLED, "late");
        }
    }

    @Test
    void completesWithTheTaskResultOnADaemonWorkerThread() throws Exception {
        AtomicReference<Thread> worker = new AtomicReference<>();
        Verification result = runner.verify(c -> {
            worker.set(Thread.currentThread());
            return Verification.verified();
        }, LONG).get(10, TimeUnit.SECONDS);
        assertEquals(Outcome.VERIFIED, result.outcome());
        assertNotSame(Thread.currentThread(), worker.get());
        assertTrue(worker.get().isDaemon());
        assertTrue(worker.get().getName().startsWith("bridgekeeper-test-"), worker.get().getName());
        assertTrue(runner.awaitIdle(Duration.ofSeconds(10)));
    }

    @Test
    void deadlineGivesTimedOutAndCancelsTheNativeCall() throws Exception {
        BlockingPrompt prompt = new BlockingPrompt();
        Verification result = runner.verify(prompt, SHORT).get(10, TimeUnit.SECONDS);
        assertEquals(Outcome.TIMED_OUT, result.outcome());
        assertTrue(runner.awaitIdle(Duration.ofSeconds(10)), "the blocked call returned after its cancel");
        assertEquals(1, prompt.nativeCancels.get());
        assertEquals(0, runner.inFlight());
    }

    @Test
    void cancellingTheFutureCancelsTheNativeCall() throws Exception {
        BlockingPrompt prompt = new BlockingPrompt();
        CompletableFuture<Verification> future = runner.verify(prompt, LONG);
        assertTrue(prompt.started.await(10, TimeUnit.SECONDS));
        assertTrue(future.cancel(true));
        assertTrue(runner.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(1, prompt.nativeCancels.get());
        assertTrue(future.isCancelled(), "the late task result does not replace the cancellation");
    }

    @Test
    void aFailingTaskGivesErrorWithItsMessage() throws Exception {
        Verification result = runner.verify(c -> {
            throw new UnsatisfiedLinkError("libfoo.so: cannot open");
        }, LONG).get(10, TimeUnit.SECONDS);
        assertEquals(Outcome.ERROR, result.outcome());
        assertEquals("unexpected failure: UnsatisfiedLinkError: libfoo.so: cannot open", result.detail());
        assertTrue(runner.awaitIdle(Duration.ofSeconds(10)));
    }

    @Test
    void cancelAllReachesEveryRunningTask() throws Exception {
        BlockingPrompt first = new BlockingPrompt();
        BlockingPrompt second = new BlockingPrompt();
        CompletableFuture<Verification> a = runner.verify(first, LONG);
        CompletableFuture<Verification> b = runner.verify(second, LONG);
        assertTrue(first.started.await(10, TimeUnit.SECONDS));
        assertTrue(second.started.await(10, TimeUnit.SECONDS));
        assertEquals(2, runner.inFlight());
        runner.cancelAll();
        assertTrue(runner.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(1, first.nativeCancels.get());
        assertEquals(1, second.nativeCancels.get());
        assertEquals("late", a.get(10, TimeUnit.SECONDS).detail());
        assertEquals("late", b.get(10, TimeUnit.SECONDS).detail());
    }

    @Test
    void submitUsesTheGivenTimeoutValue() throws Exception {
        BlockingPrompt prompt = new BlockingPrompt();
        String value = runner.submit(c -> {
            prompt.run(c);
            return "answer";
        }, SHORT, () -> "too slow", failure -> "failed").get(10, TimeUnit.SECONDS);
        assertEquals("too slow", value);
        assertTrue(runner.awaitIdle(Duration.ofSeconds(10)));
    }

    @Test
    void rejectsANonPositiveTimeout() {
        assertThrows(IllegalArgumentException.class, () -> runner.verify(c -> Verification.verified(), Duration.ZERO));
        assertEquals(0, runner.inFlight());
    }

    @Test
    void cancellationThatCameFirstRunsTheNativeCancelOnRegistration() {
        Cancellation cancellation = new Cancellation();
        cancellation.cancel();
        AtomicInteger runs = new AtomicInteger();
        cancellation.onCancel(runs::incrementAndGet);
        assertEquals(1, runs.get());
        assertTrue(cancellation.isCancelled());
        assertTrue(cancellation.whenCancelled().toCompletableFuture().isDone());
    }

    @Test
    void clearedCancellationNeverRunsTheNativeCancel() {
        Cancellation cancellation = new Cancellation();
        AtomicInteger runs = new AtomicInteger();
        cancellation.onCancel(runs::incrementAndGet);
        cancellation.clear();
        cancellation.cancel();
        cancellation.cancel();
        assertEquals(0, runs.get());
        assertTrue(cancellation.isCancelled());
    }

    @Test
    void aFailingNativeCancelDoesNotBreakTheCanceller() {
        Cancellation cancellation = new Cancellation();
        cancellation.onCancel(() -> {
            throw new IllegalStateException("boom");
        });
        cancellation.cancel();
        assertTrue(cancellation.isCancelled());
        assertFalse(cancellation.whenCancelled().toCompletableFuture().isCompletedExceptionally());
    }
}
