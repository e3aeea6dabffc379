package dev.bridgekeeper.protocol;

/**
 * Input from a peer that breaks docs/PROTOCOL.md: hostile or broken, never a bug on this side
 * (those are {@link IllegalStateException}s and the like). It names the {@code error} code that
 * answers it; the message is for people, carries no payload or secret, and may be sent.
 */
public final class ProtocolViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient EnvelopeErrorCode code;

    public ProtocolViolation(EnvelopeErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** The code of the {@code error} envelope that answers this violation. */
    public EnvelopeErrorCode code() {
        return code;
    }
}
