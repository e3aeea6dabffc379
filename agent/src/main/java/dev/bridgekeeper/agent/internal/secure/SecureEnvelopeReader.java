package dev.bridgekeeper.agent.internal.secure;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridgekeeper.noise.CipherState;
import dev.bridgekeeper.protocol.WireBase64;
import java.io.IOException;

/**
 * Reads a well-formed {@code secure} envelope (PROTOCOL.md §4) without a JSON tree or a String
 * per frame: a streaming parser finds the fields and the strict padded base64 of {@code data} is
 * decoded into one reused buffer. Anything else (another type, a field of the wrong type, data too
 * long, not ASCII, unpadded or not base64) is left to the session's general path, which reports
 * it. One reader per session, used under the session's lock.
 */
final class SecureEnvelopeReader {
    /** A decoded piece: {@code length} bytes of {@link #ciphertext()} and the envelope's {@code more}. */
    record Piece(int length, boolean more) {}

    /** Base64 text of the largest Noise message (65,535 bytes). */
    private static final int MAX_SECURE_BASE64 = (CipherState.MAX_MESSAGE_LENGTH + 2) / 3 * 4;

    private final ObjectMapper json;
    /** The decoded {@code data} of the envelope last read; reused for every frame. */
    private final byte[] ciphertext = new byte[CipherState.MAX_MESSAGE_LENGTH];

    SecureEnvelopeReader(ObjectMapper json) {
        this.json = json;
    }

    /** The buffer {@link #read} decodes into. */
    byte[] ciphertext() {
        return ciphertext;
    }

    /** The piece in {@code frame}, or null if the frame is not a well-formed secure envelope. */
    Piece read(byte[] frame) {
        String type = null;
        int dataFrom = -1;
        int textLength = -1;
        boolean more = false;
        try (JsonParser parser = json.getFactory().createParser(frame)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "type":
                        if (value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        type = parser.getText();
                        break;
                    case "more":
                        if (!value.isBoolean()) {
                            return null;
                        }
                        more = value == JsonToken.VALUE_TRUE;
                        break;
                    case "data":
                        if (value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        // Base64 needs no escapes, so the text is the bytes between the quotes in the
                        // frame itself: nothing is copied into chars or a String (the parser skips it).
                        long quote = parser.currentTokenLocation().getByteOffset();
                        if (quote < 0 || quote >= frame.length || frame[(int) quote] != '"') {
                            return null;
                        }
                        int from = (int) quote + 1;
                        int end = from;
                        while (end < frame.length && frame[end] != '"' && frame[end] != '\\') {
                            end++;
                        }
                        if (end >= frame.length || frame[end] != '"' || end - from > MAX_SECURE_BASE64) {
                            return null;
                        }
                        dataFrom = from;
                        textLength = end - from;
                        break;
                    default:
                        parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (!"secure".equals(type) || textLength < 0) {
            return null;
        }
        int length = WireBase64.decodeInto(frame, dataFrom, textLength, ciphertext);
        return length < 0 ? null : new Piece(length, more);
    }
}
