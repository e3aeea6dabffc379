package dev.bridgekeeper.agent.internal.secure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridgekeeper.protocol.UntrustedText;
import dev.bridgekeeper.protocol.WireBase64;

/** Reading single fields of untrusted envelopes and control messages. */
final class EnvelopeFields {
    private EnvelopeFields() {}

    /** The bytes of a base64 field of exactly {@code expectedLength} bytes; null for anything else. */
    static byte[] decodeBase64(JsonNode n, int expectedLength) {
        if (n == null || !n.isTextual()) {
            return null;
        }
        try {
            byte[] b = WireBase64.decode(n.textValue());
            return b.length == expectedLength ? b : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Untrusted text from an envelope, shortened and without control characters, for logs. */
    static String text(JsonNode n, int max) {
        String s = n == null || !n.isTextual() ? "" : n.textValue();
        if (s.length() > max) {
            s = s.substring(0, max);
        }
        return UntrustedText.printable(s, s.length());
    }
}
