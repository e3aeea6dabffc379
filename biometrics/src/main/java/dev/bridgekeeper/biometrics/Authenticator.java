package dev.bridgekeeper.biometrics;

import java.util.concurrent.CompletableFuture;

/**
 * Verifies that the desktop user is present, with the operating system's own prompt (polkit
 * authentication agent, Windows Hello, Touch ID).
 *
 * <p>A verification is a yes/no gate, not a cryptographic binding: it proves someone passed the
 * OS prompt, nothing more. Implementations are thread-safe.
 */
public interface Authenticator extends AutoCloseable {

    /** The wire name of the method: {@code polkit}, {@code windows-hello}, {@code touch-id} or {@code none}. */
    String method();

    /**
     * Whether a verification could work now, and if not what the user can do about it. May block
     * briefly on an OS query (bounded by an internal timeout); never throws for expected conditions.
     */
    BiometricStatus status();

    /**
     * Shows the OS prompt and completes with the outcome. Never completes exceptionally for an
     * expected outcome (denied, cancelled, unavailable, timed out, OS error). Cancelling the
     * returned future ({@code cancel(true)}) dismisses the pending prompt where the platform allows.
     */
    CompletableFuture<Verification> verify(VerificationRequest request);

    /** Cancels pending prompts and releases resources; the authenticator is unusable afterwards. */
    @Override
    default void close() {}
}
