package dev.bridgekeeper.biometrics;

import java.time.Duration;
import java.util.Objects;

/**
 * What to ask the user.
 *
 * @param reason       shown in the prompt where the platform shows one (Windows Hello, Touch ID);
 *                     polkit shows the action's fixed message instead. 1 to {@value #MAX_REASON_LENGTH}
 *                     characters, no control characters.
 * @param parentWindow native window handle to attach the prompt to (Windows HWND), 0 for none
 * @param timeout      how long the user has to answer; null means {@link #DEFAULT_TIMEOUT};
 *                     at most {@link #MAX_TIMEOUT}
 */
public record VerificationRequest(String reason, long parentWindow, Duration timeout) {

    /** PROTOCOL.md: "the prompt times out after 60 s". */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    public static final int MAX_REASON_LENGTH = 200;

    public VerificationRequest {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason must not be blank");
        }
        if (reason.length() > MAX_REASON_LENGTH) {
            throw new IllegalArgumentException(
                    "reason is " + reason.length() + " characters, at most " + MAX_REASON_LENGTH + " allowed");
        }
        for (int i = 0; i < reason.length(); i++) {
            if (Character.isISOControl(reason.charAt(i))) {
                throw new IllegalArgumentException("reason contains a control character at index " + i);
            }
        }
        if (timeout == null) {
            timeout = DEFAULT_TIMEOUT;
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout " + timeout + " exceeds the maximum " + MAX_TIMEOUT);
        }
    }

    /** A request with no parent window and the default 60 s timeout. */
    public VerificationRequest(String reason) {
        this(reason, 0L, DEFAULT_TIMEOUT);
    }
}
