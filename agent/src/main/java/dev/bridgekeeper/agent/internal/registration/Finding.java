package dev.bridgekeeper.agent.internal.registration;

import java.util.Objects;

/**
 * One result of one check.
 *
 * @param status  how it went
 * @param subject what was checked: a browser id ({@code chrome}, {@code firefox-flatpak}), or
 *                {@code agent}, {@code polkit}, {@code browsers}
 * @param check   which check: {@code manifest}, {@code json}, {@code name}, {@code type},
 *                {@code path}, {@code allowed}, {@code launch}, {@code policy}, {@code socket}, ...
 * @param message what was found, for a person
 * @param fix     what to do about it; null when nothing needs doing
 */
public record Finding(Status status, String subject, String check, String message, String fix) {

    /** Outcome of a check; only {@link #FAIL} makes the doctor exit non-zero. */
    public enum Status {
        /** The check passed. */
        OK,
        /** Something worth knowing that does not need fixing. */
        INFO,
        /** Works, but a feature is missing or degraded (e.g. no agent running). */
        WARN,
        /** Native messaging will not work until this is fixed. */
        FAIL
    }

    public Finding {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(message, "message");
    }

    public static Finding ok(String subject, String check, String message) {
        return new Finding(Status.OK, subject, check, message, null);
    }

    public static Finding info(String subject, String check, String message) {
        return new Finding(Status.INFO, subject, check, message, null);
    }

    public static Finding warn(String subject, String check, String message, String fix) {
        return new Finding(Status.WARN, subject, check, message, fix);
    }

    public static Finding fail(String subject, String check, String message, String fix) {
        return new Finding(Status.FAIL, subject, check, message, fix);
    }
}
