package dev.bridgekeeper.biometrics.internal.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.biometrics.Availability;
import dev.bridgekeeper.biometrics.BiometricStatus;
import dev.bridgekeeper.biometrics.Outcome;
import dev.bridgekeeper.biometrics.Platform;
import dev.bridgekeeper.biometrics.Verification;
import dev.bridgekeeper.biometrics.VerificationRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TouchIdAuthenticatorTest {
    private final FakeLocalAuthPort fake = new FakeLocalAuthPort();
    private final TouchIdAuthenticator touchId = new TouchIdAuthenticator(Platform.MACOS, () -> fake,
            LocalAuthPort.POLICY_BIOMETRICS, Duration.ofMillis(30), Duration.ofSeconds(10));
    /** Set by the one test that expects the context to be leaked on purpose. */
    private List<String> expectedLeft = List.of();

    @AfterEach
    void everythingWasReleased() throws Exception {
        assertTrue(touchId.runner().awaitIdle(Duration.ofSeconds(10)));
        assertEquals(expectedLeft, fake.live());
        assertEquals(0, fake.pools.get(), "every autorelease pool popped");
        assertEquals(List.of(), fake.problems);
    }

    private Verification verify(Duration timeout) throws Exception {
        return touchId.verify(new VerificationRequest("unlock Bridgekeeper", 0, timeout)).get(10, TimeUnit.SECONDS);
    }

    private Verification verify() throws Exception {
        return verify(Duration.ofSeconds(30));
    }

    @Test
    void successIsVerifiedWithTheRequestReasonAndBiometricsPolicy() throws Exception {
        assertEquals(Verification.verified(), verify());
        assertEquals("unlock Bridgekeeper", fake.evaluatedReason);
        assertEquals(LocalAuthPort.POLICY_BIOMETRICS, fake.evaluatedPolicy);
        assertNotSame(Thread.currentThread(), fake.evaluateThread);
    }

    @Test
    void everyLaErrorMapsToItsOutcomeReadDuringTheReply() throws Exception {
        for (TouchIdAuthenticator.LaError error : TouchIdAuthenticator.LA_ERRORS) {
            fake.replyError = error.code();
            Verification v = verify();
            assertEquals(error.outcome(), v.outcome(), error.name());
            assertEquals(error.detail(), v.detail());
        }
        fake.replyError = -999L;
        assertEquals(Verification.of(Outcome.ERROR, "LocalAuthentication failed: com.apple.LocalAuthentication error -999"),
                verify());
    }

    @Test
    void theDocumentedCodesHaveTheDocumentedMeaning() {
        assertEquals(Outcome.DENIED, TouchIdAuthenticator.outcomeFor(FakeLocalAuthPort.LA_DOMAIN, -1).outcome());
        assertEquals(Outcome.USER_CANCELLED, TouchIdAuthenticator.outcomeFor(FakeLocalAuthPort.LA_DOMAIN, -2).outcome());
        assertEquals(Outcome.USER_CANCELLED, TouchIdAuthenticator.outcomeFor(FakeLocalAuthPort.LA_DOMAIN, -3).outcome());
        assertEquals(Outcome.DENIED, TouchIdAuthenticator.outcomeFor(FakeLocalAuthPort.LA_DOMAIN, -8).outcome());
        assertEquals(Outcome.UNAVAILABLE, TouchIdAuthenticator.outcomeFor(FakeLocalAuthPort.LA_DOMAIN, -1004).outcome());
        assertEquals(Availability.NOT_ENABLED, TouchIdAuthenticator.statusFor(FakeLocalAuthPort.LA_DOMAIN, -5).availability());
        assertEquals(Availability.HARDWARE_UNAVAILABLE,
                TouchIdAuthenticator.statusFor(FakeLocalAuthPort.LA_DOMAIN, -6).availability());
        assertEquals(Availability.NOT_ENABLED, TouchIdAuthenticator.statusFor(FakeLocalAuthPort.LA_DOMAIN, -7).availability());
        assertEquals(Outcome.ERROR, TouchIdAuthenticator.outcomeFor("NSOSStatusErrorDomain", -1).outcome(),
                "codes of other domains are not LAErrors");
    }

    @Test
    void statusIsAvailableOrExplainsTheLaError() {
        assertEquals(BiometricStatus.available("touch-id"), touchId.status());
        fake.canEvaluate = false;
        for (TouchIdAuthenticator.LaError error : TouchIdAuthenticator.LA_ERRORS) {
            fake.canEvaluateError = error.code();
            BiometricStatus status = touchId.status();
            assertTrue(status.availability() != Availability.AVAILABLE, error.name());
            assertEquals(TouchIdAuthenticator.statusFor(FakeLocalAuthPort.LA_DOMAIN, error.code()), status);
        }
        fake.canEvaluateError = -7;
        assertEquals(new BiometricStatus(Availability.NOT_ENABLED, "touch-id",
                "no fingerprint is enrolled: System Settings > Touch ID & Password"), touchId.status());
    }

    @Test
    void timeoutInvalidatesTheContextAndWaitsForItsReply() throws Exception {
        fake.waitForInvalidate = true;
        assertEquals(Outcome.TIMED_OUT, verify(Duration.ofMillis(500)).outcome());
        assertTrue(touchId.runner().awaitIdle(Duration.ofSeconds(10)));
        // On a loaded machine the deadline can pass before the worker starts evaluating; then
        // there is no context to invalidate.
        assertEquals(fake.evaluating.getCount() == 0 ? 1 : 0, fake.invalidations.get());
    }

    @Test
    void cancellingTheFutureInvalidatesTheContext() throws Exception {
        fake.waitForInvalidate = true;
        CompletableFuture<Verification> pending = touchId.verify(new VerificationRequest("unlock"));
        assertTrue(fake.evaluating.await(10, TimeUnit.SECONDS));
        assertTrue(pending.cancel(true));
        assertTrue(touchId.runner().awaitIdle(Duration.ofSeconds(10)));
        assertEquals(1, fake.invalidations.get());
    }

    @Test
    void aContextWhoseReplyNeverComesIsLeakedNotFreed() throws Exception {
        fake.waitForInvalidate = true;
        fake.ignoreInvalidate = true;
        assertEquals(Outcome.TIMED_OUT, verify(Duration.ofMillis(500)).outcome());
        assertTrue(touchId.runner().awaitIdle(Duration.ofSeconds(10)), "the worker gave up after the grace period");
        // Leaked only if evaluation had started (a loaded machine can reach the deadline first).
        expectedLeft = fake.evaluating.getCount() == 0 ? List.of("LAContext") : List.of();
    }

    @Test
    void aFailedSendReleasesTheContext() throws Exception {
        fake.evaluateThrows = new IllegalStateException("unrecognized selector");
        Verification v = verify();
        assertEquals(Outcome.ERROR, v.outcome());
        assertTrue(v.detail().contains("unrecognized selector"), v.detail());
    }
}
