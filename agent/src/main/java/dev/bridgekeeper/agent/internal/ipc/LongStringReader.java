package dev.bridgekeeper.agent.internal.ipc;

import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The characters of a UTF-8 JSON text, for the parser, with each long string value taken out.
 *
 * <p>Jackson holds a string value as UTF-16 segments while it reads it, then copies them into a
 * builder and that into the {@code String}: a message that is mostly one large value costs five
 * to six times its size. Here a string value of at least {@code threshold} bytes with no escape is
 * made a {@code String} straight from the message's bytes (one copy, one byte per character for
 * ASCII), and the parser reads {@code ""} in its place; {@link #longValueAt} gives the value back
 * by the character offset of that token. Anything else (keys, short values, values with escapes)
 * goes through the parser as before.
 *
 * <p>Decoding stays strict: every byte, a long value's too, passes a UTF-8 decoder that reports
 * malformed input, in pieces of at most {@link #PIECE} bytes; a long value with a control
 * character is left to the parser, which refuses it.
 */
final class LongStringReader extends Reader {
    /** Bytes decoded per step; a piece never ends inside a UTF-8 sequence. */
    static final int PIECE = 8192;

    private final byte[] bytes;
    private final int end;
    private final int threshold;
    private final int maxLength;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // REPORTs by default
    /** One piece decoded (at most one character per byte), and room for a stand-in {@code ""}. */
    private final CharBuffer chars = CharBuffer.allocate(PIECE + 2);
    private final Map<Long, String> longValues = new HashMap<>();
    private int pos;
    private long handedOut;
    private boolean inString;
    private boolean escaped;

    /**
     * @param threshold the fewest bytes of a value taken out
     * @param maxLength the parser's longest string: a value of more bytes is left to the parser
     *     (which refuses it if it has more characters too)
     */
    LongStringReader(byte[] bytes, int threshold, int maxLength) {
        this.bytes = bytes;
        this.end = bytes.length;
        this.threshold = threshold;
        this.maxLength = maxLength;
        chars.flip();
    }

    /** The long value whose (empty) token starts at character {@code offset}, or null. */
    String longValueAt(long offset) {
        return longValues.get(offset);
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!chars.hasRemaining() && !fill()) {
            return -1;
        }
        int n = Math.min(length, chars.remaining());
        chars.get(buffer, offset, n);
        handedOut += n;
        return n;
    }

    @Override
    public void close() {
        // Nothing to release: the bytes belong to the caller.
    }

    /** Decodes the next piece into {@link #chars}, up to and with the stand-in for a long value starting in it; false at the end. */
    private boolean fill() throws IOException {
        chars.clear();
        if (pos >= end) {
            chars.flip();
            return false;
        }
        int limit = Math.min(end, pos + PIECE);
        while (limit < end && limit > pos + 1 && (bytes[limit] & 0xC0) == 0x80) {
            limit--; // Do not cut a UTF-8 sequence in two.
        }
        int i = pos;
        while (i < limit) {
            byte b = bytes[i];
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                int close = longValueEnd(i);
                if (close >= 0) {
                    decode(pos, i, chars); // What comes before it, then the token in its place.
                    longValues.put(handedOut + chars.position(), longValue(i + 1, close));
                    chars.put('"').put('"').flip();
                    pos = close + 1;
                    return true;
                }
                inString = true;
            }
            i++;
        }
        decode(pos, i, chars);
        pos = i;
        chars.flip();
        return true;
    }

    /**
     * The index of the closing quote of the string starting at {@code open}, if it is a long value
     * this reader takes out: {@link #threshold} to {@link #maxLength} bytes, no escape, no control
     * character, and not an object's key. Else -1.
     */
    private int longValueEnd(int open) {
        int j = open + 1;
        while (j < end) {
            byte b = bytes[j];
            if (b == '"') {
                break;
            }
            if (b == '\\' || (b >= 0 && b < 0x20)) {
                return -1;
            }
            j++;
        }
        int length = j - open - 1;
        if (j >= end || length < threshold || length > maxLength) {
            return -1;
        }
        int k = j + 1;
        while (k < end && (bytes[k] == ' ' || bytes[k] == '\t' || bytes[k] == '\n' || bytes[k] == '\r')) {
            k++;
        }
        return k < end && bytes[k] == ':' ? -1 : j;
    }

    /** Bytes {@code from} to {@code to} as a String, after checking they are UTF-8. */
    private String longValue(int from, int to) throws IOException {
        CharBuffer scratch = CharBuffer.allocate(PIECE);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        decoder.reset();
        for (;;) {
            CoderResult r = decoder.decode(in, scratch, true);
            if (r.isError()) {
                r.throwException();
            }
            if (r.isUnderflow()) {
                break;
            }
            scratch.clear();
        }
        if (decoder.flush(scratch).isError()) {
            throw new CharacterCodingException();
        }
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }

    private void decode(int from, int to, CharBuffer out) throws IOException {
        decoder.reset();
        CoderResult r = decoder.decode(ByteBuffer.wrap(bytes, from, to - from), out, true);
        if (r.isError()) {
            r.throwException();
        }
        r = decoder.flush(out);
        if (r.isError()) {
            r.throwException();
        }
    }
}
