package dev.bridgekeeper.biometrics.internal.macos;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.bridgekeeper.biometrics.Availability;
import dev.bridgekeeper.biometrics.BiometricStatus;
import dev.bridgekeeper.biometrics.internal.Cancellation;
import dev.bridgekeeper.biometrics.internal.NativeBinding;
import dev.bridgekeeper.biometrics.Outcome;
import dev.bridgekeeper.biometrics.Platform;
import dev.bridgekeeper.biometrics.internal.PromptRunner;
import dev.bridgekeeper.biometrics.internal.PromptingAuthenticator;
import dev.bridgekeeper.biometrics.Verification;
import dev.bridgekeeper.biometrics.VerificationRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * macOS user verification through LocalAuthentication ({@code LAContext}, Touch ID), called
 * through the Objective-C runtime from JNA without a helper dylib.
 *
 * <ul>
 *   <li>{@link #status()}: {@code canEvaluatePolicy:error:}; the NSError code says why not.</li>
 *   <li>{@link #verify}: {@code evaluatePolicy:localizedReason:reply:} with the request's reason
 *       and a forged block ({@link ReplyBlocks}). The worker thread waits for the reply; cancel and
 *       timeout call {@code [context invalidate]}, which dismisses the sheet and makes the reply
 *       fire with {@code LAErrorAppCancel}. The context is released after the reply; if no reply
 *       comes within a grace period after invalidating, the context is deliberately leaked rather
 *       than freed under LocalAuthentication's feet.</li>
 *   <li>The default policy is biometrics only ({@link LocalAuthPort#POLICY_BIOMETRICS}); the
 *       password fallback button then ends the prompt as a cancel.</li>
 *   <li>A plain {@code java} process is named as the requester in the sheet unless it runs inside
 *       an application bundle.</li>
 * </ul>
 *
 * <p>Unverified on hardware: written against the documented API; run
 * docs/biometrics-manual-test.md on a real macOS machine.
 */
public final class TouchIdAuthenticator extends PromptingAuthenticator<LocalAuthPort> {
    private static final Logger LOG = LoggerFactory.getLogger(TouchIdAuthenticator.class);

    public static final String METHOD = "touch-id";
    static final String LA_ERROR_DOMAIN = "com.apple.LocalAuthentication";
    static final Duration DEFAULT_CANCEL_GRACE = Duration.ofSeconds(5);
    static final Duration DEFAULT_STATUS_TIMEOUT = Duration.ofSeconds(10);

    /** What one {@code LAError} code means for a verification and for the status. */
    record LaError(long code, String name, Outcome outcome, Availability availability, String detail) {}

    /** Every LAError code (LAError.h); anything else is reported as an unknown error. */
    static final List<LaError> LA_ERRORS = List.of(
            new LaError(-1, "authenticationFailed", Outcome.DENIED, Availability.AVAILABLE,
                    "Touch ID did not recognise the user"),
            new LaError(-2, "userCancel", Outcome.USER_CANCELLED, Availability.AVAILABLE,
                    "the user cancelled the Touch ID prompt"),
            new LaError(-3, "userFallback", Outcome.USER_CANCELLED, Availability.AVAILABLE,
                    "the user chose the password fallback, which this prompt does not offer"),
            new LaError(-4, "systemCancel", Outcome.USER_CANCELLED, Availability.AVAILABLE,
                    "macOS cancelled the prompt (another application became active or the screen locked)"),
            new LaError(-5, "passcodeNotSet", Outcome.UNAVAILABLE, Availability.NOT_ENABLED,
                    "this Mac user has no login password set; set one to use Touch ID"),
            new LaError(-6, "biometryNotAvailable", Outcome.UNAVAILABLE, Availability.HARDWARE_UNAVAILABLE,
                    "this Mac has no usable Touch ID sensor"),
            new LaError(-7, "biometryNotEnrolled", Outcome.UNAVAILABLE, Availability.NOT_ENABLED,
                    "no fingerprint is enrolled: System Settings > Touch ID & Password"),
            new LaError(-8, "biometryLockout", Outcome.DENIED, Availability.HARDWARE_UNAVAILABLE,
                    "Touch ID is locked after too many failed attempts; unlock the Mac with its password to re-enable it"),
            new LaError(-9, "appCancel", Outcome.USER_CANCELLED, Availability.AVAILABLE,
                    "the prompt was cancelled by Bridgekeeper"),
            new LaError(-10, "invalidContext", Outcome.ERROR, Availability.HARDWARE_UNAVAILABLE,
                    "the LocalAuthentication context was already invalidated"),
            new LaError(-11, "companionNotAvailable", Outcome.UNAVAILABLE, Availability.HARDWARE_UNAVAILABLE,
                    "no paired Apple Watch or companion device is nearby"),
            new LaError(-12, "biometryNotPaired", Outcome.UNAVAILABLE, Availability.HARDWARE_UNAVAILABLE,
                    "no Magic Keyboard with Touch ID is paired"),
            new LaError(-13, "biometryDisconnected", Outcome.UNAVAILABLE, Availability.HARDWARE_UNAVAILABLE,
                    "the Magic Keyboard with Touch ID is not connected"),
            new LaError(-14, "invalidDimensions", Outcome.ERROR, Availability.HARDWARE_UNAVAILABLE,
                    "LocalAuthentication rejected the request's dimensions"),
            new LaError(-1004, "notInteractive", Outcome.UNAVAILABLE, Availability.HARDWARE_UNAVAILABLE,
                    "the Touch ID prompt cannot be shown from this session (no user interface, e.g. over SSH)"));

    private static final Map<Long, LaError> BY_CODE =
            LA_ERRORS.stream().collect(Collectors.toUnmodifiableMap(LaError::code, Function.identity()));

    private final long policy;
    private final Duration cancelGrace;

    /** The real authenticator; loads libobjc and LocalAuthentication on first use, and only on macOS. */
    public static TouchIdAuthenticator create() {
        return new TouchIdAuthenticator(Platform.current(), JnaLocalAuthPort::load);
    }

    /**
     * @param platform the platform this process runs on; the loader runs only on macOS
     * @param loader   loads the binding ({@code JnaLocalAuthPort::load} for real)
     */
    public TouchIdAuthenticator(Platform platform, NativeBinding.Loader<LocalAuthPort> loader) {
        this(platform, loader, LocalAuthPort.POLICY_BIOMETRICS, DEFAULT_CANCEL_GRACE, DEFAULT_STATUS_TIMEOUT);
    }

    TouchIdAuthenticator(Platform platform, NativeBinding.Loader<LocalAuthPort> loader, long policy,
            Duration cancelGrace, Duration statusTimeout) {
        super(METHOD, "LocalAuthentication", "", new NativeBinding<>(METHOD, Platform.MACOS, platform, loader,
                failure -> new BiometricStatus(Availability.PLATFORM_UNSUPPORTED, METHOD,
                        "LocalAuthentication is not available (" + failure.getMessage() + ")")),
                statusTimeout);
        this.policy = policy;
        this.cancelGrace = Objects.requireNonNull(cancelGrace, "cancelGrace");
    }

    @Override
    protected Duration closeGrace() {
        return cancelGrace.plusSeconds(1);
    }

    PromptRunner runner() {
        return runner;
    }

    // ---- status ----------------------------------------------------------------------------

    @Override
    protected BiometricStatus queryStatus(LocalAuthPort port, Cancellation cancellation) {
        Pointer pool = port.autoreleasePoolPush();
        try {
            Pointer context = port.newContext();
            if (context == null) {
                return status(Availability.HARDWARE_UNAVAILABLE, "could not create an LAContext");
            }
            try {
                PointerByReference errorRef = new PointerByReference();
                if (port.canEvaluatePolicy(context, policy, errorRef)) {
                    return BiometricStatus.available(METHOD);
                }
                Pointer error = errorRef.getValue();
                if (error == null) {
                    return status(Availability.HARDWARE_UNAVAILABLE, "LocalAuthentication refused without saying why");
                }
                return statusFor(port.errorDomain(error), port.errorCode(error));
            } finally {
                port.release(context);
            }
        } finally {
            port.autoreleasePoolPop(pool); // frees the autoreleased NSError
        }
    }

    static BiometricStatus statusFor(String domain, long code) {
        LaError known = LA_ERROR_DOMAIN.equals(domain) ? BY_CODE.get(code) : null;
        if (known == null) {
            return status(Availability.HARDWARE_UNAVAILABLE, "LocalAuthentication refused: " + domain + " error " + code);
        }
        if (known.availability() == Availability.AVAILABLE) {
            // canEvaluatePolicy does not normally answer with a prompt outcome; report it rather than guess.
            return status(Availability.HARDWARE_UNAVAILABLE, "LocalAuthentication refused: " + known.name());
        }
        return status(known.availability(), known.detail());
    }

    // ---- verification ----------------------------------------------------------------------

    @Override
    protected Verification runVerification(LocalAuthPort port, VerificationRequest request, Cancellation cancellation)
            throws InterruptedException {
        if (cancellation.isCancelled()) {
            return Verification.of(Outcome.USER_CANCELLED, "cancelled before the Touch ID prompt was shown");
        }
        Pointer pool = port.autoreleasePoolPush();
        try {
            Pointer context = port.newContext();
            if (context == null) {
                return Verification.of(Outcome.ERROR, "could not create an LAContext");
            }
            boolean safeToRelease = true;
            try {
                CompletableFuture<Verification> reply = new CompletableFuture<>();
                port.evaluatePolicy(context, policy, request.reason(),
                        (success, error) -> reply.complete(success ? Verification.verified() : outcomeFor(port, error)));
                cancellation.onCancel(() -> port.invalidate(context));
                Verification answer;
                try {
                    answer = awaitReply(reply, cancellation);
                } finally {
                    cancellation.clear();
                }
                if (answer == null) {
                    safeToRelease = false;
                    LOG.warn("no Touch ID reply {} ms after invalidate; leaking the LAContext", cancelGrace.toMillis());
                    return Verification.of(Outcome.ERROR, "LocalAuthentication did not answer after the prompt was cancelled");
                }
                return answer;
            } finally {
                if (safeToRelease) {
                    port.release(context);
                }
            }
        } finally {
            port.autoreleasePoolPop(pool);
        }
    }

    /** The reply, or null when the prompt was cancelled and no reply came within the grace period. */
    private Verification awaitReply(CompletableFuture<Verification> reply, Cancellation cancellation)
            throws InterruptedException {
        try {
            CompletableFuture.anyOf(reply, cancellation.whenCancelled().toCompletableFuture()).get();
            if (reply.isDone()) {
                return reply.get();
            }
            return reply.get(cancelGrace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException("reply handler failed", e.getCause());
        }
    }

    /** Runs inside the reply, while {@code error} is still valid. */
    private static Verification outcomeFor(LocalAuthPort port, Pointer error) {
        if (error == null) {
            return Verification.of(Outcome.ERROR, "LocalAuthentication refused without an error");
        }
        return outcomeFor(port.errorDomain(error), port.errorCode(error));
    }

    static Verification outcomeFor(String domain, long code) {
        LaError known = LA_ERROR_DOMAIN.equals(domain) ? BY_CODE.get(code) : null;
        if (known == null) {
            return Verification.of(Outcome.ERROR, "LocalAuthentication failed: " + domain + " error " + code);
        }
        return Verification.of(known.outcome(), known.detail());
    }

    private static BiometricStatus status(Availability availability, String detail) {
        return new BiometricStatus(availability, METHOD, detail);
    }
}
