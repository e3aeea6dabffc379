package dev.bridgekeeper.noise;

/**
 * A ciphertext failed authentication (altered, truncated, replayed, reordered, or sealed under
 * another key or associated data). The cipher's nonce is not advanced; the connection is over.
 */
public final class DecryptFailedException extends NoiseException {
    private static final long serialVersionUID = 1L;

    public DecryptFailedException(String message) {
        super(message);
    }

    public DecryptFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
