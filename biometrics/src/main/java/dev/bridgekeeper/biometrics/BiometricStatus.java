package dev.bridgekeeper.biometrics;

import dev.bridgekeeper.biometrics.internal.DetailText;

import java.util.Objects;

/**
 * The answer to {@code biometric.status}.
 *
 * @param availability whether verification can work now
 * @param method       the method's wire name ({@link Authenticator#method()})
 * @param detail       human text saying why and how to fix it, or null; never a secret
 */
public record BiometricStatus(Availability availability, String method, String detail) {

    public BiometricStatus {
        Objects.requireNonNull(availability, "availability");
        Objects.requireNonNull(method, "method");
        detail = DetailText.clean(detail);
    }

    /** Available, with no detail. */
    public static BiometricStatus available(String method) {
        return new BiometricStatus(Availability.AVAILABLE, method, null);
    }
}
