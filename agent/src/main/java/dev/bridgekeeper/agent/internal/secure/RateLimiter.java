package dev.bridgekeeper.agent.internal.secure;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * At most {@code limit} events in any sliding {@code windowNanos}. Uses a monotonic clock, so a
 * wall-clock jump (NTP, a user changing the time) neither opens nor stalls the limit.
 */
public final class RateLimiter {
    private final int limit;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final ArrayDeque<Long> events = new ArrayDeque<>();

    public RateLimiter(int limit, long windowNanos) {
        this(limit, windowNanos, System::nanoTime);
    }

    /** For tests: an injected monotonic clock in nanoseconds. */
    public RateLimiter(int limit, long windowNanos, LongSupplier nanoClock) {
        if (limit < 1 || windowNanos < 1) {
            throw new IllegalArgumentException("limit and window must be positive");
        }
        this.limit = limit;
        this.windowNanos = windowNanos;
        this.nanoClock = nanoClock;
    }

    /** Records an event if the limit allows it; false means refused (and not recorded). */
    public synchronized boolean tryAcquire() {
        long now = nanoClock.getAsLong();
        while (!events.isEmpty() && now - events.peekFirst() >= windowNanos) {
            events.pollFirst();
        }
        if (events.size() >= limit) {
            return false;
        }
        events.addLast(now);
        return true;
    }
}
