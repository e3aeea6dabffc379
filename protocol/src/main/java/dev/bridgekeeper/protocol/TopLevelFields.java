package dev.bridgekeeper.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A JSON reader just large enough for the host, which loads no JSON library: it checks that a
 * text is exactly one JSON object within the limits of docs/PROTOCOL.md §1.4 (nesting, number and
 * name lengths, no duplicate names at the top level) and returns the object's top-level string
 * fields. Other values are checked and skipped.
 */
public final class TopLevelFields {
    private final String s;
    private int i;

    private TopLevelFields(String s) {
        this.s = s;
    }

    /**
     * The top-level string fields of the object in {@code len} bytes of UTF-8 at {@code off}.
     *
     * @throws ProtocolViolation ({@code protocol_error}) when it is not one well-formed object
     *                           within the limits
     */
    public static Map<String, String> read(byte[] b, int off, int len) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw violation("not UTF-8");
        }
        return read(text);
    }

    /** {@link #read(byte[], int, int)} for text. */
    public static Map<String, String> read(String text) {
        TopLevelFields r = new TopLevelFields(text);
        r.space();
        if (r.peek() != '{') {
            throw violation("not a JSON object");
        }
        Map<String, String> strings = new HashMap<>();
        r.object(1, strings);
        r.space();
        if (r.i != text.length()) {
            throw violation("text after the JSON object");
        }
        return strings;
    }

    /** Whether a desktop frame is {@code status} with state {@code connected}. */
    public static boolean isConnectedStatus(byte[] b, int off, int len) {
        try {
            Map<String, String> f = read(b, off, len);
            return Vocabulary.TYPE_STATUS.equals(f.get("type")) && Vocabulary.STATE_CONNECTED.equals(f.get("state"));
        } catch (ProtocolViolation e) {
            return false;
        }
    }

    /** Reads an object at {@code i}; top-level string fields go to {@code out} (null below it). */
    private void object(int depth, Map<String, String> out) {
        checkDepth(depth);
        i++;
        space();
        if (peek() == '}') {
            i++;
            return;
        }
        Set<String> names = out == null ? null : new HashSet<>();
        while (true) {
            space();
            if (peek() != '"') {
                throw violation("expected a field name");
            }
            String name = string();
            if (name.length() > Limits.JSON_MAX_NAME_CHARS) {
                throw violation("field name too long");
            }
            if (names != null && !names.add(name)) {
                throw violation("duplicate field name");
            }
            space();
            expect(':');
            space();
            if (out != null && peek() == '"') {
                out.put(name, string());
            } else {
                value(depth);
            }
            space();
            if (peek() == ',') {
                i++;
            } else {
                expect('}');
                return;
            }
        }
    }

    private void value(int depth) {
        char c = peek();
        switch (c) {
            case '{' -> object(depth + 1, null);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> word("true");
            case 'f' -> word("false");
            case 'n' -> word("null");
            default -> number();
        }
    }

    private void array(int depth) {
        checkDepth(depth);
        i++;
        space();
        if (peek() == ']') {
            i++;
            return;
        }
        while (true) {
            space();
            value(depth);
            space();
            if (peek() == ',') {
                i++;
            } else {
                expect(']');
                return;
            }
        }
    }

    private String string() {
        i++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw violation("unterminated string");
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw violation("control character in a string");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = i < s.length() ? s.charAt(i++) : 0;
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> b.append(hex4());
                default -> throw violation("bad escape in a string");
            }
        }
    }

    private char hex4() {
        if (i + 4 > s.length()) {
            throw violation("short \\u escape");
        }
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(s.charAt(i++), 16);
            if (d < 0) {
                throw violation("bad \\u escape");
            }
            v = v * 16 + d;
        }
        return (char) v;
    }

    /** RFC 8259 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private void number() {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
        } else if (!digits()) {
            throw violation("unexpected character");
        }
        if (peek() == '.') {
            i++;
            if (!digits()) {
                throw violation("bad number");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            if (!digits()) {
                throw violation("bad number");
            }
        }
        if (i - start > Limits.JSON_MAX_NUMBER_CHARS) {
            throw violation("number too long");
        }
    }

    private boolean digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i > start;
    }

    private void word(String w) {
        if (!s.startsWith(w, i)) {
            throw violation("unexpected character");
        }
        i += w.length();
    }

    private void checkDepth(int depth) {
        if (depth > Limits.JSON_MAX_NESTING_DEPTH) {
            throw violation("nested too deeply");
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : 0;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw violation("malformed JSON");
        }
        i++;
    }

    private void space() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            i++;
        }
    }

    private static ProtocolViolation violation(String what) {
        return new ProtocolViolation(EnvelopeErrorCode.PROTOCOL_ERROR, "the frame is not a valid JSON object: " + what);
    }
}
