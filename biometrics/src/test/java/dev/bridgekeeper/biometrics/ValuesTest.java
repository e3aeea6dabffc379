package dev.bridgekeeper.biometrics;

import dev.bridgekeeper.biometrics.internal.DetailText;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The small value types: wire names, validation of requests, cleaning of OS text. */
class ValuesTest {

    @Test
    void availabilityWireNamesAreThoseOfTheProtocol() {
        List<String> names = Arrays.stream(Availability.values()).map(Availability::wireName).collect(Collectors.toList());
        assertEquals(List.of("available", "desktop_locked", "setup_needed", "hardware_unavailable",
                "platform_unsupported", "not_enabled"), names);
    }

    @Test
    void requestDefaultsToSixtySecondsAndNoWindow() {
        VerificationRequest request = new VerificationRequest("Unlock Bridgekeeper");
        assertEquals(Duration.ofSeconds(60), request.timeout());
        assertEquals(0L, request.parentWindow());
        assertEquals(Duration.ofSeconds(60), new VerificationRequest("x", 7, null).timeout());
    }

    @Test
    void requestRejectsBadInput() {
        assertThrows(NullPointerException.class, () -> new VerificationRequest(null));
        assertThrows(IllegalArgumentException.class, () -> new VerificationRequest("  "));
        assertThrows(IllegalArgumentException.class, () -> new VerificationRequest("a".repeat(201)));
        assertThrows(IllegalArgumentException.class, () -> new VerificationRequest("line\nbreak"));
        assertThrows(IllegalArgumentException.class, () -> new VerificationRequest("x", 0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new VerificationRequest("x", 0, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> new VerificationRequest("x", 0, Duration.ofMinutes(11)));
        assertEquals(200, new VerificationRequest("a".repeat(200)).reason().length());
    }

    @Test
    void osTextIsMadePrintableAndShort() {
        Verification v = Verification.of(Outcome.ERROR, "bad\u0000thing\n\t ");
        assertEquals("bad thing", v.detail());
        String cut = new BiometricStatus(Availability.AVAILABLE, "polkit", "x".repeat(2000)).detail();
        assertEquals(DetailText.MAX_LENGTH, cut.length());
        assertTrue(cut.endsWith("\u2026"));
        assertNull(Verification.verified().detail());
        assertTrue(Verification.verified().isVerified());
        assertThrows(NullPointerException.class, () -> new BiometricStatus(null, "polkit", null));
    }

    @Test
    void platformFromOsName() {
        assertEquals(Platform.LINUX, Platform.fromOsName("Linux"));
        assertEquals(Platform.WINDOWS, Platform.fromOsName("Windows 11"));
        assertEquals(Platform.MACOS, Platform.fromOsName("Mac OS X"));
        assertEquals(Platform.MACOS, Platform.fromOsName("Darwin"));
        assertEquals(Platform.OTHER, Platform.fromOsName("FreeBSD"));
        assertEquals(Platform.OTHER, Platform.fromOsName(null));
    }

    @Test
    void noAuthenticatorIsNeverAvailable() throws Exception {
        try (NoAuthenticator none = new NoAuthenticator("turned off")) {
            assertEquals("none", none.method());
            assertEquals(Availability.PLATFORM_UNSUPPORTED, none.status().availability());
            Verification v = none.verify(new VerificationRequest("x")).get();
            assertEquals(Outcome.UNAVAILABLE, v.outcome());
            assertEquals("turned off", v.detail());
        }
    }
}
