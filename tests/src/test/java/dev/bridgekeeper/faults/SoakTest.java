package dev.bridgekeeper.faults;

import static dev.bridgekeeper.faults.FaultFixture.await;
import static dev.bridgekeeper.faults.FaultFixture.faults;
import static dev.bridgekeeper.faults.FaultFixture.get;
import static dev.bridgekeeper.faults.FaultFixture.newKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bridgekeeper.ipc.IncomingMessage;
import dev.bridgekeeper.agent.internal.ipc.InMemorySessionRepository;
import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.noise.KeyPair;
import dev.bridgekeeper.agent.internal.secure.PairingStore;
import dev.bridgekeeper.testing.TestExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Load and soak against the agent process: many concurrent connections (straight to the socket;
 * a host JVM each would not fit on a CI machine) doing RPCs, receiving the desktop's events and
 * reconnecting, for a bounded time. Every request and response is counted on both sides (none
 * lost, none duplicated), every event on connections that stay up (each once, in order), and the
 * agent's heap after GC, threads and descriptors are compared before and after.
 *
 * <p>CI size by default (100 connections, 10 s). The full run: {@code -Dbridgekeeper.soak.full=true}
 * (1,000 connections, 60 s), or set {@code bridgekeeper.soak.connections} and
 * {@code bridgekeeper.soak.seconds}. See docs/faults.md.
 */
class SoakTest {
    private static final boolean FULL = Boolean.getBoolean("bridgekeeper.soak.full");
    private static final int CONNECTIONS = Integer.getInteger("bridgekeeper.soak.connections", FULL ? 1000 : 100);
    private static final int SECONDS = Integer.getInteger("bridgekeeper.soak.seconds", FULL ? 60 : 10);
    /** Extension keys: many connections share one, as one extension in several browser profiles would. */
    private static final int KEYS = 20;
    /** Connections that close and reconnect during the run; the others stay up throughout. */
    private static final int CHURNING = Math.max(2, CONNECTIONS / 10);
    private static final int RPC_WORKERS = 8;
    private static final int IN_FLIGHT_PER_WORKER = 32;

    private FaultFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new FaultFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    /** One connection's view: the events it got, in arrival order. */
    private static final class Conn {
        final TestExtension ext;
        final List<Long> ticks = Collections.synchronizedList(new ArrayList<>());

        Conn(TestExtension ext) {
            this.ext = ext;
            ext.client().subscribe(FaultChannel.TICK, (IncomingMessage m) -> ticks.add(m.payload().path("seq").asLong()));
        }
    }

    private Conn open(KeyPair key) throws Exception {
        return new Conn(f.direct(key, new InMemorySessionRepository()));
    }

    @Test
    void manyConnectionsWithRpcsEventsAndReconnects() throws Exception {
        List<KeyPair> keys = new ArrayList<>();
        PairingStore store = PairingStore.open(f.dataDir);
        for (int i = 0; i < KEYS; i++) {
            KeyPair k = newKey();
            keys.add(k);
            store.save(new PairingRecord(HexFormat.of().formatHex(k.publicKey(), 0, 8), "Soak " + i, FaultFixture.CALLER,
                    k.publicKey(), Instant.now(), null));
        }
        f.startFaultAgent(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), "--pairings-per-minute", "1");
        Conn control = open(keys.get(0));
        control.ext.awaitReady(60);
        FaultChannel ctl = faults(control.ext);
        FaultChannel.Stats idle = get(ctl.stats());

