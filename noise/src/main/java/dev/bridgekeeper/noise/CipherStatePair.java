package dev.bridgekeeper.noise;

import java.util.Objects;

/**
 * The two CipherStates returned by Split() (spec section 5.2): the first encrypts what the
 * initiator sends to the responder, the second what the responder sends back. In one-way
 * patterns (N, K, X) only {@link #initiatorToResponder()} may be used.
 */
public record CipherStatePair(CipherState initiatorToResponder, CipherState responderToInitiator) {

    public CipherStatePair {
        Objects.requireNonNull(initiatorToResponder, "initiatorToResponder");
        Objects.requireNonNull(responderToInitiator, "responderToInitiator");
    }

    /** The CipherState this party encrypts with. */
    public CipherState sender(boolean initiator) {
        return initiator ? initiatorToResponder : responderToInitiator;
    }

    /** The CipherState this party decrypts with. */
    public CipherState receiver(boolean initiator) {
        return initiator ? responderToInitiator : initiatorToResponder;
    }

    /** Zeroes both keys. */
    public void destroy() {
        initiatorToResponder.destroy();
        responderToInitiator.destroy();
    }
}
