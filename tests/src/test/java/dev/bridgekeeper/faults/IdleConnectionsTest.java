package dev.bridgekeeper.faults;

import static dev.bridgekeeper.faults.FaultFixture.await;
import static dev.bridgekeeper.faults.FaultFixture.faults;
import static dev.bridgekeeper.faults.FaultFixture.get;
import static dev.bridgekeeper.faults.FaultFixture.newKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.agent.internal.secure.PairingStore;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.testing.TestExtension;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connections that never say hello do not cost the agent a thread each: many of them are held
 * open while a paired session keeps answering, the agent's thread count stays under a fixed
 * ceiling throughout, and everything is released when they close. Above the configured cap new
 * idle connections are refused with a log line and the paired session is untouched.
 *
 * <p>CI size: 2,000 idle connections. The full run (scripts/faults.sh --full):
 * {@code -Dbridgekeeper.idle.connections=10000}. Latencies are reported, never asserted.
 */
class IdleConnectionsTest {
    private static final int IDLE = Integer.getInteger("bridgekeeper.idle.connections",
            Boolean.getBoolean("bridgekeeper.soak.full") ? 10_000 : 2_000);
    /** Threads the agent may add over its idle count, whatever the number of idle connections. */
    private static final int THREAD_MARGIN = 40;