        // Open every connection, a few at a time.
        AtomicReferenceArray<Conn> conns = new AtomicReferenceArray<>(CONNECTIONS);
        ExecutorService openers = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Void>> opened = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            int n = i;
            opened.add(CompletableFuture.runAsync(() -> {
                try {
                    Conn c = open(keys.get(n % KEYS));
                    c.ext.awaitReady(120);
                    conns.set(n, c);
                } catch (Exception e) {
                    throw new IllegalStateException("connection " + n + " did not get ready", e);
                }
            }, openers));
        }
        CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        openers.shutdown();

        // Warm-up: every connection answers; one burst of events.
        AtomicLong nextId = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        AtomicLong wrong = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            echo(conns.get(i), nextId, sent, answered, wrong, failures).get(60, TimeUnit.SECONDS);
        }
        FaultChannel.Burst warmBurst = get(ctl.burst(new FaultChannel.Num(5)));
        assertEquals(5L * (CONNECTIONS + 1), warmBurst.deliveries(), "every connection was reached");
        FaultChannel.Stats warm = get(ctl.stats());

        // The soak: RPCs on the steady connections, bursts to all, churning connections reconnect.
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong reconnects = new AtomicLong();
        AtomicLong bursts = new AtomicLong();
        List<Thread> load = new ArrayList<>();
        for (int w = 0; w < RPC_WORKERS; w++) {
            load.add(new Thread(() -> {
                Semaphore window = new Semaphore(IN_FLIGHT_PER_WORKER);
                while (running.get()) {
                    window.acquireUninterruptibly();
                    int i = CHURNING + ThreadLocalRandom.current().nextInt(CONNECTIONS - CHURNING);
                    echo(conns.get(i), nextId, sent, answered, wrong, failures).whenComplete((r, e) -> window.release());
                }
                window.acquireUninterruptibly(IN_FLIGHT_PER_WORKER); // All answered.
            }, "soak-rpc-" + w));
        }
        load.add(new Thread(() -> {
            while (running.get()) {
                try {
                    get(ctl.burst(new FaultChannel.Num(10)));
                    bursts.incrementAndGet();
                    Thread.sleep(50);
                } catch (Exception e) {
                    failures.add("burst: " + e);
                    return;
                }
            }
        }, "soak-events"));
        load.add(new Thread(() -> {
            while (running.get()) {
                int i = ThreadLocalRandom.current().nextInt(CHURNING);
                Conn old = conns.get(i);
                try {
                    checkInOrder(old, failures);
                    old.ext.close();
                    Conn fresh = open(old.ext.key());
                    fresh.ext.awaitReady(60);
                    echo(fresh, nextId, sent, answered, wrong, failures).get(60, TimeUnit.SECONDS);
                    conns.set(i, fresh);
                    reconnects.incrementAndGet();
                } catch (Exception e) {
                    failures.add("reconnect: " + e);
                    return;
                }
            }
        }, "soak-reconnect"));
        load.forEach(Thread::start);
        Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS)); // The soak's duration, not a synchronisation.
        running.set(false);
        for (Thread t : load) {
            t.join(TimeUnit.SECONDS.toMillis(120));
            assertTrue(!t.isAlive(), t.getName() + " did not finish");
        }

        FaultChannel.Burst last = get(ctl.burst(new FaultChannel.Num(1)));
        for (int i = CHURNING; i < CONNECTIONS; i++) {
            Conn c = conns.get(i);
            await(60, () -> "a steady connection is missing events", () -> c.ticks.size() >= last.lastSeq());
        }
        FaultChannel.Stats end = get(ctl.stats());

        // Nothing lost, nothing duplicated.
        assertTrue(failures.isEmpty(), "failures: " + failures);
        assertEquals(0, wrong.get(), "answers that did not match their request");
        assertEquals(sent.get(), answered.get(), "every request got its response");
        assertEquals(answered.get(), end.echoes(), "the agent answered each request exactly once");
        for (int i = 0; i < CONNECTIONS; i++) {
            Conn c = conns.get(i);
            checkInOrder(c, failures);
            if (i >= CHURNING) {
                List<Long> expected = new ArrayList<>();
                for (long s = 1; s <= last.lastSeq(); s++) {
                    expected.add(s);
                }
                synchronized (c.ticks) {
                    assertEquals(expected, c.ticks, "steady connection " + i + " got every event once, in order");
                }
            }
            assertEquals(0, c.ext.client().metrics().unknownResponses(), "no stray or duplicate responses");
            assertEquals(0, c.ext.client().metrics().subscriberDrops(), "no event dropped");
        }
        assertTrue(failures.isEmpty(), "failures: " + failures);

        // Memory is flat: the heap after GC at the end is that after warm-up, within noise.
        long slack = Math.max(16L << 20, warm.heapUsed() / 4);
        String figures = String.format("soak: %d connections (%d keys, %d churning), %d s: %d requests, %d answered, "
                        + "%d errors, %d events published in %d bursts, %d reconnects; agent heap after GC %.1f MB idle, "
                        + "%.1f MB warm, %.1f MB end; threads %d idle, %d warm, %d end, %d peak; open files %d idle, "
                        + "%d warm, %d end; %s",
                CONNECTIONS, KEYS, CHURNING, SECONDS, sent.get(), answered.get(), failures.size() + wrong.get(),
                last.lastSeq(), bursts.get() + 2, reconnects.get(), mb(idle.heapUsed()), mb(warm.heapUsed()),
                mb(end.heapUsed()), idle.threads(), warm.threads(), end.threads(), end.peakThreads(), idle.openFiles(),
                warm.openFiles(), end.openFiles(), memoryOf(f.agent.pid()));
        System.out.println(figures);
        assertTrue(end.heapUsed() <= warm.heapUsed() + slack, "heap grew: " + figures);
        assertEquals(CONNECTIONS + 1, end.connections());
        // Two threads per connection, no more (a closed connection's writer notices within a second).
        await(30, () -> "more than two threads per connection: " + stats(ctl).connThreads(),
                () -> stats(ctl).connThreads() == warm.connThreads());

        // Everyone leaves: per-connection threads and descriptors go back to the idle level.
        for (int i = 0; i < CONNECTIONS; i++) {
            conns.get(i).ext.close();
        }
        await(60, () -> "connections still open on the agent", () -> stats(ctl).connections() == 1);
        await(60, () -> "connection threads still alive", () -> stats(ctl).connThreads() == idle.connThreads());
        FaultChannel.Stats after = get(ctl.stats());
        assertTrue(after.openFiles() <= idle.openFiles() + 8, "descriptors leaked: " + idle.openFiles() + " idle, "
                + after.openFiles() + " after everyone left");
        assertTrue(f.agent.isAlive());
    }

    private static CompletableFuture<FaultChannel.Num> echo(Conn c, AtomicLong nextId, AtomicLong sent,
            AtomicLong answered, AtomicLong wrong, ConcurrentLinkedQueue<String> failures) {
        long n = nextId.incrementAndGet();
        sent.incrementAndGet();
        return faults(c.ext).echo(new FaultChannel.Num(n)).whenComplete((r, e) -> {
            if (e != null) {
                failures.add("echo " + n + ": " + e);
            } else {
                answered.incrementAndGet();
                if (r.n() != n) {
                    wrong.incrementAndGet();
                }
            }
        });
    }

    /** Events on one connection come once each, in increasing order (possibly starting late). */
    private static void checkInOrder(Conn c, ConcurrentLinkedQueue<String> failures) {
        synchronized (c.ticks) {
            for (int i = 1; i < c.ticks.size(); i++) {
                if (c.ticks.get(i) <= c.ticks.get(i - 1)) {
                    failures.add("events out of order or repeated: " + c.ticks.get(i - 1) + " then " + c.ticks.get(i));
                    return;
                }
            }
        }
    }

    private static FaultChannel.Stats stats(FaultChannel ctl) {
        try {
            return get(ctl.stats());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    /** The agent's resident and virtual size from /proc (Linux), for the record. */
    private static String memoryOf(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM") || l.startsWith("VmSize"))
                    .map(l -> l.replaceAll("\\s+", " ")).reduce((a, b) -> a + ", " + b).orElse("");
        } catch (Exception e) {
            return "no /proc";
        }
    }
}
