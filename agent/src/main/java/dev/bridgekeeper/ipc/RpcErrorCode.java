package dev.bridgekeeper.ipc;

import java.util.Optional;

/** The RPC error codes of PROTOCOL.md §6, each with its wire code and name. */
public enum RpcErrorCode {
    /** The message is not valid JSON. */
    PARSE_ERROR(-32700, "parse_error"),
    /** Missing or malformed id or method. */
    INVALID_REQUEST(-32600, "invalid_request"),
    /** No handler for the method. */
    METHOD_NOT_FOUND(-32601, "method_not_found"),
    /** The params do not fit the method. */
    INVALID_PARAMS(-32602, "invalid_params"),
    /** The handler failed; the message carries no stack trace or secret. */
    INTERNAL_ERROR(-32603, "internal_error"),
    /** The session is not paired yet. */
    NOT_PAIRED(-32000, "not_paired"),
    /** The desktop holds no key to release. */
    LOCKED(-32001, "locked"),
    /** The user dismissed the OS prompt. */
    USER_CANCELLED(-32002, "user_cancelled"),
    /** Biometrics cannot be used; {@code data.status} says why. */
    BIOMETRICS_UNAVAILABLE(-32003, "biometrics_unavailable"),
    /** No answer in time. */
    TIMEOUT(-32004, "timeout"),
    /** Too many requests or prompts. */
    RATE_LIMITED(-32005, "rate_limited"),
    /** The caller needs a newer channel version. */
    VERSION_MISMATCH(-32006, "version_mismatch"),
    /** {@code rpc.cancel} arrived first (or the handler gave up). */
    CANCELLED(-32007, "cancelled"),
    /** The message is over the receiver's limit. */
    TOO_LARGE(-32008, "too_large");

    private final int code;
    private final String wireName;

    RpcErrorCode(int code, String wireName) {
        this.code = code;
        this.wireName = wireName;
    }

    /** The integer sent as {@code error.code}. */
    public int code() {
        return code;
    }

    /** The protocol's name for it, such as {@code not_paired}. */
    public String wireName() {
        return wireName;
    }

    /** The constant with this wire code, if it is one of the table's. */
    public static Optional<RpcErrorCode> fromCode(int code) {
        for (RpcErrorCode c : values()) {
            if (c.code == code) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
