package dev.bridgekeeper.golden;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A {@link SecureRandom} that hands out scripted byte strings in order, so a session's pairing
 * nonce is known in advance. Asking for a different length, or for more than was scripted, is a
 * test failure: it means the code under test draws randomness the transcript does not account for.
 */
final class ScriptedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final transient Deque<byte[]> script;

    ScriptedRandom(List<byte[]> values) {
        this.script = new ArrayDeque<>();
        values.forEach(v -> script.add(v.clone()));
    }

    @Override
    public synchronized void nextBytes(byte[] bytes) {
        byte[] next = script.poll();
        if (next == null) {
            throw new IllegalStateException("asked for " + bytes.length + " random bytes beyond the script");
        }
        if (next.length != bytes.length) {
            throw new IllegalStateException("asked for " + bytes.length + " random bytes, the script has " + next.length);
        }
        System.arraycopy(next, 0, bytes, 0, bytes.length);
    }

    @Override
    public void setSeed(long seed) {
        // SecureRandom's constructor calls this; a script has no seed.
    }

    /** True when every scripted value was used. */
    synchronized boolean exhausted() {
        return script.isEmpty();
    }
}
