package dev.bridgekeeper.agent.internal.secure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.protocol.EnvelopeErrorCode;
import dev.bridgekeeper.protocol.Limits;
import dev.bridgekeeper.protocol.ProtocolViolation;
import dev.bridgekeeper.protocol.UntrustedText;
import dev.bridgekeeper.protocol.Version;
import java.io.IOException;

/**
 * The payload of handshake steps 2 and 3 (PROTOCOL.md §3.3, decision D10):
 * {@code {"name", "version", "protocol": 1}}, the name 1 to 100 characters and not blank, the
 * version at most 50, neither with control characters.
 */
record HandshakePayload(String name, String version) {

    /** This side's payload, as UTF-8 JSON. */
    static byte[] encode(ObjectMapper json, String name, String version) {
        ObjectNode n = json.createObjectNode();
        n.put("name", name);
        n.put("version", version);
        n.put("protocol", Version.PROTOCOL);
        try {
            return json.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The peer's payload, checked.
     *
     * @throws ProtocolViolation ({@code handshake_failed}) when it is unfit
     */
    static HandshakePayload decode(ObjectMapper json, byte[] payload) {
        JsonNode n;
        try {
            n = json.readTree(payload);
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.isObject() || !n.path("name").isTextual() || !n.path("version").isTextual()
                || !n.path("protocol").isInt()) {
            throw unfit("handshake payload must be {\"name\",\"version\",\"protocol\"}");
        }
        if (n.get("protocol").intValue() != Version.PROTOCOL) {
            throw unfit("peer speaks protocol " + n.get("protocol").intValue() + ", this side " + Version.PROTOCOL);
        }
        String name = n.get("name").textValue();
        String version = n.get("version").textValue();
        if (name.isBlank() || name.length() > Limits.MAX_PEER_NAME_CHARS || version.length() > Limits.MAX_PEER_VERSION_CHARS
                || UntrustedText.hasControl(name) || UntrustedText.hasControl(version)) {
            throw unfit("peer name or version is empty, too long or has control characters");
        }
        return new HandshakePayload(name, version);
    }

    private static ProtocolViolation unfit(String message) {
        return new ProtocolViolation(EnvelopeErrorCode.HANDSHAKE_FAILED, message);
    }
}
