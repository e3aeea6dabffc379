package dev.bridgekeeper.noise;

/**
 * A Noise message from the peer could not be accepted: it arrived out of turn, has the wrong
 * length, carries an invalid public key, or fails to decrypt ({@link DecryptFailedException}).
 *
 * <p>The session must be treated as failed. The object that threw it has not changed its state, so
 * nothing else is lost, but callers should not retry with other input from the same peer.
 */
public class NoiseException extends Exception {
    private static final long serialVersionUID = 1L;

    public NoiseException(String message) {
        super(message);
    }

    public NoiseException(String message, Throwable cause) {
        super(message, cause);
    }
}
