package dev.bridgekeeper.agent;

import java.util.concurrent.CompletableFuture;

/**
 * The application's side of pairing: show the request to the desktop's user and answer.
 *
 * <p>Return a future that completes with {@code true} (approve) or {@code false} (reject). If no
 * answer comes within the pairing deadline (120 s by default) or the connection closes, the
 * pairing is rejected and the future is cancelled, so a dialog can close itself by watching it.
 * Do not block in {@link #approve}; it runs on a connection's thread.
 */
@FunctionalInterface
public interface PairingApprover {
    CompletableFuture<Boolean> approve(PairingRequest request);

    /** Rejects every pairing (a desktop that accepts only extensions it already knows). */
    PairingApprover REJECT_ALL = request -> CompletableFuture.completedFuture(false);
}
