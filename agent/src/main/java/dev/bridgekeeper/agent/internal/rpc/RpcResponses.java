package dev.bridgekeeper.agent.internal.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
