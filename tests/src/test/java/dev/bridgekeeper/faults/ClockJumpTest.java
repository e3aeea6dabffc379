package dev.bridgekeeper.faults;

import static dev.bridgekeeper.faults.FaultFixture.await;
import static dev.bridgekeeper.faults.FaultFixture.faults;
import static dev.bridgekeeper.faults.FaultFixture.get;
import static dev.bridgekeeper.faults.FaultFixture.newKey;
import static dev.bridgekeeper.faults.FaultFixture.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.testing.TestExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's wall clock jumps (NTP, a user setting the date, a VM resumed) by years, forward and
 * back, while pairings are pending: the pairing deadline and the pairing rate limit keep working
 * because they run on monotonic time, and only the timestamps in the store follow the wall clock.
 *
 * <p>The agent process runs under libfaketime (Debian package {@code libfaketime}; {@code
 * scripts/faults.sh} installs it), which shifts only its wall clock ({@code CLOCK_REALTIME}) by an
 * offset read from a file the test rewrites; its monotonic clock is the real one. Skipped with the
 * reason when libfaketime is not installed. (libfaketime slows the JVM about tenfold, hence the long
 * pairing deadline: the jump must land before it.)
 */
class ClockJumpTest {
    private static final List<Path> LIBFAKETIME = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"),
            Path.of("/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1"),
            Path.of("/usr/lib/faketime/libfaketimeMT.so.1"));
    private static final Duration YEAR = Duration.ofDays(365);

    private FaultFixture f;
    private Path offsetFile;

    @BeforeEach
    void setUp() throws Exception {
        f = new FaultFixture();
        offsetFile = f.tmp.resolve("faketime");
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    /** Shifts the agent's wall clock to real time plus {@code days}, and waits until the agent sees it. */
    private void jumpTo(long days, TestExtension probe) throws Exception {
        Files.writeString(offsetFile, (days >= 0 ? "+" : "") + days + "d\n");
        Instant target = Instant.now().plus(Duration.ofDays(days));
        await(30, () -> "the agent's clock never moved to " + target, () -> {
            try {
                long agentNow = get(faults(probe).clock()).n();
                return Math.abs(agentNow - target.toEpochMilli()) < Duration.ofHours(1).toMillis();
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void pairingDeadlinesAndTheRateLimitIgnoreWallClockJumps() throws Exception {
        Optional<Path> lib = LIBFAKETIME.stream().filter(Files::isReadable).findFirst();
        assumeTrue(lib.isPresent(), "libfaketime is not installed (apt-get install libfaketime; scripts/faults.sh does)");
        Files.writeString(offsetFile, "+365d\n");
        f.startFaultAgent(List.of("-XX:TieredStopAtLevel=1"), Map.of(
                        "LD_PRELOAD", lib.get().toString(),
                        "FAKETIME_TIMESTAMP_FILE", offsetFile.toString(),
                        "FAKETIME_CACHE_DURATION", "1",
                        "FAKETIME_DONT_FAKE_MONOTONIC", "1"),
                "--pairings-per-minute", "3", "--pairing-timeout-ms", "10000");

        // Attempt 1, a year ahead: approved; the record's time is the agent's (shifted) wall clock.
        TestExtension first = f.direct(newKey());
        assertEquals(0, f.answerShownCode(first, true).code());
        first.awaitReady(30);
        PairingRecord saved = f.openStore().findByKey(first.key().publicKey()).orElseThrow();
        assertTrue(saved.created().isAfter(Instant.now().plus(YEAR).minus(Duration.ofDays(2))),
                "libfaketime shifted the agent's wall clock: created " + saved.created());

        // Attempt 2 waits for the user; meanwhile the wall clock falls back two years. A deadline
        // on wall time would now be two years away; on monotonic time it comes after 10 s.
        TestExtension waiting = f.direct(newKey());
        take(waiting.ui().codes, "pairing code");
        jumpTo(-365, first);
        assertTrue(waiting.ui().failures.isEmpty(), "the jump came before the deadline (machine not too slow)");
        assertEquals("pairing_rejected", take(waiting.ui().failures, "pairing deadline"));
        assertTrue(take(waiting.ui().failureMessages, "message").contains("no answer to the pairing"));

        // Attempt 3, rejected by the user; then the clock leaps three years ahead. A limiter on wall
        // time would count the three attempts as long past; this one still refuses a fourth.
        TestExtension third = f.direct(newKey());
        assertEquals(0, f.answerShownCode(third, false).code());
        assertEquals("pairing_rejected", take(third.ui().failures, "rejection"));
        jumpTo(2 * 365, first);
        TestExtension fourth = f.direct(newKey());
        assertEquals("pairing_rejected", take(fourth.ui().failures, "rate limit"));
        assertTrue(take(fourth.ui().failureMessages, "message").contains("too many pairing attempts"));
        assertTrue(fourth.ui().codes.isEmpty(), "refused before any code was shown");

        // The paired extension still connects, and its last-seen time follows the wall clock.
        TestExtension again = f.direct(first.key(), first.pins());
        again.awaitReady(30);
        assertTrue(again.ui().codes.isEmpty());
        PairingRecord seen = f.openStore().findByKey(first.key().publicKey()).orElseThrow();
        assertTrue(seen.lastSeen().isAfter(Instant.now().plus(YEAR)), "last seen " + seen.lastSeen());
    }
}
