package dev.bridgekeeper.agent.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.ipc.RpcErrorCode;

/** The two shapes of an {@code rpc.response} payload (PROTOCOL.md §6.5). */
final class RpcResponses {
    private RpcResponses() {}

    /** {@code {"id": id, "result": result}}. */
    static ObjectNode result(String id, JsonNode result) {
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        response.put("id", id);
        response.set("result", result);
        return response;
    }

    /** What a response says happened: {@code ok}, or its error's wire name (the number if unknown). */
    static String outcomeOf(ObjectNode response) {
        JsonNode error = response.get("error");
        if (error == null) {
            return "ok";
        }
        int code = error.path("code").asInt();
        return RpcErrorCode.fromCode(code).map(RpcErrorCode::wireName).orElse(Integer.toString(code));
    }

    /** {@code {"id": id or null, "error": {"code", "message", "data"?}}}. */
    static ObjectNode error(String id, int code, String message, JsonNode data) {
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        if (id == null) {
            response.putNull("id");
        } else {
            response.put("id", id);
        }
        ObjectNode error = response.putObject("error");
        error.put("code", code);
        error.put("message", message);
        if (data != null) {
            error.set("data", data);
        }
        return response;
    }
}
