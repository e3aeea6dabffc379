package dev.bridgekeeper.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Noise XX as Bridgekeeper runs it (PROTOCOL.md section 3), and how the handshake fails. */
class HandshakeStateTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HandshakePattern XX = HandshakePattern.parse(HandshakePattern.NOISE_XX_25519_AESGCM_SHA256);
    private static final byte[] PROLOGUE = utf8("bridgekeeper/1 chrome-extension://abcdefghijklmnop/");
    private static final byte[] EXTENSION_HELLO = utf8("{\"name\":\"ext\",\"version\":\"1.0\",\"protocol\":1}");
    private static final byte[] DESKTOP_HELLO = utf8("{\"name\":\"desk\",\"version\":\"0.1.0\",\"protocol\":1}");

    private final KeyPair extensionStatic = KeyPair.generate(RANDOM);
    private final KeyPair desktopStatic = KeyPair.generate(RANDOM);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private HandshakeState extension() {
        return HandshakeState.initialize(XX, true, PROLOGUE, extensionStatic, null, null, null, null);
    }

    private HandshakeState desktop() {
        return desktop(PROLOGUE);
    }

    private HandshakeState desktop(byte[] prologue) {
        return HandshakeState.initialize(XX, false, prologue, desktopStatic, null, null, null, null);
    }

    @Test
    void xxRoundTripAuthenticatesBothSidesAndKeysTheTransport() throws Exception {
        HandshakeState extension = extension();
        HandshakeState desktop = desktop();

        byte[] step1 = extension.writeMessage(null);
        assertEquals(32, step1.length, "-> e");
        assertEquals(0, desktop.readMessage(step1).length);
        byte[] step2 = desktop.writeMessage(DESKTOP_HELLO);
        assertEquals(32 + 32 + 16 + DESKTOP_HELLO.length + 16, step2.length, "<- e, ee, s, es");
        assertArrayEquals(DESKTOP_HELLO, extension.readMessage(step2));
        assertArrayEquals(desktopStatic.publicKey(), extension.getRemoteStaticPublicKey());
        byte[] step3 = extension.writeMessage(EXTENSION_HELLO);
        assertEquals(32 + 16 + EXTENSION_HELLO.length + 16, step3.length, "-> s, se");
        assertArrayEquals(EXTENSION_HELLO, desktop.readMessage(step3));

        assertTrue(extension.isComplete() && desktop.isComplete());
        assertArrayEquals(extensionStatic.publicKey(), desktop.getRemoteStaticPublicKey());
        assertArrayEquals(extension.getHandshakeHash(), desktop.getHandshakeHash());

        CipherStatePair extensionCiphers = extension.split();
        CipherStatePair desktopCiphers = desktop.split();
        byte[] request = utf8("{\"topic\":\"rpc.request\"}");
        byte[] response = utf8("{\"topic\":\"rpc.response\"}");
        assertArrayEquals(request, desktopCiphers.receiver(false)
                .decryptWithAd(null, extensionCiphers.sender(true).encryptWithAd(null, request)));
        assertArrayEquals(response, extensionCiphers.receiver(true)
                .decryptWithAd(null, desktopCiphers.sender(false).encryptWithAd(null, response)));

        // A replayed transport message is refused and does not move the receiver's counter.
        byte[] second = extensionCiphers.sender(true).encryptWithAd(null, request);
        CipherState desktopReceiver = desktopCiphers.receiver(false);
        assertArrayEquals(request, desktopReceiver.decryptWithAd(null, second));
        assertThrows(DecryptFailedException.class, () -> desktopReceiver.decryptWithAd(null, second));
        assertEquals(2, desktopReceiver.getNonce());
    }

    @Test
    void everyHandshakeHasItsOwnHashAndKeys() throws Exception {
        byte[][] hashes = new byte[2][];
        for (int run = 0; run < 2; run++) {
            HandshakeState extension = extension();
            HandshakeState desktop = desktop();
            runXx(extension, desktop);
            hashes[run] = extension.getHandshakeHash();
        }
        assertFalse(Arrays.equals(hashes[0], hashes[1]), "fresh ephemeral keys every time");
    }

    @Test
    void tamperedHandshakeMessageFailsAndLeavesTheStateAsItWas() throws Exception {
        HandshakeState extension = extension();
        HandshakeState desktop = desktop();
        desktop.readMessage(extension.writeMessage(null));
        byte[] step2 = desktop.writeMessage(DESKTOP_HELLO);
        byte[] hashBefore = extension.getHandshakeHash();

        for (int position : new int[] {0, 40, step2.length - 1}) { // ephemeral key, sealed static, payload tag
            byte[] tampered = step2.clone();
            tampered[position] ^= 0x20;
            NoiseException failure = assertThrows(NoiseException.class, () -> extension.readMessage(tampered));
            assertInstanceOf(DecryptFailedException.class, failure);
            assertEquals(1, extension.messageIndex());
            assertFalse(extension.isWriteTurn());
            assertNull(extension.getRemoteStaticPublicKey());
            assertArrayEquals(hashBefore, extension.getHandshakeHash());
        }
        assertArrayEquals(DESKTOP_HELLO, extension.readMessage(step2), "the genuine message still works");
        desktop.readMessage(extension.writeMessage(EXTENSION_HELLO));
        assertArrayEquals(extension.getHandshakeHash(), desktop.getHandshakeHash());
    }

    @Test
    void truncatedAndOversizedHandshakeMessagesAreRefused() throws Exception {
        HandshakeState extension = extension();
        HandshakeState desktop = desktop();
        byte[] step1 = extension.writeMessage(null);

        NoiseException tooShort = assertThrows(NoiseException.class,
                () -> desktop.readMessage(Arrays.copyOf(step1, 31)));
        assertTrue(tooShort.getMessage().contains("too short"), tooShort.getMessage());
        NoiseException tooLong = assertThrows(NoiseException.class, () -> desktop.readMessage(new byte[65536]));
        assertTrue(tooLong.getMessage().contains("65535"), tooLong.getMessage());
        assertEquals(0, desktop.messageIndex());

        desktop.readMessage(step1);
        byte[] step2 = desktop.writeMessage(DESKTOP_HELLO);
        // Shorter than e + sealed s + tag: refused before any crypto runs.
        assertThrows(NoiseException.class, () -> extension.readMessage(Arrays.copyOf(step2, 32 + 48 + 15)));
        // Long enough for the tokens but missing the payload's last byte: the tag no longer verifies.
        assertThrows(DecryptFailedException.class,
                () -> extension.readMessage(Arrays.copyOf(step2, step2.length - 1)));
        assertArrayEquals(DESKTOP_HELLO, extension.readMessage(step2));
    }

    @Test
    void payloadThatWouldExceedTheMessageLimitIsRefusedBeforeAnythingChanges() throws Exception {
        HandshakeState extension = extension();
        byte[] hash = extension.getHandshakeHash();
        // Message 1 is "-> e" with no key: 32 + payload must stay within 65535.
        assertThrows(IllegalArgumentException.class, () -> extension.writeMessage(new byte[65535 - 31]));
        assertArrayEquals(hash, extension.getHandshakeHash());
        assertEquals(65535, extension.writeMessage(new byte[65535 - 32]).length);
    }

    @Test
    void turnsAreEnforced() throws Exception {
        HandshakeState extension = extension();
        HandshakeState desktop = desktop();

        assertThrows(IllegalStateException.class, () -> desktop.writeMessage(null), "responder cannot speak first");
        assertThrows(NoiseException.class, () -> extension.readMessage(new byte[32]), "initiator must write first");
        assertThrows(IllegalStateException.class, extension::split, "not complete yet");

        byte[] step1 = extension.writeMessage(null);
        assertThrows(IllegalStateException.class, () -> extension.writeMessage(null), "twice in a row");
        desktop.readMessage(step1);
        assertThrows(NoiseException.class, () -> desktop.readMessage(step1), "a repeated step 1");
        byte[] step2 = desktop.writeMessage(DESKTOP_HELLO);
        extension.readMessage(step2);
        byte[] step3 = extension.writeMessage(EXTENSION_HELLO);
        desktop.readMessage(step3);

        assertThrows(IllegalStateException.class, () -> extension.writeMessage(null), "after completion");
        assertThrows(NoiseException.class, () -> desktop.readMessage(step3), "after completion");
        extension.split();
        assertThrows(IllegalStateException.class, extension::split, "ciphers are handed out once");
    }

    @Test
    void differentPrologueMakesTheHandshakeFail() throws Exception {
        HandshakeState extension = extension();
        HandshakeState desktop = desktop(utf8("bridgekeeper/1 chrome-extension://someoneelse/"));
        desktop.readMessage(extension.writeMessage(null)); // nothing is encrypted yet
        byte[] step2 = desktop.writeMessage(DESKTOP_HELLO);
        assertThrows(DecryptFailedException.class, () -> extension.readMessage(step2));
    }

    @ParameterizedTest(name = "u = {0}")
    @ValueSource(strings = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    })
    void lowOrderEphemeralKeyIsRejected(String lowOrderPoint) throws Exception {
        HandshakeState desktop = desktop();
        desktop.readMessage(HexFormat.of().parseHex(lowOrderPoint)); // "-> e": no DH yet
        byte[] hash = desktop.getHandshakeHash();
        NoiseException failure = assertThrows(NoiseException.class, () -> desktop.writeMessage(DESKTOP_HELLO));
        assertTrue(failure.getMessage().contains("low-order"), failure.getMessage());
        assertTrue(desktop.isWriteTurn(), "still at step 2");
        assertArrayEquals(hash, desktop.getHandshakeHash());
    }

    @Test
    void completionDestroysTheEphemeralKeyButNotTheStaticOne() throws Exception {
        KeyPair ephemeral = KeyPair.generate(RANDOM);
        HandshakeState extension =
                HandshakeState.initialize(XX, true, PROLOGUE, extensionStatic, ephemeral, null, null, null);
        runXx(extension, desktop());
        assertTrue(ephemeral.isDestroyed());
        assertFalse(extensionStatic.isDestroyed());
    }

    @Test
    void destroyedHandshakeRefusesToContinue() throws Exception {
        HandshakeState extension = extension();
        extension.writeMessage(null);
        extension.destroy();
        assertThrows(IllegalStateException.class, () -> extension.readMessage(new byte[96]));
        assertThrows(IllegalStateException.class, () -> extension.writeMessage(null));
    }

    @Test
    void initializeChecksTheKeysAgainstThePattern() {
        assertThrows(IllegalArgumentException.class,
                () -> HandshakeState.initialize(XX, true, PROLOGUE, null, null, null, null, null), "XX needs s");
        assertThrows(IllegalArgumentException.class,
                () -> HandshakeState.initialize(XX, true, PROLOGUE, extensionStatic, null,
                        desktopStatic.publicKey(), null, null), "XX learns rs in the handshake");
        HandshakePattern nk = HandshakePattern.parse("Noise_NK_25519_AESGCM_SHA256");
        assertThrows(IllegalArgumentException.class,
                () -> HandshakeState.initialize(nk, true, PROLOGUE, null, null, null, null, null), "NK needs rs");
        assertThrows(IllegalArgumentException.class,
                () -> HandshakeState.initialize(nk, true, PROLOGUE, null, null, new byte[31], null, null));
        HandshakePattern psk = HandshakePattern.parse("Noise_XXpsk3_25519_AESGCM_SHA256");
        assertThrows(IllegalArgumentException.class,
                () -> HandshakeState.initialize(psk, true, PROLOGUE, extensionStatic, null, null, null, null),
                "missing psk");
        assertThrows(IllegalArgumentException.class,
                () -> HandshakeState.initialize(psk, true, PROLOGUE, extensionStatic, null, null, null,
                        List.of(new byte[16])), "short psk");
        assertThrows(IllegalArgumentException.class,
                () -> HandshakeState.initialize(XX, true, PROLOGUE, extensionStatic, null, null, null,
                        List.of(new byte[32])), "psk without a psk modifier");
    }

    @Test
    void pskMismatchFailsTheHandshake() throws Exception {
        HandshakePattern psk = HandshakePattern.parse("Noise_XXpsk3_25519_AESGCM_SHA256");
        byte[] ours = new byte[32];
        byte[] theirs = new byte[32];
        theirs[0] = 1;
        HandshakeState extension =
                HandshakeState.initialize(psk, true, PROLOGUE, extensionStatic, null, null, null, List.of(ours));
        HandshakeState desktop =
                HandshakeState.initialize(psk, false, PROLOGUE, desktopStatic, null, null, null, List.of(theirs));
        desktop.readMessage(extension.writeMessage(null));
        extension.readMessage(desktop.writeMessage(DESKTOP_HELLO));
        byte[] step3 = extension.writeMessage(EXTENSION_HELLO);
        assertThrows(DecryptFailedException.class, () -> desktop.readMessage(step3));
    }

    private static void runXx(HandshakeState extension, HandshakeState desktop) throws NoiseException {
        desktop.readMessage(extension.writeMessage(null));
        extension.readMessage(desktop.writeMessage(DESKTOP_HELLO));
        desktop.readMessage(extension.writeMessage(EXTENSION_HELLO));
    }
}
