package dev.bridgekeeper.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The allocation-free decoder of secure frames agrees with java.util.Base64 wherever it answers. */
class WireBase64DecodeIntoTest {
    @Test
    void agreesWithTheJdkOnEveryLengthAndRefusesWhatItDoesNotHandle() {
        Random random = new Random(7);
        byte[] out = new byte[70_000];
        for (int n = 0; n < 300; n++) {
            byte[] data = new byte[n];
            random.nextBytes(data);
            byte[] text = Base64.getEncoder().encode(data);
            int len = WireBase64.decodeInto(text, 0, text.length, out);
            assertEquals(n, len);
            assertArrayEquals(data, Arrays.copyOf(out, len));
            byte[] inFrame = new byte[text.length + 12]; // as in a frame: {"data":"<text>"}
            System.arraycopy(text, 0, inFrame, 9, text.length);
            assertEquals(n, WireBase64.decodeInto(inFrame, 9, text.length, out));
            assertArrayEquals(data, Arrays.copyOf(out, n));
        }
        for (String bad : new String[] {"abc", "ab=c", "a===", "====", "ab!d", "YW=", "YQ==YQ==", "Y Q=="}) {
            byte[] text = bad.getBytes(StandardCharsets.US_ASCII);
            assertEquals(-1, WireBase64.decodeInto(text, 0, text.length, out), bad);
        }
        byte[] tooLong = Base64.getEncoder().encode(new byte[9]);
        assertEquals(-1, WireBase64.decodeInto(tooLong, 0, tooLong.length, new byte[8]));
    }

    @Test
    void randomTextIsDecodedOnlyWhereTheJdkDecodesItTheSame() {
        Random random = new Random(11);
        byte[] alphabet = "ABCab01+/=x".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[64];
        for (int i = 0; i < 100_000; i++) {
            byte[] text = new byte[random.nextInt(13)];
            for (int j = 0; j < text.length; j++) {
                text[j] = alphabet[random.nextInt(alphabet.length)];
            }
            int len = WireBase64.decodeInto(text, 0, text.length, out);
            if (len >= 0) {
                assertArrayEquals(Base64.getDecoder().decode(text), Arrays.copyOf(out, len), new String(text));
            }
        }
    }
}
