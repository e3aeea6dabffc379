package dev.bridgekeeper.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated vocabulary, and the hand-written pieces the host and the agent share. */
class VocabularyTest {
    @Test
    void generatedConstantsCarryTheVocabularysValues() throws Exception {
        String json;
        try (var in = VocabularyTest.class.getResourceAsStream("vocabulary.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // Every limit in the file has its constant with the same value (checked by reflection on the
        // generated class, against the raw text of the file).
        var limits = Limits.class.getFields();
        assertTrue(limits.length >= 40, "limits generated: " + limits.length);
        for (var f : limits) {
            String key = camel(f.getName());
            assertTrue(json.contains("\"" + key + "\": " + f.get(null) + ",") || json.contains("\"" + key + "\": " + f.get(null) + "\n"),
                    key + " = " + f.get(null));
        }
        assertEquals(128, Limits.MAX_RPC_ID_CHARS);
        assertEquals(64, Limits.JSON_MAX_NESTING_DEPTH);
        assertEquals(1, Vocabulary.PROTOCOL_VERSION);
        assertEquals(Vocabulary.PROTOCOL_VERSION, Version.PROTOCOL);
        assertEquals("{\"type\":\"status\",\"state\":\"connected\"", Vocabulary.CONNECTED_STATUS_PREFIX);
        assertEquals("pairing.commit", WireTopics.PAIRING_COMMIT);
        assertEquals(-32008, WireRpcError.TOO_LARGE.code());
    }

    @Test
    void unknownEnvelopeErrorCodesReadAsInternal() {
        assertEquals(EnvelopeErrorCode.HANDSHAKE_FAILED, EnvelopeErrorCode.fromWire("handshake_failed"));
        assertEquals(EnvelopeErrorCode.INTERNAL, EnvelopeErrorCode.fromWire("no_such_code"));
        assertFalse(EnvelopeErrorCode.NOT_ALLOWED.extensionReconnects());
    }

    @Test
    void errorEnvelopeIsCompactAndEscaped() {
        assertEquals("{\"type\":\"error\",\"code\":\"protocol_error\",\"message\":\"bad \\\"frame\\\"\\n\"}",
                Envelopes.error(EnvelopeErrorCode.PROTOCOL_ERROR, "bad \"frame\"\n"));
    }

    @Test
    void connectedIsReadByParsingNotByPrefix() {
        assertTrue(connected("{\"type\":\"status\",\"state\":\"connected\",\"desktop\":{\"name\":\"x\",\"version\":\"1\"}}"));
        // Field order and whitespace do not matter to a parser.
        assertTrue(connected(" {\"state\" : \"connected\", \"desktop\":{\"a\":[1,2,{\"b\":null}]}, \"type\":\"status\"} "));
        assertTrue(connected("{\"type\":\"\\u0073tatus\",\"state\":\"connected\"}"));
        assertFalse(connected("{\"type\":\"status\",\"state\":\"desktop_unavailable\"}"));
        assertFalse(connected("{\"type\":\"error\",\"code\":\"not_allowed\",\"message\":\"no\"}"));
        // A matching prefix followed by garbage, or a duplicate field, is not an accepted connection.
        assertFalse(connected("{\"type\":\"status\",\"state\":\"connected\"garbage"));
        assertFalse(connected("{\"type\":\"status\",\"state\":\"connected\",\"state\":\"desktop_unavailable\"}"));
        assertFalse(connected("{\"type\":\"status\",\"state\":\"connected\"} {}"));
        assertFalse(connected("{\"type\":\"status\",\"state\":\"connected\",\"n\":" + "1".repeat(101) + "}"));
        assertFalse(connected("{\"type\":\"status\",\"state\":\"connected\",\"d\":" + "[".repeat(64) + "]".repeat(64) + "}"));
        assertTrue(connected("{\"type\":\"status\",\"state\":\"connected\",\"d\":" + "[".repeat(63) + "]".repeat(63) + "}"));
        byte[] invalidUtf8 = {'{', '"', 't', '"', ':', '"', (byte) 0xff, '"', '}'};
        assertThrows(ProtocolViolation.class, () -> TopLevelFields.read(invalidUtf8, 0, invalidUtf8.length));
        assertEquals(Map.of("a", "b"), TopLevelFields.read("{\"a\":\"b\",\"c\":1.5e3}"));
    }

    @Test
    void base64RefusesMissingPaddingAndForeignCharacters() {
        assertArrayEquals(new byte[] {1, 2}, WireBase64.decode("AQI="));
        assertThrows(IllegalArgumentException.class, () -> WireBase64.decode("AQI"));
        assertThrows(IllegalArgumentException.class, () -> WireBase64.decode("AQ-_"));
        ProtocolViolation v = assertThrows(ProtocolViolation.class,
                () -> WireBase64.decodeOrViolation("AQI", EnvelopeErrorCode.HANDSHAKE_FAILED, "not base64"));
        assertEquals(EnvelopeErrorCode.HANDSHAKE_FAILED, v.code());
    }

    @Test
    void untrustedTextLosesControlsAndLength() {
        assertEquals("a?b?c?", UntrustedText.printable("a\nb\u007fc\u0085", 10));
        assertEquals("abc...", UntrustedText.printable("abcdef", 3));
        assertTrue(UntrustedText.hasControl("x\u0000"));
    }

    private static boolean connected(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return TopLevelFields.isConnectedStatus(b, 0, b.length);
    }

    private static String camel(String constant) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : constant.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                b.append(up ? c : Character.toLowerCase(c));
                up = false;
            }
        }
        return b.toString();
    }
}
