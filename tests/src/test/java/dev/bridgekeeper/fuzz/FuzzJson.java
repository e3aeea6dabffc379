package dev.bridgekeeper.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;

/**
 * Arbitrary JSON values drawn from a fuzzer's input: every JSON type, the edge values of numbers,
 * base64 and not-quite-base64 text, and deep or wide nesting. {@code null} stands for "field
 * missing".
 */
final class FuzzJson {
    private FuzzJson() {}

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Any value, or null for a missing field. */
    static JsonNode value(FuzzedDataProvider d, int depth) {
        switch (d.consumeInt(0, 14)) {
            case 0: return null;
            case 1: return NODES.nullNode();
            case 2: return NODES.booleanNode(d.consumeBoolean());
            case 3: return NODES.numberNode(d.consumeInt(-3, 4));
            case 4: return NODES.numberNode(d.consumeLong());
            case 5: return NODES.numberNode(d.consumeDouble());
            case 6: return NODES.numberNode(new java.math.BigInteger("9".repeat(d.consumeInt(1, 400))));
            case 7: return NODES.textNode(d.consumeString(64));
            case 8: return NODES.textNode(Base64.getEncoder().encodeToString(d.consumeBytes(d.consumeInt(0, 128))));
            case 9: return NODES.textNode(Base64.getEncoder().withoutPadding()
                    .encodeToString(d.consumeBytes(d.consumeInt(1, 64))) + d.consumeString(4));
            case 10: return nested(d.consumeInt(1, 3000), d.consumeBoolean());
            case 11: return NODES.textNode("x".repeat(d.consumeInt(0, 200_000)));
            case 12: {
                if (depth > 4) {
                    return NODES.objectNode();
                }
                ArrayNode a = NODES.arrayNode();
                for (int i = d.consumeInt(0, 4); i > 0; i--) {
                    JsonNode v = value(d, depth + 1);
                    a.add(v == null ? NODES.nullNode() : v);
                }
                return a;
            }
            default: {
                if (depth > 4) {
                    return NODES.objectNode();
                }
                ObjectNode o = NODES.objectNode();
                for (int i = d.consumeInt(0, 4); i > 0; i--) {
                    JsonNode v = value(d, depth + 1);
                    if (v != null) {
                        o.set(d.consumeString(12), v);
                    }
                }
                return o;
            }
        }
    }

    /** {@code depth} arrays or objects inside each other. */
    static JsonNode nested(int depth, boolean objects) {
        JsonNode inner = NODES.numberNode(1);
        for (int i = 0; i < depth; i++) {
            if (objects) {
                ObjectNode o = NODES.objectNode();
                o.set("a", inner);
                inner = o;
            } else {
                ArrayNode a = NODES.arrayNode();
                a.add(inner);
                inner = a;
            }
        }
        return inner;
    }

    /** Puts {@code value} under {@code name} unless it stands for a missing field. */
    static void put(ObjectNode o, String name, JsonNode value) {
        if (value != null) {
            o.set(name, value);
        }
    }
}
