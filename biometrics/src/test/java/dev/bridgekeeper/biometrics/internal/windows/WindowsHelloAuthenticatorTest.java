package dev.bridgekeeper.biometrics.internal.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.platform.win32.Guid;
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

class WindowsHelloAuthenticatorTest {
    private static final int E_OUTOFMEMORY = 0x8007000E;

    private final FakeWinRtPort fake = new FakeWinRtPort();
    private final WindowsHelloAuthenticator hello = new WindowsHelloAuthenticator(Platform.WINDOWS, () -> fake,
            Duration.ofMillis(1), 1, Duration.ofMillis(20), Duration.ofSeconds(10));

    @AfterEach
    void everythingWasReleasedOnTheWorkerThread() throws Exception {
        assertTrue(hello.runner().awaitIdle(Duration.ofSeconds(10)));
        assertEquals(List.of(), fake.leaks());
        assertEquals(List.of(), fake.problems);
        assertEquals(fake.roInits.get(), fake.roUninits.get(), "every RoInitialize that succeeded is undone");
    }

    private Verification verify(long window, Duration timeout) throws Exception {
        return hello.verify(new VerificationRequest("Unlock Bridgekeeper", window, timeout)).get(10, TimeUnit.SECONDS);
    }

    private Verification verify() throws Exception {
        return verify(0, Duration.ofSeconds(30));
    }

    @Test
    void everyVerificationResultMapsToAnOutcome() throws Exception {
        Outcome[] expected = {Outcome.VERIFIED, Outcome.UNAVAILABLE, Outcome.UNAVAILABLE, Outcome.UNAVAILABLE,
            Outcome.UNAVAILABLE, Outcome.DENIED, Outcome.USER_CANCELLED};
        for (int result = 0; result < expected.length; result++) {
            fake.verificationResult = result;
            assertEquals(expected[result], verify().outcome(), "UserConsentVerificationResult " + result);
            assertEquals(expected[result], WindowsHelloAuthenticator.mapResult(result).outcome());
        }
        assertEquals(expected.length, fake.closes.get(), "each async info closed");
        assertEquals(Verification.of(Outcome.ERROR, "unknown Windows Hello result 99"), WindowsHelloAuthenticator.mapResult(99));
    }

    @Test
    void verificationUsesTheInteropOnTheForegroundWindowAndPolls() throws Exception {
        fake.pollsBeforeDone = 5;
        assertEquals(Verification.verified(), verify());
        assertEquals(List.of(WindowsHelloAuthenticator.IID_USER_CONSENT_VERIFIER_INTEROP), fake.factoryIids);
        assertEquals(WindowsHelloAuthenticator.IID_ASYNC_VERIFICATION, fake.requestedIid);
        assertEquals("Unlock Bridgekeeper", fake.requestedMessage);
        assertEquals(0x1111, fake.requestedWindow, "the foreground window, normally the browser");
        assertEquals(6, fake.statusPolls.get());
        assertNotSame(Thread.currentThread(), fake.workerThread);
        assertEquals(1, fake.roInits.get());
    }

    @Test
    void aGivenParentWindowIsUsed() throws Exception {
        verify(0x4242, Duration.ofSeconds(30));
        assertEquals(0x4242, fake.requestedWindow);
    }

    @Test
    void timeoutCancelsTheOperationAndReleasesIt() throws Exception {
        fake.waitForCancel = true;
        assertEquals(Outcome.TIMED_OUT, verify(0, Duration.ofMillis(500)).outcome());
        assertTrue(hello.runner().awaitIdle(Duration.ofSeconds(10)));
        // On a loaded machine the deadline can pass before the worker starts the operation; then
        // there is nothing to cancel or release. Either way nothing may be left behind.
        int started = fake.operationStarted.getCount() == 0 ? 1 : 0;
        assertEquals(started, fake.cancels.get());
        assertEquals(started, fake.closes.get());
    }

    @Test
    void cancellingTheFutureCancelsTheOperation() throws Exception {
        fake.waitForCancel = true;
        CompletableFuture<Verification> pending = hello.verify(new VerificationRequest("Unlock"));
        assertTrue(fake.operationStarted.await(10, TimeUnit.SECONDS));
        assertTrue(pending.cancel(true));
        assertTrue(hello.runner().awaitIdle(Duration.ofSeconds(10)));
        assertEquals(1, fake.cancels.get());
    }

    @Test
    void anOperationIgnoringCancelIsAbandonedButStillReleased() throws Exception {
        fake.ignoreCancel = true;
        assertEquals(Outcome.TIMED_OUT, verify(0, Duration.ofMillis(500)).outcome());
        assertTrue(hello.runner().awaitIdle(Duration.ofSeconds(10)));
        int started = fake.operationStarted.getCount() == 0 ? 1 : 0; // see timeoutCancels…
        assertEquals(started, fake.cancels.get());
        assertEquals(started, fake.closes.get());
    }

