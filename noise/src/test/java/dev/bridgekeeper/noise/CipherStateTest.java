package dev.bridgekeeper.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CipherStateTest {

    private final byte[] key = new byte[32];
    private CipherState sender;
    private CipherState receiver;

    @BeforeEach
    void keyBothSides() {
        new Random(7).nextBytes(key);
        sender = new CipherState();
        receiver = new CipherState();
        sender.initializeKey(key);
        receiver.initializeKey(key);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** AES-256-GCM straight from the JDK with the nonce PROTOCOL.md section 4 describes. */
    private static byte[] jdkSeal(byte[] key, long counter, byte[] plaintext) throws Exception {
        byte[] iv = new byte[12];
        for (int i = 0; i < 8; i++) {
            iv[4 + i] = (byte) (counter >>> (56 - 8 * i));
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        return cipher.doFinal(plaintext);
    }

    @Test
    void withoutKeyBytesPassThroughAndTheNonceStays() throws Exception {
        CipherState empty = new CipherState();
        assertFalse(empty.hasKey());
        byte[] data = utf8("not yet secret");
        assertArrayEquals(data, empty.encryptWithAd(null, data));
        assertArrayEquals(data, empty.decryptWithAd(null, data));
        assertEquals(0, empty.getNonce());
    }

    @Test
    void ciphertextIsAesGcmWithZeroPrefixedBigEndianCounter() throws Exception {
        byte[] plaintext = utf8("{\"topic\":\"x\"}");
        long counter = 0x0102030405060708L;
        sender.setNonce(counter);
        assertArrayEquals(jdkSeal(key, counter, plaintext), sender.encryptWithAd(new byte[0], plaintext));
        assertEquals(counter + 1, sender.getNonce());
    }

    @Test
    void roundTripAdvancesBothCounters() throws Exception {
        for (int i = 0; i < 3; i++) {
            byte[] message = utf8("message " + i);
            byte[] sealed = sender.encryptWithAd(null, message);
            assertEquals(message.length + CipherState.TAG_LENGTH, sealed.length);
            assertArrayEquals(message, receiver.decryptWithAd(null, sealed));
        }
        assertEquals(3, sender.getNonce());
        assertEquals(3, receiver.getNonce());
    }

    @Test
    void tamperedCiphertextFailsAndDoesNotAdvanceTheNonce() throws Exception {
        byte[] sealed = sender.encryptWithAd(null, utf8("unlock"));
        for (int position : new int[] {0, sealed.length - 1}) {
            byte[] tampered = sealed.clone();
            tampered[position] ^= 1;
            assertThrows(DecryptFailedException.class, () -> receiver.decryptWithAd(null, tampered));
            assertEquals(0, receiver.getNonce());
        }
        assertArrayEquals(utf8("unlock"), receiver.decryptWithAd(null, sealed), "the genuine message still opens");
    }

    @Test
    void truncatedCiphertextFailsAndDoesNotAdvanceTheNonce() throws Exception {
        byte[] sealed = sender.encryptWithAd(null, utf8("unlock"));
        byte[] lostLastByte = Arrays.copyOf(sealed, sealed.length - 1);
        byte[] shorterThanTag = Arrays.copyOf(sealed, CipherState.TAG_LENGTH - 1);
        assertThrows(DecryptFailedException.class, () -> receiver.decryptWithAd(null, lostLastByte));
        assertThrows(DecryptFailedException.class, () -> receiver.decryptWithAd(null, shorterThanTag));
        assertThrows(DecryptFailedException.class, () -> receiver.decryptWithAd(null, new byte[0]));
        assertEquals(0, receiver.getNonce());
    }

    @Test
    void replayedOrReorderedMessageFails() throws Exception {
        byte[] first = sender.encryptWithAd(null, utf8("first"));
        byte[] second = sender.encryptWithAd(null, utf8("second"));
        assertThrows(DecryptFailedException.class, () -> receiver.decryptWithAd(null, second), "reordered");
        assertArrayEquals(utf8("first"), receiver.decryptWithAd(null, first));
        assertThrows(DecryptFailedException.class, () -> receiver.decryptWithAd(null, first), "replayed");
        assertEquals(1, receiver.getNonce());
        assertArrayEquals(utf8("second"), receiver.decryptWithAd(null, second));
    }

    @Test
    void associatedDataMustMatch() throws Exception {
        byte[] sealed = sender.encryptWithAd(utf8("ad"), utf8("payload"));
        assertThrows(DecryptFailedException.class, () -> receiver.decryptWithAd(utf8("AD"), sealed));
        assertArrayEquals(utf8("payload"), receiver.decryptWithAd(utf8("ad"), sealed));
    }

    @Test
    void lastUsableNonceIsTwoToTheSixtyFourMinusTwo() throws Exception {
        long lastUsable = -2L; // 2^64-2 unsigned
        sender.setNonce(lastUsable);
        receiver.setNonce(lastUsable);
        byte[] sealed = sender.encryptWithAd(null, utf8("last"));
        assertArrayEquals(utf8("last"), receiver.decryptWithAd(null, sealed));
        assertEquals(-1L, sender.getNonce());

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> sender.encryptWithAd(null, utf8("one too many")));
        assertTrue(refused.getMessage().contains("nonce exhausted"));
        assertThrows(IllegalStateException.class, () -> receiver.decryptWithAd(null, sealed));
        assertEquals(-1L, sender.getNonce(), "the counter never wraps to 0");
    }

    @Test
    void rekeyFollowsTheSpecAndKeepsBothSidesInStep() throws Exception {
        // REKEY(k) = first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zero bytes).
        byte[] expectedKey = Arrays.copyOf(jdkSeal(key, -1L, new byte[32]), 32);
        byte[] before = sender.encryptWithAd(null, utf8("before"));
        sender.rekey();
        assertEquals(1, sender.getNonce(), "rekey keeps the nonce");
        CipherState reference = new CipherState();
        reference.initializeKey(expectedKey);
        reference.setNonce(1);
        byte[] afterRekey = sender.encryptWithAd(null, utf8("after"));
        assertArrayEquals(reference.encryptWithAd(null, utf8("after")), afterRekey);

        receiver.decryptWithAd(null, before);
        assertThrows(DecryptFailedException.class, () -> receiver.decryptWithAd(null, afterRekey),
                "a receiver that did not rekey cannot read");
        receiver.rekey();
        assertArrayEquals(utf8("after"), receiver.decryptWithAd(null, afterRekey));
        assertThrows(IllegalStateException.class, () -> new CipherState().rekey());
    }

    @Test
    void offsetVariantWorksInPlaceAndReportsLengths() throws Exception {
        byte[] plaintext = utf8("hot path frame");
        byte[] buffer = new byte[5 + plaintext.length + CipherState.TAG_LENGTH + 3];
        System.arraycopy(plaintext, 0, buffer, 5, plaintext.length);
        int sealedLength = sender.encryptWithAd(null, buffer, 5, plaintext.length, buffer, 5);
        assertEquals(plaintext.length + CipherState.TAG_LENGTH, sealedLength);

        int openedLength = receiver.decryptWithAd(null, buffer, 5, sealedLength, buffer, 5);
        assertEquals(plaintext.length, openedLength);
        assertArrayEquals(plaintext, Arrays.copyOfRange(buffer, 5, 5 + openedLength));

        assertThrows(IndexOutOfBoundsException.class,
                () -> sender.encryptWithAd(null, plaintext, 0, plaintext.length, new byte[plaintext.length], 0),
                "no room for the tag");
        assertEquals(1, sender.getNonce(), "a refused call does not use a nonce");
    }

    @Test
    void messagesAreLimitedTo65535Bytes() throws Exception {
        byte[] largest = new byte[CipherState.MAX_PLAINTEXT_LENGTH];
        byte[] sealed = sender.encryptWithAd(null, largest);
        assertEquals(65535, sealed.length);
        assertArrayEquals(largest, receiver.decryptWithAd(null, sealed));

        assertThrows(IllegalArgumentException.class, () -> sender.encryptWithAd(null, new byte[65520]));
        assertThrows(DecryptFailedException.class, () -> receiver.decryptWithAd(null, new byte[65536]));
        assertEquals(1, receiver.getNonce());
    }

    @Test
    void destroyedStateRefusesInsteadOfPassingPlaintextThrough() {
        sender.destroy();
        assertTrue(sender.isDestroyed());
        assertFalse(sender.hasKey());
        assertThrows(IllegalStateException.class, () -> sender.encryptWithAd(null, utf8("secret")));
        assertThrows(IllegalStateException.class, () -> sender.decryptWithAd(null, new byte[32]));
        assertThrows(IllegalStateException.class, () -> sender.initializeKey(key));
    }

    @Test
    void keyMustBe32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new CipherState().initializeKey(new byte[16]));
    }
}
