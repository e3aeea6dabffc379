package dev.bridgekeeper.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;

/** SymmetricState checked against independent implementations (JDK SHA-256, BouncyCastle HKDF). */
class SymmetricStateTest {

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    /** Noise HKDF(ck, ikm, 2) is RFC 5869 HKDF with salt ck, empty info and 64 bytes of output. */
    private static byte[] rfc5869(byte[] salt, byte[] ikm) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, salt, new byte[0]));
        byte[] out = new byte[64];
        hkdf.generateBytes(out, 0, out.length);
        return out;
    }

    private static byte[] sealWith(byte[] key, byte[] plaintext) {
        CipherState cipher = new CipherState();
        cipher.initializeKey(key);
        return cipher.encryptWithAd(null, plaintext);
    }

    @Test
    void shortProtocolNameIsZeroPaddedLongOneIsHashed() throws Exception {
        String shortName = "Noise_XX_25519_AESGCM_SHA256";
        assertArrayEquals(Arrays.copyOf(ascii(shortName), 32),
                SymmetricState.initializeSymmetric(shortName).getHandshakeHash());
        String longName = "Noise_NNpsk0+psk2_25519_AESGCM_SHA256";
        assertArrayEquals(sha256(ascii(longName)), SymmetricState.initializeSymmetric(longName).getHandshakeHash());
        assertThrows(IllegalArgumentException.class, () -> SymmetricState.initializeSymmetric("Noise XX"));
    }

    @Test
    void mixKeyAndSplitFollowHkdf() throws Exception {
        String name = "Noise_XX_25519_AESGCM_SHA256";
        byte[] ck0 = Arrays.copyOf(ascii(name), 32);
        byte[] ikm = ascii("a shared secret of thirty two b.");
        byte[] plaintext = ascii("payload");

        SymmetricState state = SymmetricState.initializeSymmetric(name);
        state.mixKey(ikm);
        byte[] afterMix = rfc5869(ck0, ikm);
        byte[] ck1 = Arrays.copyOfRange(afterMix, 0, 32);
        byte[] k1 = Arrays.copyOfRange(afterMix, 32, 64);

        // The handshake key is temp_k and the associated data is h.
        byte[] h = state.getHandshakeHash();
        CipherState reference = new CipherState();
        reference.initializeKey(k1);
        byte[] sealed = state.encryptAndHash(plaintext);
        assertArrayEquals(reference.encryptWithAd(h, plaintext), sealed);
        assertArrayEquals(sha256(h, sealed), state.getHandshakeHash(), "h = SHA-256(h || ciphertext)");

        byte[] splitKeys = rfc5869(ck1, new byte[0]);
        CipherStatePair pair = state.split();
        assertArrayEquals(sealWith(Arrays.copyOfRange(splitKeys, 0, 32), plaintext),
                pair.initiatorToResponder().encryptWithAd(null, plaintext));
        assertArrayEquals(sealWith(Arrays.copyOfRange(splitKeys, 32, 64), plaintext),
                pair.responderToInitiator().encryptWithAd(null, plaintext));
    }

    @Test
    void beforeAnyKeyPayloadsAreOnlyHashed() throws Exception {
        SymmetricState state = SymmetricState.initializeSymmetric("Noise_XX_25519_AESGCM_SHA256");
        byte[] h = state.getHandshakeHash();
        byte[] data = ascii("clear");
        assertArrayEquals(data, state.encryptAndHash(data));
        assertArrayEquals(sha256(h, data), state.getHandshakeHash());
    }

    @Test
    void failedDecryptLeavesTheHashAlone() throws Exception {
        SymmetricState sender = SymmetricState.initializeSymmetric("Noise_XX_25519_AESGCM_SHA256");
        SymmetricState receiver = SymmetricState.initializeSymmetric("Noise_XX_25519_AESGCM_SHA256");
        byte[] ikm = new byte[32];
        sender.mixKey(ikm);
        receiver.mixKey(ikm);
        byte[] sealed = sender.encryptAndHash(ascii("hello"));
        byte[] before = receiver.getHandshakeHash();
        sealed[0] ^= 1;
        assertThrows(DecryptFailedException.class, () -> receiver.decryptAndHash(sealed));
        assertArrayEquals(before, receiver.getHandshakeHash());
        sealed[0] ^= 1;
        assertArrayEquals(ascii("hello"), receiver.decryptAndHash(sealed));
        assertArrayEquals(sender.getHandshakeHash(), receiver.getHandshakeHash());
    }
}
