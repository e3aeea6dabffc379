package dev.bridgekeeper.biometrics;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** The {@code none} method: nothing can verify the user here; every verification is unavailable. */
public final class NoAuthenticator implements Authenticator {
    public static final String METHOD = "none";

    private final Availability availability;
    private final String detail;

    /** No method because this platform has none ({@code platform_unsupported}). */
    public NoAuthenticator(String detail) {
        this(Availability.PLATFORM_UNSUPPORTED, detail);
    }

    /**
     * @param availability why there is no method: {@code PLATFORM_UNSUPPORTED}, or {@code NOT_ENABLED}
     *                     when whoever runs the desktop chose none
     * @param detail       the same in words, shown to the user
     */
    public NoAuthenticator(Availability availability, String detail) {
        this.availability = Objects.requireNonNull(availability, "availability");
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public BiometricStatus status() {
        return new BiometricStatus(availability, METHOD, detail);
    }

    @Override
    public CompletableFuture<Verification> verify(VerificationRequest request) {
        Objects.requireNonNull(request, "request");
        return CompletableFuture.completedFuture(Verification.of(Outcome.UNAVAILABLE, detail));
    }
}
