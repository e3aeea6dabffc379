package dev.bridgekeeper.biometrics.internal.macos;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * LocalAuthentication as documented: replies come on another thread, {@code invalidate} makes a
 * pending evaluation reply with appCancel (-9). Keeps books on contexts, NSErrors and pools.
 */
final class FakeLocalAuthPort implements LocalAuthPort {
    static final String LA_DOMAIN = "com.apple.LocalAuthentication";

    // ---- scenario ----
    volatile boolean canEvaluate = true;
    volatile long canEvaluateError = -7;
    volatile String errorDomain = LA_DOMAIN;
    /** null: reply success; else reply failure with this code. */
    volatile Long replyError;
    /** The evaluation waits for invalidate (a prompt nobody answers). */
    volatile boolean waitForInvalidate;
    /** invalidate does nothing (a reply that never comes). */
    volatile boolean ignoreInvalidate;
    volatile RuntimeException evaluateThrows;

    // ---- observations ----
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger pools = new AtomicInteger();
    final AtomicInteger invalidations = new AtomicInteger();
    final CountDownLatch evaluating = new CountDownLatch(1);
    volatile long evaluatedPolicy;
    volatile String evaluatedReason;
    volatile Thread evaluateThread;

    private final AtomicLong nextHandle = new AtomicLong();
    private final Map<Long, String> live = new ConcurrentHashMap<>();
    private final Map<Long, Long> errorCodes = new ConcurrentHashMap<>();
    private final Map<Long, Reply> pending = new ConcurrentHashMap<>();

    private final List<Thread> replyThreads = Collections.synchronizedList(new ArrayList<>());

    /** Objects not released, once every reply thread has finished its own bookkeeping. */
    List<String> live() throws InterruptedException {
        synchronized (replyThreads) {
            for (Thread t : replyThreads) {
                t.join(10_000);
            }
        }
        return new ArrayList<>(live.values());
    }

    private Pointer allocate(String kind) {
        long handle = nextHandle.incrementAndGet() * 16;
        live.put(handle, kind);
        return new Pointer(handle);
    }

    private void use(Pointer p, String kind, String call) {
        if (p == null || !kind.equals(live.get(Pointer.nativeValue(p)))) {
            problems.add(call + " on " + p + " which is not a live " + kind);
        }
    }

    private Pointer autoreleasedError(long code) {
        Pointer error = allocate("NSError (autoreleased)");
        errorCodes.put(Pointer.nativeValue(error), code);
        return error;
    }

    @Override
    public Pointer autoreleasePoolPush() {
        pools.incrementAndGet();
        return allocate("pool");
    }

    @Override
    public void autoreleasePoolPop(Pointer pool) {
        use(pool, "pool", "pop");
        pools.decrementAndGet();
        live.remove(Pointer.nativeValue(pool));
        live.values().remove("NSError (autoreleased)"); // drained with the pool
    }

    @Override
    public Pointer newContext() {
        return allocate("LAContext");
    }

    @Override
    public boolean canEvaluatePolicy(Pointer context, long policy, PointerByReference error) {
        use(context, "LAContext", "canEvaluatePolicy");
        if (pools.get() == 0) {
            problems.add("canEvaluatePolicy outside an autorelease pool");
        }
        if (!canEvaluate) {
            error.setValue(autoreleasedError(canEvaluateError));
        }
        return canEvaluate;
    }

    @Override
    public void evaluatePolicy(Pointer context, long policy, String reason, Reply reply) {
        use(context, "LAContext", "evaluatePolicy");
        evaluatedPolicy = policy;
        evaluatedReason = reason;
        evaluateThread = Thread.currentThread();
        if (evaluateThrows != null) {
            throw evaluateThrows;
        }
        if (waitForInvalidate) {
            pending.put(Pointer.nativeValue(context), reply);
        } else {
            replyLater(reply, replyError);
        }
        evaluating.countDown();
    }

    /** Replies on another thread, with an NSError valid only during the reply. */
    private void replyLater(Reply reply, Long code) {
        Thread thread = new Thread(() -> {
            if (code == null) {
                reply.done(true, null);
                return;
            }
            Pointer error = allocate("NSError (block argument)");
            errorCodes.put(Pointer.nativeValue(error), code);
            reply.done(false, error);
            live.remove(Pointer.nativeValue(error));
        }, "fake-localauthentication");
        replyThreads.add(thread);
        thread.start();
    }

    @Override
    public void invalidate(Pointer context) {
        use(context, "LAContext", "invalidate");
        invalidations.incrementAndGet();
        Reply reply = pending.remove(Pointer.nativeValue(context));
        if (reply != null && !ignoreInvalidate) {
            replyLater(reply, -9L);
        }
    }

    @Override
    public void release(Pointer object) {
        use(object, "LAContext", "release");
        if (pending.containsKey(Pointer.nativeValue(object))) {
            problems.add("LAContext released while its evaluation is pending");
        }
        live.remove(Pointer.nativeValue(object));
    }

    @Override
    public long errorCode(Pointer error) {
        String kind = live.get(Pointer.nativeValue(error));
        if (kind == null || !kind.startsWith("NSError")) {
            problems.add("[error code] on a dead NSError");
            return 0;
        }
        return errorCodes.get(Pointer.nativeValue(error));
    }

    @Override
    public String errorDomain(Pointer error) {
        errorCode(error);
        return errorDomain;
    }
}
