package dev.bridgekeeper.agent.internal.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Taking long values out of the parser's way must change nothing a peer can observe: every
 * document decodes to the same message, or fails the same way, as through the parser alone.
 */
class LongStringReaderTest {
    private final ObjectMapper mapper = new ObjectMapper();
    /** Every string value is taken out (the reader's path everywhere). */
    private final IpcCodec everyValue = new IpcCodec(mapper, 0);
    /** None is (the parser alone). */
    private final IpcCodec parserAlone = new IpcCodec(mapper, Integer.MAX_VALUE);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String repeat(String s, int times) {
        return s.repeat(times);
    }

    /** Both codecs give the same message, or both refuse with the same kind of error. */
    private void sameOutcome(byte[] message) {
        Object expected = outcome(parserAlone, message);
        Object actual = outcome(everyValue, message);
        assertEquals(expected, actual, () -> "for " + new String(message, 0, Math.min(message.length, 300),
                StandardCharsets.UTF_8));
    }

    private static Object outcome(IpcCodec codec, byte[] message) {
        try {
            return codec.decode(message);
        } catch (IpcCodec.MalformedMessageException e) {
            return "refused, notJson=" + e.notJson();
        }
    }

    @Test
    void aLongValueIsTheSameStringWhereverItStands() {
        String big = repeat("0123456789abcdef", 300_000) + "é€𝄞"; // 4.8 MB, past many pieces, multi-byte at the end
        String doc = "{\"topic\":\"t\",\"payload\":{\"a\":\"" + big + "\",\"list\":[1,\"" + big + "\" ,\"x\"],"
                + "\"" + repeat("k", 2_000) + "\" : \"" + big + "\"}}";
        WireMessage m = new IpcCodec(mapper, 1_000).decode(utf8(doc));
        assertEquals(big, m.payload().get("a").textValue());
        assertEquals(big, m.payload().get("list").get(1).textValue());
        assertEquals("x", m.payload().get("list").get(2).textValue());
        assertEquals(big, m.payload().get(repeat("k", 2_000)).textValue(), "a long key stays a key");
        sameOutcome(utf8(doc));
        assertEquals(m, new IpcCodec(mapper).decode(utf8(doc)), "the default threshold");
    }

    @Test
    void aValueOverTheParsersStringLimitIsLeftToTheParserWhichRefusesIt() {
        ObjectMapper strict = JsonLimits.mapper(100);
        byte[] doc = utf8("{\"topic\":\"t\",\"payload\":\"" + repeat("a", 101) + "\"}");
        assertThrows(IpcCodec.MalformedMessageException.class, () -> new IpcCodec(strict, 0).decode(doc));
        assertEquals(repeat("a", 100), new IpcCodec(strict, 0).decode(
                utf8("{\"topic\":\"t\",\"payload\":\"" + repeat("a", 100) + "\"}")).payload().textValue());
    }

    @Test
    void theValueAtEveryOffsetAroundAPieceBoundary() {
        for (int pad = LongStringReader.PIECE - 24; pad < LongStringReader.PIECE + 8; pad++) {
            sameOutcome(utf8("{\"topic\":\"t\",\"pad\":\"" + repeat("é", pad / 2) + repeat("p", pad % 2)
                    + "\",\"payload\":[\"" + repeat("v", 20) + "\",\"\\\"q\\\\\",\"𝄞x\"]}"));
        }
    }

    @Test
    void whatTheParserRefusesInALongValueIsStillRefused() {
        String head = "{\"topic\":\"t\",\"payload\":\"" + repeat("a", 100);
        byte[][] bad = {
            concat(utf8(head), new byte[] {(byte) 0xFF}, utf8("b\"}")), // not UTF-8
            concat(utf8(head), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, utf8("\"}")), // a UTF-8 surrogate
            concat(utf8(head), new byte[] {(byte) 0xC3}, utf8("\"}")), // a sequence cut short by the quote
            concat(utf8(head), new byte[] {0x01}, utf8("\"}")), // a control character
            utf8(head + "\""), // no closing brace
            utf8(head + "\"}}"), // content after the value
            utf8("{\"topic\":\"t\",\"payload\":\"" + repeat("a", 50) + "\",\"payload\":\"b\"}"), // a duplicate key
        };
        for (byte[] b : bad) {
            IpcCodec.MalformedMessageException e =
                    assertThrows(IpcCodec.MalformedMessageException.class, () -> everyValue.decode(b));
            assertTrue(e.notJson(), e.getMessage());
            sameOutcome(b);
        }
    }

    @Test
    void randomDocumentsAndTheirDamageDecodeTheSameWay() {
        Random random = new Random(20261205);
        for (int round = 0; round < 3000; round++) {
            StringBuilder doc = new StringBuilder("{\"topic\":\"t.x\",\"payload\":");
            value(random, doc, 0);
            doc.append('}');
            byte[] message = utf8(doc.toString());
            sameOutcome(message);
            for (int d = 0; d < 4; d++) {
                sameOutcome(damage(random, message));
            }
        }
    }

    private static void value(Random random, StringBuilder out, int depth) {
        switch (depth > 3 ? random.nextInt(3) : random.nextInt(5)) {
            case 0 -> string(random, out);
            case 1 -> out.append(random.nextInt(2000) - 1000);
            case 2 -> out.append(random.nextBoolean() ? "true" : "null");
            case 3 -> {
                out.append('[');
                for (int i = random.nextInt(4); i > 0; i--) {
                    value(random, out, depth + 1);
                    out.append(i > 1 ? ", " : "");
                }
                out.append(']');
            }
            default -> {
                out.append('{');
                for (int i = random.nextInt(4); i > 0; i--) {
                    out.append("\"k").append(i).append(random.nextBoolean() ? "\" :" : "\":");
                    value(random, out, depth + 1);
                    out.append(i > 1 ? "," : "");
                }
                out.append('}');
            }
        }
    }

    private static final String[] PIECES = {"a", "Z", " ", "é", "€", "𝄞", "\\\"", "\\\\", "\\n", "\\u00e9", "\\ud834\\udd1e", "/"};

    private static void string(Random random, StringBuilder out) {
        out.append('"');
        int n = random.nextInt(10) == 0 ? 3000 + random.nextInt(9000) : random.nextInt(12);
        for (int i = 0; i < n; i++) {
            out.append(PIECES[random.nextInt(10) < 7 ? random.nextInt(6) : random.nextInt(PIECES.length)]);
        }
        out.append('"');
    }

    private static byte[] damage(Random random, byte[] message) {
        byte[] copy = message.clone();
        int at = random.nextInt(copy.length);
        switch (random.nextInt(5)) {
            case 0 -> copy[at] = (byte) random.nextInt(256);
            case 1 -> copy[at] = '"';
            case 2 -> copy[at] = '\\';
            case 3 -> copy[at] = (byte) (0x80 | random.nextInt(64));
            default -> {
                return java.util.Arrays.copyOf(copy, at);
            }
        }
        return copy;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
