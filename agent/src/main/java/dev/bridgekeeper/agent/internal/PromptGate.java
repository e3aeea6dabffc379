package dev.bridgekeeper.agent.internal;

import dev.bridgekeeper.agent.internal.secure.RateLimiter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * At most one OS prompt per user at a time, and at most a few a minute: a page or extension that
 * asks in a loop must not bury the user in dialogs. Refused asks become {@code rate_limited}.
 */
public final class PromptGate {
    private final int perMinute;
    private final Set<String> showing = new HashSet<>();
    private final Map<String, RateLimiter> limits = new HashMap<>();

    public PromptGate(int perMinute) {
        this.perMinute = perMinute;
    }

    /** Why a prompt may not be shown now, or null when it may (and is then counted as showing). */
    synchronized String tryAcquire(String user) {
        if (showing.contains(user)) {
            return "a verification prompt is already showing for this user";
        }
        RateLimiter limit = limits.computeIfAbsent(user, u -> new RateLimiter(perMinute, TimeUnit.MINUTES.toNanos(1)));
        if (!limit.tryAcquire()) {
            return "too many verification prompts; wait a minute";
        }
        showing.add(user);
        return null;
    }

    synchronized void release(String user) {
        showing.remove(user);
    }
}
