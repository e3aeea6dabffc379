package dev.bridgekeeper.fuzz;

import dev.bridgekeeper.testing.ChunkedStream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bridgekeeper.protocol.framing.FrameException;
import dev.bridgekeeper.protocol.framing.FrameReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The frame reader (PROTOCOL.md §1) over arbitrary bytes, split into arbitrary read sizes, with a
 * small limit. It is checked against a simple model of the format written here from the protocol
 * text: the same frames in the same order, then the same ending (clean end of stream or the same
 * {@link FrameException.Kind}), never another exception, and never a buffer beyond the limit.
 */
class FrameReaderFuzzTest {

    /** Where the model says a stream of frames stops. */
    private enum Ending { EOF, EMPTY_FRAME, FRAME_TOO_LARGE, TRUNCATED_FRAME, INVALID_UTF8, NOT_A_JSON_OBJECT }

    @FuzzTest
    void readerMatchesTheFormatAndNeverAllocatesBeyondItsLimit(FuzzedDataProvider data) throws IOException {
        int limit = data.consumeInt(1, 300);
        int chunk = data.consumeInt(1, 64);
        boolean asJson = data.consumeBoolean();
        byte[] wire = data.consumeRemainingAsBytes();

        FrameReader reader = new FrameReader(new ChunkedStream(wire, chunk), limit);
        int pos = 0;
        while (true) {
            Ending expected = null;
            byte[] expectedPayload = null;
            if (pos == wire.length) {
                expected = Ending.EOF;
            } else if (wire.length - pos < 4) {
                expected = Ending.TRUNCATED_FRAME;
            } else {
                long announced = (wire[pos] & 0xFFL) | (wire[pos + 1] & 0xFFL) << 8
                        | (wire[pos + 2] & 0xFFL) << 16 | (wire[pos + 3] & 0xFFL) << 24;
                if (announced == 0) {
                    expected = Ending.EMPTY_FRAME;
                } else if (announced > limit) {
                    expected = Ending.FRAME_TOO_LARGE;
                } else if (wire.length - pos - 4 < announced) {
                    expected = Ending.TRUNCATED_FRAME;
                } else {
                    expectedPayload = Arrays.copyOfRange(wire, pos + 4, pos + 4 + (int) announced);
                    pos += 4 + (int) announced;
                    if (asJson && !isUtf8(expectedPayload)) {
                        expected = Ending.INVALID_UTF8;
                    } else if (asJson && !looksLikeObject(new String(expectedPayload, StandardCharsets.UTF_8))) {
                        expected = Ending.NOT_A_JSON_OBJECT;
                    }
                }
            }

            try {
                if (asJson) {
                    String text = reader.readJsonText();
                    if (expected == Ending.EOF) {
                        assertNull(text, "a clean end of stream reads as null");
                        return;
                    }
                    assertTrue(expected == null, "the reader accepted a frame the format rejects: " + expected);
                    assertArrayEquals(expectedPayload, text.getBytes(StandardCharsets.UTF_8));
                } else {
                    byte[] payload = reader.readFrame();
                    if (expected == Ending.EOF) {
                        assertNull(payload, "a clean end of stream reads as null");
                        return;
                    }
                    assertTrue(expected == null, "the reader accepted a frame the format rejects: " + expected);
                    assertArrayEquals(expectedPayload, payload);
                }
            } catch (FrameException e) {
                assertEquals(String.valueOf(expected), e.kind().name(), "kind of the bad frame");
                assertTrue(e.getMessage().length() < 200, "error messages stay short (no frame contents)");
                return;
            } finally {
                assertTrue(reader.buffer().length <= FrameReader.PAYLOAD_OFFSET + limit,
                        "the reader's buffer grew beyond the limit: " + reader.buffer().length);
            }
            if (expected != null) {
                fail("expected " + expected);
            }
        }
    }

    /** Strict UTF-8 as the JDK defines it: decoding with replacement and re-encoding gives the same bytes. */
    static boolean isUtf8(byte[] b) {
        return Arrays.equals(b, new String(b, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
    }

    /** PROTOCOL.md §1 at the reader's level: first and last non-blank characters are braces. */
    static boolean looksLikeObject(String s) {
        String t = s.replaceAll("^[ \\t\\n\\r]+|[ \\t\\n\\r]+$", "");
        return t.length() >= 2 && t.charAt(0) == '{' && t.charAt(t.length() - 1) == '}';
    }
}
