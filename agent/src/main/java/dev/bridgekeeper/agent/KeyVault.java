package dev.bridgekeeper.agent;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The secrets the desktop releases to its extensions after the user is verified: one key per
 * user name, held in memory only. The application puts keys in when it unlocks (the user typed a
 * master password, say) and locks the vault when it locks, which zeroes every key. Listeners hear
 * each lock and unlock (the bridge turns them into {@code desktop.locked}/{@code desktop.unlocked}
 * events).
 *
 * <p>Thread-safe. Keys handed in are copied; keys handed out are copies the caller should zero.
 */
public final class KeyVault implements AutoCloseable {
    private final Map<String, byte[]> keys = new HashMap<>();
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private boolean locked = true;

    /** Puts (or replaces) a user's key and unlocks the vault. */
    public void unlock(String user, byte[] key) {
        unlock(Map.of(user, key));
    }

    /** Puts these keys (replacing any for the same users) and unlocks the vault. */
    public void unlock(Map<String, byte[]> newKeys) {
        boolean changed;
        synchronized (this) {
            for (Map.Entry<String, byte[]> e : newKeys.entrySet()) {
                if (e.getValue().length == 0) {
                    throw new IllegalArgumentException("a key must not be empty");
                }
                byte[] old = keys.put(e.getKey(), e.getValue().clone());
                if (old != null) {
                    Arrays.fill(old, (byte) 0);
                }
            }
            changed = locked;
            locked = false;
        }
        if (changed) {
            notifyListeners(false);
        }
    }

    /** Zeroes every key and locks the vault. */
    public void lock() {
        boolean changed;
        synchronized (this) {
            for (byte[] k : keys.values()) {
                Arrays.fill(k, (byte) 0);
            }
            keys.clear();
            changed = !locked;
            locked = true;
        }
        if (changed) {
            notifyListeners(true);
        }
    }

    public synchronized boolean isLocked() {
        return locked;
    }

    /** A copy of the user's key, or empty when locked or when the vault holds none for the user. */
    public synchronized Optional<byte[]> key(String user) {
        if (locked) {
            return Optional.empty();
        }
        byte[] k = keys.get(user);
        return k == null ? Optional.empty() : Optional.of(k.clone());
    }

    /** Hears {@code true} on lock and {@code false} on unlock, on the thread that caused it. */
    public void addListener(Consumer<Boolean> lockedNow) {
        listeners.add(lockedNow);
    }

    private void notifyListeners(boolean lockedNow) {
        for (Consumer<Boolean> l : listeners) {
            try {
                l.accept(lockedNow);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(KeyVault.class).warn("vault listener failed: {}", e.toString());
            }
        }
    }

    /** Locks (zeroing every key). */
    @Override
    public void close() {
        lock();
    }
}
