package dev.bridgekeeper.fuzz;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.protocol.framing.Frames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * Builds and reads the envelopes of PROTOCOL.md §2 on the test side, independently of the
 * production code, plus the length-prefixed wire form of §1.
 */
public final class Envelopes {
    private Envelopes() {}

    /** Writes (and reads) nesting far deeper than any peer accepts, to build hostile input. */
    public static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(100_000).build())
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100_000).build())
                    .build())
            .build();

    /** The {@code error.code} values PROTOCOL.md §2 documents. */
    public static final Set<String> ERROR_CODES = Set.of("protocol_error", "frame_too_large", "not_allowed",
            "handshake_failed", "decrypt_failed", "pairing_rejected", "internal");

    /** {@code {"type":"handshake","step":step,"data":b64(message)}}. */
    public static byte[] handshake(int step, byte[] message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "handshake");
        n.put("step", step);
        n.put("data", Base64.getEncoder().encodeToString(message));
        return bytes(n);
    }

    /** {@code {"type":"secure","data":b64(ciphertext)}}, with {@code "more":true} when asked. */
    public static byte[] secure(byte[] ciphertext, boolean more) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "secure");
        n.put("data", Base64.getEncoder().encodeToString(ciphertext));
        if (more) {
            n.put("more", true);
        }
        return bytes(n);
    }

    /** {@code {"topic":topic,"payload":payload}}: an IPC message (PROTOCOL.md §6). */
    public static byte[] ipc(String topic, JsonNode payload) {
        ObjectNode n = JSON.createObjectNode();
        n.put("topic", topic);
        n.set("payload", payload);
        return bytes(n);
    }

    public static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Parses an envelope the production code sent; a test failure if it is not one JSON object. */
    public static JsonNode parse(byte[] frame) {
        try {
            JsonNode n = JSON.readTree(frame);
            if (n == null || !n.isObject()) {
                throw new AssertionError("sent a frame that is not a JSON object: " + new String(frame, StandardCharsets.UTF_8));
            }
            return n;
        } catch (IOException e) {
            throw new AssertionError("sent a frame that is not JSON: " + new String(frame, StandardCharsets.UTF_8), e);
        }
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The wire form of one frame: length prefix in native order, then the payload. */
    public static byte[] frame(byte[] payload) {
        return concat(lengthPrefix(payload.length), payload);
    }

    /** A bare length prefix announcing {@code length} bytes (0 to 2^32-1). */
    public static byte[] lengthPrefix(long length) {
        byte[] b = new byte[Frames.HEADER_BYTES];
        Frames.encodeLength(length, b, 0);
        return b;
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }
}
