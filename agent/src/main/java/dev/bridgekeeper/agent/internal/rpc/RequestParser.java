package dev.bridgekeeper.agent.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridgekeeper.agent.internal.ipc.IpcCodec;
import dev.bridgekeeper.agent.internal.ipc.Topics;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.protocol.Limits;
import java.util.Objects;

/**
 * Reads an {@code rpc.request} payload: the first three checks of PROTOCOL.md §6.5 (the payload
 * is an object with a valid id; the method is a valid name; params are an object or null), in that
 * order. What depends on the server's state (pairing, handlers, load) is checked by the server.
 */
final class RequestParser {
    private RequestParser() {}

    /** What a payload reads as: a request, or the error that answers it. */
    sealed interface Parsed permits Request, Rejection {}

    /** A well-formed request; {@code params} is null for a missing or null {@code params}. */
    record Request(String id, String method, JsonNode params) implements Parsed {}

    /** A malformed request and its answer; {@code id} is null when no valid id could be read. */
    record Rejection(String id, RpcErrorCode code, String message) implements Parsed {}

    static Parsed parse(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            return new Rejection(null, RpcErrorCode.INVALID_REQUEST, "request payload must be an object");
        }
        String id = validId(payload.get("id"));
        if (id == null) {
            return new Rejection(null, RpcErrorCode.INVALID_REQUEST,
                    "request needs an id: a string of 1 to " + Limits.MAX_RPC_ID_CHARS + " characters");
        }
        JsonNode methodNode = payload.get("method");
        if (methodNode == null || !methodNode.isTextual() || !isMethodName(methodNode.textValue())) {
            return new Rejection(id, RpcErrorCode.INVALID_REQUEST, "request needs a method name");
        }
        JsonNode rawParams = payload.get("params");
        JsonNode params = rawParams == null || rawParams.isNull() ? null : rawParams;
        if (params != null && !params.isObject()) {
            return new Rejection(id, RpcErrorCode.INVALID_PARAMS, "params must be an object or null");
        }
        return new Request(id, methodNode.textValue(), params);
    }

    /** The id if it is a valid request id (1 to 128 characters), else null. */
    static String validId(JsonNode id) {
        if (id == null || !id.isTextual()) {
            return null;
        }
        return IpcCodec.isValidRequestId(id.textValue()) ? id.textValue() : null;
    }

    /** A method name: like a topic, 1 to 200 printable ASCII characters without spaces. */
    static boolean isMethodName(String name) {
        return Topics.isWellFormed(name) && name.length() <= Limits.MAX_METHOD_CHARS;
    }

    static void requireMethodName(String method) {
        Objects.requireNonNull(method, "method");
        if (!isMethodName(method)) {
            throw new IllegalArgumentException("method name must have 1 to " + Limits.MAX_METHOD_CHARS
                    + " printable ASCII characters without spaces");
        }
    }
}
