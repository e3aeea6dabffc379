package dev.bridgekeeper.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeyPairTest {

    private static final HexFormat HEX = HexFormat.of();
    // RFC 7748 section 6.1.
    private static final String ALICE_PRIVATE = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    private static final String ALICE_PUBLIC = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    private static final String BOB_PRIVATE = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    private static final String BOB_PUBLIC = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    private static final String SHARED = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

    @Test
    void matchesRfc7748() throws Exception {
        KeyPair alice = KeyPair.fromPrivate(HEX.parseHex(ALICE_PRIVATE));
        KeyPair bob = KeyPair.fromPrivate(HEX.parseHex(BOB_PRIVATE));
        assertEquals(ALICE_PUBLIC, HEX.formatHex(alice.publicKey()));
        assertEquals(BOB_PUBLIC, HEX.formatHex(bob.publicKey()));
        byte[] aliceShared = new byte[32];
        byte[] bobShared = new byte[32];
        alice.dh(bob.publicKey(), aliceShared, 0);
        bob.dh(alice.publicKey(), bobShared, 0);
        assertEquals(SHARED, HEX.formatHex(aliceShared));
        assertArrayEquals(aliceShared, bobShared);
    }

    @Test
    void generatedPairsAreConsistentAndDistinct() {
        SecureRandom random = new SecureRandom();
        KeyPair one = KeyPair.generate(random);
        KeyPair two = KeyPair.generate(random);
        assertEquals(one, KeyPair.fromPrivate(one.privateKey()));
        assertFalse(one.equals(two));
    }

    @Test
    void inconsistentOrMalformedKeysAreRefused() {
        KeyPair alice = KeyPair.fromPrivate(HEX.parseHex(ALICE_PRIVATE));
        assertThrows(IllegalArgumentException.class,
                () -> new KeyPair(alice.privateKey(), HEX.parseHex(BOB_PUBLIC)));
        assertThrows(IllegalArgumentException.class, () -> KeyPair.fromPrivate(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> KeyPair.fromPrivate(new byte[32]), "all zero");
        assertThrows(NullPointerException.class, () -> KeyPair.fromPrivate(null));
    }

    @Test
    void accessorsHandOutCopiesAndToStringHidesThePrivateKey() {
        KeyPair alice = KeyPair.fromPrivate(HEX.parseHex(ALICE_PRIVATE));
        alice.privateKey()[0] ^= 1;
        alice.publicKey()[0] ^= 1;
        assertEquals(ALICE_PRIVATE, HEX.formatHex(alice.privateKey()));
        assertEquals(ALICE_PUBLIC, HEX.formatHex(alice.publicKey()));
        assertFalse(alice.toString().contains(ALICE_PRIVATE));
        assertTrue(alice.toString().contains(ALICE_PUBLIC));
    }

    @Test
    void destroyZeroesThePrivateKeyAndStopsDh() {
        KeyPair alice = KeyPair.fromPrivate(HEX.parseHex(ALICE_PRIVATE));
        alice.destroy();
        assertTrue(alice.isDestroyed());
        assertArrayEquals(new byte[32], alice.privateKey());
        assertThrows(IllegalStateException.class, () -> alice.dh(HEX.parseHex(BOB_PUBLIC), new byte[32], 0));
    }

    @Test
    void allZeroSharedSecretIsRejected() {
        KeyPair alice = KeyPair.fromPrivate(HEX.parseHex(ALICE_PRIVATE));
        NoiseException refused = assertThrows(NoiseException.class, () -> alice.dh(new byte[32], new byte[32], 0));
        assertTrue(refused.getMessage().contains("low-order"));
    }
}
