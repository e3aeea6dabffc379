package dev.bridgekeeper.biometrics.internal;

import dev.bridgekeeper.biometrics.Authenticator;
import dev.bridgekeeper.biometrics.Availability;
import dev.bridgekeeper.biometrics.BiometricStatus;
import dev.bridgekeeper.biometrics.Verification;
import dev.bridgekeeper.biometrics.VerificationRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The template the polkit, Windows Hello and Touch ID authenticators share: a native binding
 * loaded on first use (its absence is a status, never a crash); {@link #status()} queried on the
 * prompt runner within a timeout; {@link #verify} run there within the request's timeout; and a
 * {@link #close()} that cancels pending prompts and waits briefly for their native calls. A
 * platform supplies only the two native conversations and how long close may wait.
 *
 * @param <P> the platform binding (port) type
 */
public abstract class PromptingAuthenticator<P> implements Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(PromptingAuthenticator.class);

    /** The binding, loaded on first use. */
    protected final NativeBinding<P> binding;
    /** Runs every native call on its own worker thread. */
    protected final PromptRunner runner;
    private final String method;
    private final String apiName;
    private final String timeoutHint;
    private final Duration statusTimeout;

    /**
     * @param method        the wire name ({@code polkit}, {@code windows-hello}, {@code touch-id})
     * @param apiName       the platform API as people know it, for status details
     * @param timeoutHint   appended to the detail of a status query that timed out ("" for none)
     * @param binding       the platform binding
     * @param statusTimeout bound on one status query
     */
    protected PromptingAuthenticator(String method, String apiName, String timeoutHint, NativeBinding<P> binding,
            Duration statusTimeout) {
        this.method = Objects.requireNonNull(method, "method");
        this.apiName = Objects.requireNonNull(apiName, "apiName");
        this.timeoutHint = Objects.requireNonNull(timeoutHint, "timeoutHint");
        this.binding = Objects.requireNonNull(binding, "binding");
        this.statusTimeout = Objects.requireNonNull(statusTimeout, "statusTimeout");
        this.runner = new PromptRunner(method);
    }

    /** Asks the platform whether it can verify the user now; runs on a worker thread. */
    protected abstract BiometricStatus queryStatus(P port, Cancellation cancellation) throws Exception;

    /** Shows the platform's prompt and waits for its answer; runs on a worker thread. */
    protected abstract Verification runVerification(P port, VerificationRequest request, Cancellation cancellation)
            throws Exception;

    /** How long {@link #close()} waits for native calls to return after cancelling them. */
    protected abstract Duration closeGrace();

    @Override
    public final String method() {
        return method;
    }

    @Override
    public final BiometricStatus status() {
        return binding.statusWith(port -> runner.submit(c -> queryStatus(port, c), statusTimeout,
                () -> unavailable(apiName + " did not answer within " + statusTimeout.toSeconds() + " s" + timeoutHint),
                failure -> unavailable(apiName + " query failed: " + failure)).join());
    }

    @Override
    public final CompletableFuture<Verification> verify(VerificationRequest request) {
        Objects.requireNonNull(request, "request");
        return binding.verifyWith(port -> runner.verify(c -> runVerification(port, request, c), request.timeout()));
    }

    /** Cancels pending prompts and waits briefly for their native calls to return. */
    @Override
    public void close() {
        runner.cancelAll();
        try {
            if (!runner.awaitIdle(closeGrace())) {
                LOG.warn("{} calls still running after close", method);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private BiometricStatus unavailable(String detail) {
        return new BiometricStatus(Availability.HARDWARE_UNAVAILABLE, method, detail);
    }
}
