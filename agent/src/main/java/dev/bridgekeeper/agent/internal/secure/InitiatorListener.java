package dev.bridgekeeper.agent.internal.secure;

/**
 * What the extension side (the initiator) tells its user interface. Callbacks run on connection
 * threads and must return quickly.
 */
public interface InitiatorListener {
    /** First contact: show this code; the desktop's user compares it with theirs. */
    default void pairingCode(String code) {}

    /** The secure session is ready; {@code paired} is always true in protocol 1. */
    default void ready(String desktopName, String desktopVersion) {}

    /**
     * The session failed. {@code code} is an {@code error.code} of PROTOCOL.md, or
     * {@code desktop_identity_changed} when the desktop's key differs from the pinned one.
     */
    default void failed(String code, String message) {}

    /** Nothing to show. */
    InitiatorListener NONE = new InitiatorListener() {};
}
