package dev.bridgekeeper.biometrics;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** The {@code none} method: nothing can verify the user here; every verification is unavailable. */
public final class NoAuthenticator implements Authenticator {
    public static final String METHOD = "none";

    private final String detail;

    /** @param detail why there is no method (shown to the user), e.g. "biometric unlock is turned off" */
    public NoAuthenticator(String detail) {
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public BiometricStatus status() {
        return new BiometricStatus(Availability.PLATFORM_UNSUPPORTED, METHOD, detail);
    }

    @Override
    public CompletableFuture<Verification> verify(VerificationRequest request) {
        Objects.requireNonNull(request, "request");
        return CompletableFuture.completedFuture(Verification.of(Outcome.UNAVAILABLE, detail));
    }
}
