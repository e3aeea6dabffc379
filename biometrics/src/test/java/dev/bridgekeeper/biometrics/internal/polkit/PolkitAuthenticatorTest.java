package dev.bridgekeeper.biometrics.internal.polkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.biometrics.Availability;
import dev.bridgekeeper.biometrics.BiometricStatus;
import dev.bridgekeeper.biometrics.Outcome;
import dev.bridgekeeper.biometrics.Platform;
import dev.bridgekeeper.biometrics.Verification;
import dev.bridgekeeper.biometrics.VerificationRequest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class PolkitAuthenticatorTest {
    private static final String HINT = "run the installer";

    private final FakePolkitPort fake = new FakePolkitPort();
    private final PolkitAuthenticator polkit =
            new PolkitAuthenticator(Platform.LINUX, () -> fake, PolkitAuthenticator.ACTION_ID, HINT, Duration.ofSeconds(10));

    @AfterEach
    void everythingWasFreedExactlyOnce() throws Exception {
        assertTrue(polkit.runner().awaitIdle(Duration.ofSeconds(10)), "worker threads finished");
        assertEquals(List.of(), fake.live(), "objects not freed");
        assertEquals(List.of(), fake.problems);
    }

    private Verification verify(Duration timeout) throws Exception {
        return polkit.verify(new VerificationRequest("unlock", 0, timeout)).get(10, TimeUnit.SECONDS);
    }

    private Verification verify() throws Exception {
        return verify(Duration.ofSeconds(30));
    }

    // ---- status ----

    @Test
    void statusIsAvailableWhenPolkitWouldAsk() {
        assertEquals(BiometricStatus.available("polkit"), polkit.status());
        assertEquals(List.of(PolkitPort.CHECK_NONE), fake.checkFlags, "status never prompts");
    }

    @Test
    void statusWarnsWhenARuleSkipsThePrompt() {
        fake.statusAnswer = FakePolkitPort.Answer.result(true, false, false);
        BiometricStatus status = polkit.status();
        assertEquals(Availability.AVAILABLE, status.availability());
        assertTrue(status.detail().contains("will not prompt"), status.detail());
    }

    @Test
    void statusIsNotEnabledWhenPolkitWouldRefuse() {
        fake.statusAnswer = FakePolkitPort.Answer.result(false, false, false);
        BiometricStatus status = polkit.status();
        assertEquals(Availability.NOT_ENABLED, status.availability());
        assertTrue(status.detail().contains("active local session"), status.detail());
    }

    @Test
    void statusNeedsSetupWhenTheActionIsNotRegistered() {
        fake.actions = List.of("org.freedesktop.login1.reboot");
        BiometricStatus status = polkit.status();
        assertEquals(Availability.SETUP_NEEDED, status.availability());
        assertEquals("the polkit action dev.bridgekeeper.unlock is not installed; " + HINT, status.detail());
        assertEquals(List.of(), fake.checkFlags, "no check for an unknown action");
    }

    @Test
    void statusSaysWhenPolkitCannotBeReached() {
        fake.authorityError = "Could not connect: No such file or directory";
        BiometricStatus status = polkit.status();
        assertEquals(Availability.HARDWARE_UNAVAILABLE, status.availability());
        assertEquals("cannot reach polkit on the system bus: Could not connect: No such file or directory", status.detail());
    }

    @Test
    void statusSaysWhenTheDaemonIsNotRunning() {
        fake.daemonRunning = false;
        BiometricStatus status = polkit.status();
        assertEquals(Availability.HARDWARE_UNAVAILABLE, status.availability());
        assertTrue(status.detail().contains("polkit daemon is not running"), status.detail());
    }

    @Test
    void statusReportsListAndCheckErrors() {
        fake.enumerateError = "access denied";
        assertEquals("polkit could not list its actions: access denied", polkit.status().detail());
        fake.enumerateError = null;
        fake.statusAnswer = FakePolkitPort.Answer.error("polkit-error-quark", 0, "boom");
        BiometricStatus status = polkit.status();
        assertEquals(Availability.HARDWARE_UNAVAILABLE, status.availability());
        assertEquals("polkit check failed: boom", status.detail());
        fake.statusAnswer = FakePolkitPort.Answer.result(false, true, false);
        fake.subjectFails = true;
        assertEquals(Availability.HARDWARE_UNAVAILABLE, polkit.status().availability());
    }

    // ---- verification ----

    @Test
    void authorizedIsVerifiedOnAWorkerThreadForThisProcess() throws Exception {
        assertEquals(Verification.verified(), verify());
        assertEquals(List.of(PolkitPort.CHECK_ALLOW_USER_INTERACTION), fake.checkFlags);
        assertEquals(List.of(PolkitAuthenticator.ACTION_ID), fake.checkedActions);
        assertEquals(ProcessHandle.current().pid(), fake.subjectPid);
        assertEquals(0, fake.subjectStartTime, "0: polkit looks the start time up");
        assertEquals(-1, fake.subjectUid, "-1: polkit looks the uid up");
        assertNotSame(Thread.currentThread(), fake.interactiveCheckThread);
    }

    @Test
    void resultFlagsMapToOutcomes() throws Exception {
        fake.verifyAnswer = FakePolkitPort.Answer.result(false, false, true);
        assertEquals(Outcome.USER_CANCELLED, verify().outcome());
        fake.verifyAnswer = FakePolkitPort.Answer.result(false, true, false);
        assertEquals(Verification.of(Outcome.UNAVAILABLE, "no polkit authentication agent is running in this session"),
                verify());
        fake.verifyAnswer = FakePolkitPort.Answer.result(false, false, false);
        assertEquals(Outcome.DENIED, verify().outcome());
    }

    @Test
    void everyFlagCombinationHasOneMeaning() {
        for (boolean dismissed : new boolean[] {false, true}) {
            for (boolean challenge : new boolean[] {false, true}) {
                assertEquals(Outcome.VERIFIED, PolkitAuthenticator.mapResult(true, dismissed, challenge).outcome());
            }
            assertEquals(Outcome.USER_CANCELLED, PolkitAuthenticator.mapResult(false, true, dismissed).outcome());
        }
        assertEquals(Outcome.UNAVAILABLE, PolkitAuthenticator.mapResult(false, false, true).outcome());
        assertEquals(Outcome.DENIED, PolkitAuthenticator.mapResult(false, false, false).outcome());
    }

    @Test
    void errorsMapToOutcomesAndAreFreed() throws Exception {
        fake.verifyAnswer = FakePolkitPort.Answer.error("polkit-error-quark", 0,
                "GDBus.Error:org.freedesktop.PolicyKit1.Error.Failed: Action dev.bridgekeeper.unlock is not registered");
        Verification notRegistered = verify();
        assertEquals(Outcome.UNAVAILABLE, notRegistered.outcome());
        assertTrue(notRegistered.detail().endsWith(HINT), notRegistered.detail());
        fake.verifyAnswer = FakePolkitPort.Answer.error("g-dbus-error-quark", 24, "Timeout was reached");
        assertEquals(Verification.of(Outcome.ERROR, "polkit check failed: Timeout was reached"), verify());
        fake.verifyAnswer = FakePolkitPort.Answer.error("g-io-error-quark", 19, "Operation was cancelled");
        assertEquals(Outcome.USER_CANCELLED, verify().outcome());
    }

    @Test
    void unreachablePolkitOrMissingDaemonIsUnavailable() throws Exception {
        fake.daemonRunning = false;
        assertEquals(Outcome.UNAVAILABLE, verify().outcome());
        fake.daemonRunning = true;
        fake.authorityError = "Could not connect";
        assertEquals(Verification.of(Outcome.UNAVAILABLE, "cannot reach polkit on the system bus: Could not connect"),
                verify());
        fake.authorityError = null;
        fake.subjectFails = true;
        assertEquals(Outcome.ERROR, verify().outcome());
    }

    @Test
    void timeoutCancelsTheBlockedCheck() throws Exception {
        fake.blockUntilCancelled = true;
        assertEquals(Outcome.TIMED_OUT, verify(Duration.ofMillis(500)).outcome());
        assertTrue(polkit.runner().awaitIdle(Duration.ofSeconds(10)));
        // On a loaded machine the deadline can pass before the check starts: nothing to cancel then.
        assertEquals(fake.interactiveCheckStarted.getCount() == 0 ? 1 : 0, fake.cancels.get());
    }

    @Test
    void cancellingTheFutureCancelsTheBlockedCheck() throws Exception {
        fake.blockUntilCancelled = true;
        CompletableFuture<Verification> pending = polkit.verify(new VerificationRequest("unlock"));
        assertTrue(fake.interactiveCheckStarted.await(10, TimeUnit.SECONDS));
        assertTrue(pending.cancel(true));
        assertTrue(polkit.runner().awaitIdle(Duration.ofSeconds(10)));
        assertEquals(1, fake.cancels.get());
    }

    @Test
    void closeCancelsPendingChecks() throws Exception {
        fake.blockUntilCancelled = true;
        CompletableFuture<Verification> pending = polkit.verify(new VerificationRequest("unlock"));
        assertTrue(fake.interactiveCheckStarted.await(10, TimeUnit.SECONDS));
        polkit.close();
        assertEquals(Outcome.USER_CANCELLED, pending.get(10, TimeUnit.SECONDS).outcome());
        assertEquals(1, fake.cancels.get());
    }

    @Test
    void aThrowingBindingStillFreesEverything() throws Exception {
        fake.checkThrows = new IllegalStateException("native crash");
        Verification v = verify();
        assertEquals(Outcome.ERROR, v.outcome());
        assertTrue(v.detail().contains("native crash"), v.detail());
    }

    // ---- the shipped action ----

    @Test
    void shippedPolicyIsTheOneInTheJarAndAsksTheActiveUser() throws Exception {
        String inJar = PolkitAuthenticator.policyXml();
        Path shipped = Path.of("..", "polkit", PolkitAuthenticator.POLICY_RESOURCE);
        assertEquals(Files.readString(shipped), inJar, "polkit/ and the jar resource must be the same file");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(inJar.getBytes(StandardCharsets.UTF_8)));
        assertEquals(PolkitAuthenticator.ACTION_ID, doc.getElementsByTagName("action").item(0).getAttributes()
                .getNamedItem("id").getNodeValue());
        assertEquals("no", doc.getElementsByTagName("allow_any").item(0).getTextContent());
        assertEquals("no", doc.getElementsByTagName("allow_inactive").item(0).getTextContent());
        assertEquals("auth_self", doc.getElementsByTagName("allow_active").item(0).getTextContent());
    }

    @Test
    void installCommandPointsAtARealPolicyFile() {
        String command = PolkitAuthenticator.installCommand();
        // Tests load classes from target/classes, so the command copies the file from there.
        assertTrue(command.startsWith("sudo install -m 0644 '"), command);
        String source = command.substring(command.indexOf('\'') + 1, command.lastIndexOf('\''));
        assertTrue(Files.isRegularFile(Path.of(source)), source);
        assertTrue(command.endsWith(" /usr/share/polkit-1/actions/dev.bridgekeeper.unlock.policy"), command);
        assertEquals("'it'\\''s'", PolkitAuthenticator.shellQuote("it's"));
    }
}
