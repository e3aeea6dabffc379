package dev.bridgekeeper.biometrics;

import dev.bridgekeeper.biometrics.internal.DetailText;

import java.util.Objects;

/**
 * The outcome of one verification.
 *
 * @param outcome how it ended
 * @param detail  human text for logs and the user (why it failed), or null; never a secret
 */
public record Verification(Outcome outcome, String detail) {

    public Verification {
        Objects.requireNonNull(outcome, "outcome");
        detail = DetailText.clean(detail);
    }

    /** The user was verified. */
    public static Verification verified() {
        return new Verification(Outcome.VERIFIED, null);
    }

    public static Verification of(Outcome outcome, String detail) {
        return new Verification(outcome, detail);
    }

    /** True only for {@link Outcome#VERIFIED}. */
    public boolean isVerified() {
        return outcome == Outcome.VERIFIED;
    }
}