    private FaultFixture f;
    private final List<SocketChannel> idle = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        f = new FaultFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        closeIdle();
        f.close();
    }

    private void closeIdle() {
        for (SocketChannel c : idle) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Closing is all that is left to do.
            }
        }
        idle.clear();
    }

    private TestExtension startPaired(String... jvmOptions) throws Exception {
        KeyPair key = newKey();
        PairingStore.open(f.dataDir).save(new PairingRecord("idle", "Idle test", FaultFixture.CALLER, key.publicKey(),
                Instant.now(), null));
        f.startFaultAgent(List.of(jvmOptions));
        TestExtension ext = f.direct(key);
        ext.awaitReady(60);
        return ext;
    }

    private SocketChannel connectIdle() throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(f.socket));
        idle.add(c);
        return c;
    }

    private long proc(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + f.agent.pid() + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no " + field);
    }

    private long openFiles() throws IOException {
        try (var s = Files.list(Path.of("/proc/" + f.agent.pid() + "/fd"))) {
            return s.count();
        }
    }

    /** Median and max of {@code n} echo round trips, in microseconds. */
    private long[] echoLatency(FaultChannel ctl, int n) throws Exception {
        long[] us = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            assertEquals(i, get(ctl.echo(new FaultChannel.Num(i))).n());
            us[i] = (System.nanoTime() - t0) / 1000;
        }
        Arrays.sort(us);
        return new long[] {us[n / 2], us[n - 1]};
    }

    @Test
    void idleConnectionsCostNoThreadAndThePairedSessionKeepsAnswering() throws Exception {
        TestExtension ext = startPaired("-Dbridgekeeper.maxUnauthenticatedConnections=" + (IDLE + 1000),
                "-Dbridgekeeper.firstFrameTimeoutMs=300000", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        FaultChannel ctl = faults(ext);
        long[] quiet = echoLatency(ctl, 200);
        long baseThreads = proc("Threads");
        long baseFiles = openFiles();
        long ceiling = baseThreads + THREAD_MARGIN;
        long maxThreads = baseThreads;
        long[] loaded = null;
        for (int i = 1; i <= IDLE; i++) {
            connectIdle();
            if (i % 500 == 0 || i == IDLE) {
                maxThreads = Math.max(maxThreads, proc("Threads"));
                loaded = echoLatency(ctl, 20);
                assertTrue(maxThreads <= ceiling, "agent threads " + maxThreads + " over the ceiling " + ceiling
                        + " with " + i + " idle connections");
            }
        }
        // Held open by the agent (one descriptor each), not closed.
        await(60, () -> "agent descriptors: expected about " + (baseFiles + IDLE), () -> {
            try {
                return openFiles() >= baseFiles + IDLE;
            } catch (IOException e) {
                return false;
            }
        });
        long[] full = echoLatency(ctl, 200);
        maxThreads = Math.max(maxThreads, proc("Threads"));
        assertTrue(maxThreads <= ceiling, "agent threads " + maxThreads + " over " + ceiling);

        closeIdle();
        await(60, () -> "descriptors released", () -> {
            try {
                return openFiles() <= baseFiles + 5;
            } catch (IOException e) {
                return false;
            }
        });
        long[] after = echoLatency(ctl, 200);
        System.out.printf("idle: %d idle connections held; agent threads %d before, at most %d during (ceiling %d), "
                + "%d after; descriptors %d before, %d after; echo median/max us: quiet %d/%d, while connecting %d/%d, "
                + "all held %d/%d, after %d/%d%n", IDLE, baseThreads, maxThreads, ceiling, proc("Threads"), baseFiles,
                openFiles(), quiet[0], quiet[1], loaded[0], loaded[1], full[0], full[1], after[0], after[1]);
    }

    @Test
    void aboveTheCapNewIdleConnectionsAreRefusedAndPairedSessionsGoOn() throws Exception {
        TestExtension ext = startPaired("-Dbridgekeeper.maxUnauthenticatedConnections=20",
                "-Dbridgekeeper.firstFrameTimeoutMs=300000");
        FaultChannel ctl = faults(ext);
        List<SocketChannel> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(connectIdle());
        }
        // The agent closes what it refused: a read sees the end of the stream (polled, never blocking).
        int refused = 0;
        for (SocketChannel c : all) {
            c.configureBlocking(false);
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (refused < 30 && System.nanoTime() < deadline) {
            refused = 0;
            for (SocketChannel c : all) {
                if (!c.isOpen() || c.read(ByteBuffer.allocate(1)) < 0) {
                    refused++;
                    c.close();
                }
            }
            Thread.sleep(100);
        }
        assertEquals(30, refused, "the connections over the cap of 20 were closed, the others held");
        assertTrue(f.agentLog().contains("connections are already waiting to say hello"), f.agentLog());
        assertEquals(7, get(ctl.echo(new FaultChannel.Num(7))).n(), "the paired session answers");
    }

    @Test
    void pastHelloConnectionsNotReadyAreCappedTooAndPairedSessionsGoOn() throws Exception {
        TestExtension ext = startPaired("-Dbridgekeeper.maxConnectionsNotReady=3");
        FaultChannel ctl = faults(ext);
        // Three unknown extensions wait for a person to approve their pairing: the cap is reached.
        List<TestExtension> pairing = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestExtension p = f.direct(newKey());
            pairing.add(p);
            p.awaitPairingCode(60);
        }
        List<SocketChannel> late = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            SocketChannel c = connectIdle();
            c.write(ByteBuffer.wrap(HostileInputTest.frame(HostileInputTest.HELLO)));
            c.configureBlocking(false);
            late.add(c);
        }
        // Each is answered "connected" by the transport, then closed: a read sees the end of the stream.
        int closed = 0;
        long deadline = System.nanoTime() + 30_000_000_000L;
        ByteBuffer sink = ByteBuffer.allocate(4096);
        while (closed < late.size() && System.nanoTime() < deadline) {
            closed = 0;
            for (SocketChannel c : late) {
                sink.clear();
                if (!c.isOpen() || c.read(sink) < 0) {
                    closed++;
                    c.close();
                }
            }
            Thread.sleep(100);
        }
        assertEquals(late.size(), closed, "every connection past hello over the cap of 3 was closed");
        assertTrue(f.agentLog().contains("connections are already waiting for their handshake or pairing"),
                f.agentLog());
        assertEquals(7, get(ctl.echo(new FaultChannel.Num(7))).n(), "the paired session answers");

        // One that gives up frees its place: the next unknown extension reaches its pairing code.
        pairing.remove(0).close();
        TestExtension next = f.direct(newKey());
        next.awaitPairingCode(60);
        assertEquals(8, get(ctl.echo(new FaultChannel.Num(8))).n(), "the paired session still answers");
    }
}
