package dev.bridgekeeper.noise;

import static dev.bridgekeeper.noise.HandshakePattern.Token.E;
import static dev.bridgekeeper.noise.HandshakePattern.Token.EE;
import static dev.bridgekeeper.noise.HandshakePattern.Token.ES;
import static dev.bridgekeeper.noise.HandshakePattern.Token.PSK;
import static dev.bridgekeeper.noise.HandshakePattern.Token.S;
import static dev.bridgekeeper.noise.HandshakePattern.Token.SE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.noise.HandshakePattern.MessagePattern;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HandshakePatternTest {

    @Test
    void xxIsThreeMessagesWithoutPreMessages() {
        HandshakePattern xx = HandshakePattern.parse(HandshakePattern.NOISE_XX_25519_AESGCM_SHA256);
        assertEquals("XX", xx.name());
        assertEquals("Noise_XX_25519_AESGCM_SHA256", xx.protocolName());
        assertEquals(List.of(), xx.preMessage(true));
        assertEquals(List.of(), xx.preMessage(false));
        assertEquals(List.of(
                new MessagePattern(true, List.of(E)),
                new MessagePattern(false, List.of(E, EE, S, ES)),
                new MessagePattern(true, List.of(S, SE))), xx.messages());
        assertEquals(0, xx.pskCount());
        assertFalse(xx.isOneWay());
    }

    @Test
    void preMessagesAndOneWayPatterns() {
        HandshakePattern k = HandshakePattern.parse("Noise_K_25519_AESGCM_SHA256");
        assertEquals(List.of(S), k.preMessage(true));
        assertEquals(List.of(S), k.preMessage(false));
        assertTrue(k.isOneWay());
        HandshakePattern nk = HandshakePattern.parse("Noise_NK_25519_AESGCM_SHA256");
        assertEquals(List.of(), nk.preMessage(true));
        assertEquals(List.of(S), nk.preMessage(false));
    }

    @Test
    void pskModifiersPlaceTheirTokens() {
        HandshakePattern xxPsk3 = HandshakePattern.parse("Noise_XXpsk3_25519_AESGCM_SHA256");
        assertEquals("XXpsk3", xxPsk3.name());
        assertEquals(List.of(S, SE, PSK), xxPsk3.messages().get(2).tokens());
        assertEquals(1, xxPsk3.pskCount());

        HandshakePattern nnTwo = HandshakePattern.parse("Noise_NNpsk0+psk2_25519_AESGCM_SHA256");
        assertEquals(List.of(PSK, E), nnTwo.messages().get(0).tokens());
        assertEquals(List.of(E, EE, PSK), nnTwo.messages().get(1).tokens());
        assertEquals(2, nnTwo.pskCount());
    }

    @Test
    void everyTabledPatternParses() {
        assertEquals(38, HandshakePattern.supportedBasePatterns().size(), "3 one-way, 12 fundamental, 23 deferred");
        for (String name : HandshakePattern.supportedBasePatterns()) {
            HandshakePattern pattern = HandshakePattern.parse("Noise_" + name + "_25519_AESGCM_SHA256");
            assertTrue(pattern.messages().get(0).fromInitiator(), name);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = ';', value = {
        "Noise_XX_448_AESGCM_SHA256; DH function '448'",
        "Noise_XX_25519_ChaChaPoly_SHA256; cipher 'ChaChaPoly'",
        "Noise_XX_25519_AESGCM_BLAKE2s; hash 'BLAKE2s'",
        "Noise_XX_25519_AESGCM_SHA512; hash 'SHA512'",
        "Noise_ZZ_25519_AESGCM_SHA256; unknown handshake pattern 'ZZ'",
        "Noise_XXfallback_25519_AESGCM_SHA256; modifier 'fallback'",
        "Noise_XXhfs_25519+Kyber1024_AESGCM_SHA256; modifier 'hfs'",
        "Noise_XXpsk4_25519_AESGCM_SHA256; past the last",
        "Noise_NNpsk0+psk0_25519_AESGCM_SHA256; twice",
        "Noise_NNpsk0+_25519_AESGCM_SHA256; modifier ''",
        "Noise_XX_25519_AESGCM; not a Noise protocol name",
        "Noise_XX_25519_AESGCM_SHA256_extra; not a Noise protocol name",
        "NoiseXX_25519_AESGCM_SHA256; not a Noise protocol name",
        "'';  not a Noise protocol name",
    })
    void unsupportedOrMalformedNamesAreRefusedClearly(String name, String expectedMessage) {
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> HandshakePattern.parse(name));
        assertTrue(refused.getMessage().contains(expectedMessage.trim()), refused.getMessage());
    }
}
