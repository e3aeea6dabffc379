package dev.bridgekeeper.fuzz;

import dev.bridgekeeper.agent.internal.ipc.JsonLimits;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A catalogue of hostile frames (payloads of PROTOCOL.md §1 frames, without the length prefix)
 * and the {@code error} code the desktop must answer each with before closing the connection.
 * Written for reuse: the session-level suite here feeds them through an in-memory hub, and a
 * real-process suite can write each with {@link Envelopes#frame} to the agent's socket.
 */
public final class HostileFrames {
    private HostileFrames() {}

    /**
     * One hostile input.
     *
     * @param name what it is, for test names
     * @param frames the frame payloads, sent in order on one fresh connection
     * @param expectedError the {@code error.code} the desktop answers with, or null when it must
     *     close without answering (the peer's own {@code error} envelope)
     */
    public record Case(String name, List<byte[]> frames, String expectedError) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case one(String name, String json, String error) {
        return new Case(name, List.of(Envelopes.utf8(json)), error);
    }

    /** {@code depth} arrays inside each other, as text (no tree is built). */
    public static String nestedArrays(int depth) {
        return "[".repeat(depth) + "1" + "]".repeat(depth);
    }

    /**
     * An envelope whose extra field {@code x} nests so that the whole envelope is {@code depth}
     * levels deep (the envelope object itself is level 1).
     */
    public static String envelopeNested(String type, int depth) {
        return "{\"type\":\"" + type + "\",\"x\":" + nestedArrays(depth - 1) + "}";
    }

    /** Frames each of which, sent first on a fresh connection, must end it with the given error. */
    public static List<Case> firstFrames() {
        String b64 = Base64.getEncoder().encodeToString(new byte[32]);
        String key = Base64.getEncoder().encodeToString(FixedKeys.extensionEphemeral().publicKey());
        List<Case> c = new ArrayList<>();
        // Not an envelope at all.
        c.add(new Case("not JSON", List.of(new byte[] {(byte) 0xC3, 0x28, '{', '}'}), "protocol_error"));
        c.add(one("truncated JSON", "{\"type\":\"handshake\"", "protocol_error"));
        c.add(one("JSON array", "[1,2,3]", "protocol_error"));
        c.add(one("JSON string", "\"handshake\"", "protocol_error"));
        c.add(one("a valid step 1 followed by a second object", "{\"type\":\"handshake\",\"step\":1,\"data\":\"" + key
                + "\"}{\"type\":\"x\"}", "protocol_error"));
        c.add(one("a valid step 1 followed by junk", "{\"type\":\"handshake\",\"step\":1,\"data\":\"" + key
                + "\"} junk", "protocol_error"));
        c.add(one("no type", "{}", "protocol_error"));
        c.add(one("type is a number", "{\"type\":1}", "protocol_error"));
        c.add(one("type is null", "{\"type\":null}", "protocol_error"));
        c.add(one("type is an object", "{\"type\":{\"type\":\"handshake\"}}", "protocol_error"));
        c.add(one("unknown type", "{\"type\":\"bogus\"}", "protocol_error"));
        c.add(one("type in other case", "{\"type\":\"HANDSHAKE\",\"step\":1,\"data\":\"" + key + "\"}", "protocol_error"));
        c.add(one("hello from the extension side", "{\"type\":\"hello\",\"protocol\":1}", "protocol_error"));
        c.add(one("status from the extension side", "{\"type\":\"status\",\"state\":\"connected\"}", "protocol_error"));
        // Deep, long and big: refused by the parser's limits (JsonLimits), not by running out of stack.
        c.add(one("envelope nested one level too deep", envelopeNested("handshake", JsonLimits.MAX_NESTING_DEPTH + 1),
                "protocol_error"));
        c.add(one("100,000 nested arrays", nestedArrays(100_000), "protocol_error"));
        c.add(one("number of 101 digits", "{\"type\":\"handshake\",\"step\":" + "1".repeat(JsonLimits.MAX_NUMBER_LENGTH + 1)
                + ",\"data\":\"" + key + "\"}", "protocol_error"));
        c.add(one("field name of 1,025 characters", "{\"" + "n".repeat(JsonLimits.MAX_NAME_LENGTH + 1)
                + "\":1,\"type\":\"handshake\"}", "protocol_error"));
        c.add(one("string over a frame's size", "{\"type\":\"handshake\",\"step\":1,\"data\":\""
                + "A".repeat(1024 * 1024 + 4) + "\"}", "protocol_error"));
        // Handshake envelopes with wrong field types or values (PROTOCOL.md §2, §3).
        c.add(one("step as a string", "{\"type\":\"handshake\",\"step\":\"1\",\"data\":\"" + key + "\"}", "handshake_failed"));
        c.add(one("step as a float", "{\"type\":\"handshake\",\"step\":1.0,\"data\":\"" + key + "\"}", "handshake_failed"));
        c.add(one("step null", "{\"type\":\"handshake\",\"step\":null,\"data\":\"" + key + "\"}", "handshake_failed"));
        c.add(one("step missing", "{\"type\":\"handshake\",\"data\":\"" + key + "\"}", "handshake_failed"));
        c.add(one("step 2 from the extension", "{\"type\":\"handshake\",\"step\":2,\"data\":\"" + b64 + "\"}", "handshake_failed"));
        c.add(one("step 3 first", "{\"type\":\"handshake\",\"step\":3,\"data\":\"" + b64 + "\"}", "handshake_failed"));
        c.add(one("step 0", "{\"type\":\"handshake\",\"step\":0,\"data\":\"" + key + "\"}", "handshake_failed"));
        c.add(one("step 2^31", "{\"type\":\"handshake\",\"step\":2147483648,\"data\":\"" + key + "\"}", "handshake_failed"));
        c.add(one("data as a number", "{\"type\":\"handshake\",\"step\":1,\"data\":12}", "handshake_failed"));
        c.add(one("data as an array", "{\"type\":\"handshake\",\"step\":1,\"data\":[\"" + key + "\"]}", "handshake_failed"));
        c.add(one("data missing", "{\"type\":\"handshake\",\"step\":1}", "handshake_failed"));
        c.add(one("data not base64", "{\"type\":\"handshake\",\"step\":1,\"data\":\"!!not base64!!\"}", "handshake_failed"));
        c.add(one("data in the URL-safe alphabet", "{\"type\":\"handshake\",\"step\":1,\"data\":\"-_-_\"}", "handshake_failed"));
        c.add(one("data shorter than a key", "{\"type\":\"handshake\",\"step\":1,\"data\":\"AAAA\"}", "handshake_failed"));
        c.add(one("step 1 with a payload", "{\"type\":\"handshake\",\"step\":1,\"data\":\""
                + Base64.getEncoder().encodeToString(Envelopes.concat(FixedKeys.extensionEphemeral().publicKey(),
                        Envelopes.utf8("{\"sneaky\":true}"))) + "\"}", "handshake_failed"));
        c.add(one("step 1 with a low-order key", "{\"type\":\"handshake\",\"step\":1,\"data\":\"" + b64 + "\"}",
                "handshake_failed"));
        c.add(one("secure before the handshake", "{\"type\":\"secure\",\"data\":\"" + b64 + "\"}", "handshake_failed"));
        c.add(one("secure with more before the handshake", "{\"type\":\"secure\",\"data\":\"" + b64 + "\",\"more\":true}",
                "handshake_failed"));
        // The peer giving up: the desktop closes without answering.
        c.add(one("an error envelope from the extension", "{\"type\":\"error\",\"code\":\"internal\",\"message\":\"bye\"}",
                null));
        c.add(one("an error envelope with odd fields", "{\"type\":\"error\",\"code\":[1],\"message\":{\"a\":\"\\u0000\"}}",
                null));
        return c;
    }

    /** Step 1 of the fixed extension, as an envelope. */
    public static byte[] genuineStep1() {
        return Envelopes.handshake(1, ScriptedInitiator.fixed().step1());
    }

    /** Handshake steps out of order or repeated, after a genuine step 1; each ends with handshake_failed. */
    public static List<Case> handshakeSequences() {
        byte[] step1 = genuineStep1();
        byte[] junk3 = Envelopes.handshake(3, new byte[96]);
        List<Case> c = new ArrayList<>();
        c.add(new Case("step 1 twice", List.of(step1, step1), "handshake_failed"));
        c.add(new Case("step 1 then step 2", List.of(step1, Envelopes.handshake(2, new byte[96])), "handshake_failed"));
        c.add(new Case("step 1 then a forged step 3", List.of(step1, junk3), "handshake_failed"));
        c.add(new Case("step 1 then a step 3 too short", List.of(step1, Envelopes.handshake(3, new byte[10])),
                "handshake_failed"));
        c.add(new Case("step 1 then secure", List.of(step1, Envelopes.secure(new byte[32], false)), "handshake_failed"));
        c.add(new Case("step 1 then garbage", List.of(step1, Envelopes.utf8("{\"type\":7}")), "protocol_error"));
        return c;
    }
}