    @Test
    void systemCancelIsUserCancelled() throws Exception {
        fake.finalStatus = WindowsHelloAuthenticator.ASYNC_CANCELED;
        assertEquals(Outcome.USER_CANCELLED, verify().outcome());
    }

    @Test
    void asyncErrorIsReportedWithItsCode() throws Exception {
        fake.finalStatus = WindowsHelloAuthenticator.ASYNC_ERROR;
        assertEquals(Verification.of(Outcome.ERROR, "Windows Hello failed: 0x80070005"), verify());
    }

    @Test
    void missingClassMeansUnsupportedWindows() throws Exception {
        fake.failures.put("RoGetActivationFactory", WindowsHelloAuthenticator.REGDB_E_CLASSNOTREG);
        assertEquals(Outcome.UNAVAILABLE, verify().outcome());
        BiometricStatus status = hello.status();
        assertEquals(Availability.PLATFORM_UNSUPPORTED, status.availability());
        assertTrue(status.detail().contains("0x80040154"), status.detail());
    }

    @Test
    void failedCallsReleaseWhatWasAcquired() throws Exception {
        fake.failures.put("RequestVerificationForWindowAsync", 0x80070057);
        assertEquals(Verification.of(Outcome.ERROR, "Windows Hello call failed: RequestVerificationForWindowAsync failed with 0x80070057"),
                verify());
        fake.failures.clear();
        fake.failures.put("GetResults", 0x8000000E);
        assertEquals(Outcome.ERROR, verify().outcome());
    }

    @Test
    void apartmentFailureIsAnErrorAndAnotherApartmentIsNotLeft() throws Exception {
        fake.roInitializeResult = E_OUTOFMEMORY;
        assertEquals(Verification.of(Outcome.ERROR, "Windows Hello call failed: RoInitialize failed with 0x8007000E"), verify());
        fake.roInitializeResult = WindowsHelloAuthenticator.RPC_E_CHANGED_MODE;
        assertEquals(Outcome.VERIFIED, verify().outcome());
        assertEquals(0, fake.roUninits.get());
    }

    @Test
    void promptIsBroughtForwardWhenItIsBehind() throws Exception {
        fake.dialogWindow = 0x2222;
        verify();
        assertTrue(fake.focusAttempts.get() > 0);
    }

    @Test
    void promptAlreadyInFrontIsLeftAlone() throws Exception {
        fake.dialogWindow = 0x1111; // the foreground window
        verify();
        assertEquals(0, fake.focusAttempts.get());
    }

    @Test
    void statusMapsEveryAvailability() {
        Availability[] expected = {Availability.AVAILABLE, Availability.HARDWARE_UNAVAILABLE, Availability.NOT_ENABLED,
            Availability.NOT_ENABLED, Availability.AVAILABLE};
        for (int availability = 0; availability < expected.length; availability++) {
            fake.availability = availability;
            BiometricStatus status = hello.status();
            assertEquals(expected[availability], status.availability(), "availability " + availability);
            assertEquals(status, WindowsHelloAuthenticator.mapAvailability(availability));
        }
        assertEquals(Availability.HARDWARE_UNAVAILABLE, WindowsHelloAuthenticator.mapAvailability(7).availability());
        assertTrue(fake.factoryIids.stream().allMatch(WindowsHelloAuthenticator.IID_USER_CONSENT_VERIFIER_STATICS::equals));
        assertEquals(expected.length, fake.closes.get());
    }

    @Test
    void statusReportsAFailedCheck() {
        fake.finalStatus = WindowsHelloAuthenticator.ASYNC_ERROR;
        BiometricStatus status = hello.status();
        assertEquals(Availability.HARDWARE_UNAVAILABLE, status.availability());
        assertTrue(status.detail().endsWith("0x80070005"), status.detail());
    }

    @Test
    void interfaceIdsBecomeTheRightGuids() {
        Guid.GUID interop = JnaWinRtPort.guid(WindowsHelloAuthenticator.IID_USER_CONSENT_VERIFIER_INTEROP);
        assertEquals(0x39E050C3, interop.Data1);
        assertEquals((short) 0x4E74, interop.Data2);
        assertEquals((short) 0x441A, interop.Data3);
        assertEquals((byte) 0x8D, interop.Data4[0]);
        assertEquals((byte) 0x9C, interop.Data4[7]);
        assertEquals(0x00000036, JnaWinRtPort.guid(WindowsHelloAuthenticator.IID_ASYNC_INFO).Data1);
    }
}
