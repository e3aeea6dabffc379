package dev.bridgekeeper.protocol.framing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import dev.bridgekeeper.testing.ChunkedStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameReaderTest {

    static byte[] framed(byte[]... payloads) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(out, 64 * 1024 * 1024);
        for (byte[] p : payloads) {
            w.write(p);
        }
        return out.toByteArray();
    }

    static byte[] rawLength(long n) {
        byte[] b = new byte[4];
        Frames.encodeLength(n, b, 0);
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void lengthPrefixIsNativeLittleEndianOnThisPlatform() throws IOException {
        byte[] wire = framed("{}".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(new byte[] {2, 0, 0, 0, '{', '}'}, wire);
    }

    @Test
    void roundTripsSeveralFramesThenCleanEnd() throws IOException {
        byte[] a = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] b = "{\"b\":\"é漢\"}".getBytes(StandardCharsets.UTF_8);
        FrameReader r = new FrameReader(new ByteArrayInputStream(framed(a, b)), 1024);
        assertArrayEquals(a, r.readFrame());
        assertEquals("{\"b\":\"é漢\"}", r.readJsonText());
        assertNull(r.readFrame());
    }

    @ParameterizedTest
    @ValueSource(ints = {1024 * 1024, 64 * 1024 + 1, 65_535, 1})
    void largeFramesArriveWholeThroughSmallReads(int size) throws IOException {
        byte[] payload = new byte[size];
        new Random(size).nextBytes(payload);
        FrameReader r = new FrameReader(new ChunkedStream(framed(payload, payload), 4093), 1024 * 1024);
        assertArrayEquals(payload, r.readFrame());
        assertArrayEquals(payload, r.readFrame());
        assertNull(r.readFrame());
    }

    @Test
    void bufferKeepsPrefixInFrontForVerbatimForwarding() throws IOException {
        byte[] wire = framed("{\"x\":true}".getBytes(StandardCharsets.UTF_8));
        FrameReader r = new FrameReader(new ByteArrayInputStream(wire), 1024);
        int n = r.next();
        assertArrayEquals(wire, Arrays.copyOf(r.buffer(), FrameReader.PAYLOAD_OFFSET + n));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new FrameWriter(out, 1024).forward(r);
        assertArrayEquals(wire, out.toByteArray());
    }

    @Test
    void zeroLengthIsItsOwnError() {
        FrameReader r = new FrameReader(new ByteArrayInputStream(rawLength(0)), 1024);
        FrameException e = assertThrows(FrameException.class, r::next);
        assertEquals(FrameException.Kind.EMPTY_FRAME, e.kind());
        assertEquals("protocol_error", e.kind().errorCode());
    }

    @ParameterizedTest
    @ValueSource(longs = {1025, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL})
    void oversizeIsRejectedFromThePrefixAlone(long announced) {
        // Only the prefix is sent: the reader must refuse before waiting for (or allocating) a body.
        FrameReader r = new FrameReader(new ByteArrayInputStream(rawLength(announced)), 1024);
        FrameException e = assertThrows(FrameException.class, r::next);
        assertEquals(FrameException.Kind.FRAME_TOO_LARGE, e.kind());
        assertEquals("frame_too_large", e.kind().errorCode());
    }

    @Test
    void truncatedPrefixAndTruncatedBodyAreErrors() {
        FrameReader r1 = new FrameReader(new ByteArrayInputStream(new byte[] {5, 0}), 1024);
        assertEquals(FrameException.Kind.TRUNCATED_FRAME, assertThrows(FrameException.class, r1::next).kind());
        byte[] partial = concat(rawLength(10), "{\"a\"".getBytes(StandardCharsets.UTF_8));
        FrameReader r2 = new FrameReader(new ByteArrayInputStream(partial), 1024);
        assertEquals(FrameException.Kind.TRUNCATED_FRAME, assertThrows(FrameException.class, r2::next).kind());
    }

    @Test
    void invalidUtf8IsItsOwnError() throws IOException {
        byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        FrameReader r = new FrameReader(new ByteArrayInputStream(framed(bad)), 1024);
        assertEquals(FrameException.Kind.INVALID_UTF8, assertThrows(FrameException.class, r::readJsonText).kind());
        byte[] overlong = {'{', (byte) 0xC0, (byte) 0xAF, '}'};
        FrameReader r2 = new FrameReader(new ByteArrayInputStream(framed(overlong)), 1024);
        assertEquals(FrameException.Kind.INVALID_UTF8, assertThrows(FrameException.class, r2::readJsonText).kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42", "null", " ", "{", "}", "x{}"})
    void nonObjectJsonIsItsOwnError(String text) throws IOException {
        FrameReader r = new FrameReader(new ByteArrayInputStream(framed(text.getBytes(StandardCharsets.UTF_8))), 1024);
        assertEquals(FrameException.Kind.NOT_A_JSON_OBJECT,
                assertThrows(FrameException.class, r::readJsonText).kind());
    }

    @Test
    void aBadFrameLeavesTheNextOneReadable() throws IOException {
        // After a non-object frame the stream is still aligned; the caller decides to close.
        byte[] wire = framed("[1]".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
        FrameReader r = new FrameReader(new ByteArrayInputStream(wire), 1024);
        assertThrows(FrameException.class, r::readJsonText);
        assertEquals("{}", r.readJsonText());
    }

    @Test
    void writerRefusesEmptyAndOversizeFrames() {
        FrameWriter w = new FrameWriter(new ByteArrayOutputStream(), 8);
        assertEquals(FrameException.Kind.EMPTY_FRAME,
                assertThrows(FrameException.class, () -> w.write(new byte[0])).kind());
        assertEquals(FrameException.Kind.FRAME_TOO_LARGE,
                assertThrows(FrameException.class, () -> w.write(new byte[9])).kind());
    }

    @Test
    void writerSplitsLargeFramesWithoutChangingBytes() throws IOException {
        byte[] payload = new byte[100_000];
        new Random(7).nextBytes(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new FrameWriter(out, 1 << 20).write(payload);
        FrameReader r = new FrameReader(new ByteArrayInputStream(out.toByteArray()), 1 << 20);
        assertArrayEquals(payload, r.readFrame());
    }
}
