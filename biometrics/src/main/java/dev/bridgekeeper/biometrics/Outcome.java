package dev.bridgekeeper.biometrics;

/** How a verification ended. */
public enum Outcome {
    /** The OS confirmed the user. */
    VERIFIED,
    /** The user tried and failed (wrong password, unrecognised finger, too many attempts), or policy refused. */
    DENIED,
    /** The user (or the system on their behalf) dismissed the prompt. */
    USER_CANCELLED,
    /** No answer before the request's timeout; the prompt was dismissed. */
    TIMED_OUT,
    /** No prompt could be shown (nothing enrolled, no authentication agent, daemon not running). */
    UNAVAILABLE,
    /** The OS call failed unexpectedly; detail says how. */
    ERROR
}
