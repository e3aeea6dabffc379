package dev.bridgekeeper.agent.internal.ipc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts refused connections so that a flood of them is reported, but in at most one log line
 * per {@link #INTERVAL_MS}, saying how many were refused since the last line.
 */
public final class RefusalCount {
    public static final long INTERVAL_MS = 10_000;

    private final AtomicLong sinceLine = new AtomicLong();
    private volatile long lastLine;

    /** Counts one refusal; returns how many to report now (this one included), or 0 to stay quiet. */
    public long count() {
        long n = sinceLine.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastLine < INTERVAL_MS) {
            return 0;
        }
        lastLine = now;
        sinceLine.addAndGet(-n);
        return n;
    }
}
