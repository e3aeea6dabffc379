package dev.bridgekeeper.ipc;

import dev.bridgekeeper.protocol.WireRpcError;
import java.util.Optional;

/**
 * The RPC error codes of PROTOCOL.md §6.6, each with its wire code and name, both taken from the
 * protocol's vocabulary.
 */
public enum RpcErrorCode {
    /** The message is not valid JSON. */
    PARSE_ERROR(WireRpcError.PARSE_ERROR),
    /** Missing or malformed id or method. */
    INVALID_REQUEST(WireRpcError.INVALID_REQUEST),
    /** No handler for the method. */
    METHOD_NOT_FOUND(WireRpcError.METHOD_NOT_FOUND),
    /** The params do not fit the method. */
    INVALID_PARAMS(WireRpcError.INVALID_PARAMS),
    /** The handler failed; the message carries no stack trace or secret. */
    INTERNAL_ERROR(WireRpcError.INTERNAL_ERROR),
    /** The session is not paired yet. */
    NOT_PAIRED(WireRpcError.NOT_PAIRED),
    /** The desktop holds no key to release. */
    LOCKED(WireRpcError.LOCKED),
    /** The user dismissed the OS prompt. */
    USER_CANCELLED(WireRpcError.USER_CANCELLED),
    /** Biometrics cannot be used; {@code data.status} says why. */
    BIOMETRICS_UNAVAILABLE(WireRpcError.BIOMETRICS_UNAVAILABLE),
    /** No answer in time. */
    TIMEOUT(WireRpcError.TIMEOUT),
    /** Too many requests or prompts. */
    RATE_LIMITED(WireRpcError.RATE_LIMITED),
    /** The caller needs a newer channel version. */
    VERSION_MISMATCH(WireRpcError.VERSION_MISMATCH),
    /** {@code rpc.cancel} arrived first (or the handler gave up). */
    CANCELLED(WireRpcError.CANCELLED),
    /** The message is over the receiver's limit. */
    TOO_LARGE(WireRpcError.TOO_LARGE);

    private final int code;
    private final String wireName;

    RpcErrorCode(WireRpcError wire) {
        this.code = wire.code();
        this.wireName = wire.wireName();
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
