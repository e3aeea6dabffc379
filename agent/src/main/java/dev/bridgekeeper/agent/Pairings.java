package dev.bridgekeeper.agent;

import java.util.List;
import java.util.function.Consumer;

/**
 * The pairings of a running {@link DesktopBridge}: the extensions the user approved, and the
 * requests waiting for an answer. Approving and rejecting by code is what a settings page or the
 * {@code bridgekeeper pairings} command does; an application with its own dialog answers through
 * its {@link PairingApprover} instead (both may be used at once: the first answer counts).
 */
public interface Pairings {

    /** The approved pairings, oldest first. */
    List<PairedExtension> list();

    /** The pairing requests waiting for an answer. */
    List<PairingRequest> pending();

    /**
     * Approves the pending requests showing this six-digit code.
     *
     * @return how many requests were approved (0 if none shows this code)
     */
    int approve(int code);

    /**
     * Rejects the pending requests showing this code.
     *
     * @return how many requests were rejected
     */
    int reject(int code);

    /**
     * Removes a pairing, tells its live connections ({@code pairing.revoked}) and closes them; the
     * extension must pair again.
     *
     * @return how many connections were closed, or -1 if no pairing has this id
     */
    int revoke(String pairingId);

    /** Calls {@code watcher} for every new pairing request (on a connection's thread: do not block). */
    void onRequest(Consumer<PairingRequest> watcher);
}
