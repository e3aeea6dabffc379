package dev.bridgekeeper.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.agent.internal.ipc.IpcMetrics;
import dev.bridgekeeper.ipc.Endpoint;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Items 3 and 4 of the benchmark issue: encrypted RPC latency and rate on one connection,
 * handshake + pairing-free reconnect, a 64 MiB message through fragmentation, then 1,000
 * concurrent connections (handshakes and RPCs, memory) and event fan-out to 100 connections.
 * Prints a Markdown section.
 *
 * <pre>
 * java -cp benchmarks.jar dev.bridgekeeper.bench.EndToEnd [--via inprocess|plain|host-agent] [--scale S]
 * </pre>
 * {@code --scale} multiplies every count (the smoke run uses a small one). Exits non-zero when a
 * call fails, a connection is lost or a message is dropped.
 */
public final class EndToEnd {
    private EndToEnd() {}

    /** Where the desktop and the extensions live; everything is measured through this. */
    interface Bridge extends AutoCloseable {
        String describe();

        /** Publishes an event to every ready connection; returns how many it went to. */
        int publish(String topic, Object payload);

        /** How many extension connections the desktop has open. */
        int connectionCount();

        /** The desktop's counters, where the bridge can see them. */
        Optional<IpcMetrics> desktopMetrics();

        /** A new extension connection, returned once its session is ready (handshake done). */
        IpcClient connect() throws Exception;

        void disconnect(IpcClient extension);

        @Override
        void close();
    }

    static final int MAX_MESSAGE = IpcClient.DEFAULT_MAX_MESSAGE_SIZE;

    static Bridge bridge(String via) throws Exception {
        switch (via) {
            case "inprocess":
                return new InProcessBridge(true, MAX_MESSAGE);
            case "plain":
                return new InProcessBridge(false, MAX_MESSAGE);
            case "host-agent":
                return new AgentBridge(MAX_MESSAGE);
            default:
                throw new IllegalArgumentException("unknown --via " + via);
        }
    }

    public static void main(String[] args) throws Exception {
        String via = "inprocess";
        double scale = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--via" -> via = args[++i];
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Locale.setDefault(Locale.ROOT);
        Report r = new Report();
        try (Bridge b = bridge(via)) {
            r.line("- path: " + b.describe() + "; JVM " + System.getProperty("java.vm.version")
                    + ", heap limit " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
            r.line("- command: `bench/e2e.sh " + via + " " + scale + "`");
            r.line("");
            r.line("| measurement | result | spread | count |");
            r.line("|---|---:|---|---:|");
            rpc(b, r, scale);
            reconnect(b, r, scale);
            bigMessage(b, r, scale);
        }
        try (Bridge b = bridge(via)) {
            scale(b, r, scale);
        }
        try (Bridge b = bridge(via)) {
            fanOut(b, r, scale);
        }
        System.out.print(r);
        if (r.failed) {
            System.err.println("e2e: FAILED (see the table)");
            System.exit(1);
        }
    }

    static int scaled(double scale, int n) {
        return Math.max(3, (int) (n * scale));
    }

    // ------------------------------------------------------------------ item 3

    static void rpc(Bridge b, Report r, double scale) throws Exception {
        IpcClient ext = b.connect();
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("v", "hello");
        int warm = scaled(scale, 5000);
        int n = scaled(scale, 20000);
        for (int i = 0; i < warm; i++) {
            ext.call(Endpoint.desktop(), "bench.echo", params).get(10, TimeUnit.SECONDS);
        }
        long[] rtt = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            JsonNode res = ext.call(Endpoint.desktop(), "bench.echo", params).get(10, TimeUnit.SECONDS);
            rtt[i] = System.nanoTime() - t0;
            if (!"hello".equals(res.path("v").textValue())) {
                r.fail("wrong echo");
            }
        }
        Arrays.sort(rtt);
        r.row("RPC round trip, one outstanding (µs)", String.format("median %.1f, p99 %.1f", us(pct(rtt, 50)), us(pct(rtt, 99))),
                String.format("p10 %.1f, p90 %.1f, max %.1f", us(pct(rtt, 10)), us(pct(rtt, 90)), us(rtt[n - 1])), n);
        r.row("RPC rate, one outstanding (calls/s)", String.format("%.0f", n / (Arrays.stream(rtt).sum() / 1e9)), "", n);

        for (int window : new int[] {16, 128}) {
            int calls = scaled(scale, 50000);
            pipelined(ext, params, scaled(scale, 10000), window); // warm-up
            double[] rates = new double[3];
            for (int t = 0; t < rates.length; t++) {
                rates[t] = pipelined(ext, params, calls, window);
            }
            Arrays.sort(rates);
            r.row("RPC rate, pipelined, " + window + " outstanding (calls/s)", String.format("%.0f", rates[1]),
                    String.format("min %.0f, max %.0f of 3 trials", rates[0], rates[2]), calls);
        }
        checkMetrics(r, ext.metrics(), "extension");
        b.disconnect(ext);
    }

    /** Calls per second with up to {@code window} calls outstanding. */
    static double pipelined(IpcClient ext, ObjectNode params, int calls, int window) throws Exception {
        Semaphore slots = new Semaphore(window);
        AtomicLong failures = new AtomicLong();
        CountDownLatch done = new CountDownLatch(calls);
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            slots.acquire();
            ext.call(Endpoint.desktop(), "bench.echo", params).whenComplete((res, err) -> {
                if (err != null) {
                    failures.incrementAndGet();
                }
                slots.release();
                done.countDown();
            });
        }
        if (!done.await(120, TimeUnit.SECONDS) || failures.get() > 0) {
            throw new IllegalStateException("pipelined calls failed: " + failures.get());
        }
        return calls / ((System.nanoTime() - t0) / 1e9);
    }

    static void reconnect(Bridge b, Report r, double scale) throws Exception {
        int n = scaled(scale, 200);
        long[] ready = new long[n];
        long[] firstCall = new long[n];
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("v", "x");
        for (int i = -scaled(scale, 50); i < n; i++) {
            long t0 = System.nanoTime();
            IpcClient ext = b.connect();
            long t1 = System.nanoTime();
            ext.call(Endpoint.desktop(), "bench.echo", params).get(10, TimeUnit.SECONDS);
            long t2 = System.nanoTime();
            b.disconnect(ext);
            if (i >= 0) {
                ready[i] = t1 - t0;
                firstCall[i] = t2 - t0;
            }
        }
        Arrays.sort(ready);
        Arrays.sort(firstCall);
        r.row("connect: handshake + pairing-free session.ready (ms)", String.format("median %.2f", ms(pct(ready, 50))),
                String.format("p10 %.2f, p90 %.2f, max %.2f", ms(pct(ready, 10)), ms(pct(ready, 90)), ms(ready[n - 1])), n);
        r.row("connect + first RPC answered (ms)", String.format("median %.2f", ms(pct(firstCall, 50))),
                String.format("p10 %.2f, p90 %.2f", ms(pct(firstCall, 10)), ms(pct(firstCall, 90))), n);
    }

    static void bigMessage(Bridge b, Report r, double scale) throws Exception {
        IpcClient ext = b.connect();
        // The whole IPC message (envelope included) stays within the default 64 MiB limit.
        int chars = scale >= 1 ? MAX_MESSAGE - 256 : (int) Math.max(1 << 20, MAX_MESSAGE * scale);
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("s", Payloads.letters(chars));
        double[] secs = new double[3];
        for (int t = -1; t < secs.length; t++) {
            long t0 = System.nanoTime();
            JsonNode res = ext.call(Endpoint.desktop(), "bench.size", params).get(120, TimeUnit.SECONDS);
            double s = (System.nanoTime() - t0) / 1e9;
            if (res.path("chars").asInt() != chars) {
                r.fail("the big message arrived with " + res.path("chars").asInt() + " characters");
            }
            if (t >= 0) {
                secs[t] = s;
            }
        }
        Arrays.sort(secs);
        double mib = chars / (1024.0 * 1024.0);
        int pieces = (int) Math.ceil(chars / 65519.0);
        r.row(String.format("one %.1f MiB request, %d Noise pieces, until answered (ms)", mib, pieces),
                String.format("median %.0f (%.0f MiB/s)", secs[1] * 1e3, mib / secs[1]),
                String.format("min %.0f, max %.0f of 3", secs[0] * 1e3, secs[2] * 1e3), 3);
        checkMetrics(r, ext.metrics(), "extension");
        b.disconnect(ext);
    }

    // ------------------------------------------------------------------ item 4

    static void scale(Bridge b, Report r, double scale) throws Exception {
        int n = scale >= 1 ? 1000 : scaled(scale, 1000);
        int callsEach = 10;
        long heapBefore = usedHeapAfterGc();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<IpcClient>> pending = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            pending.add(pool.submit(b::connect));
        }
        List<IpcClient> clients = new ArrayList<>();
        int connectErrors = 0;
        for (Future<IpcClient> f : pending) {
            try {
                clients.add(f.get(120, TimeUnit.SECONDS));
            } catch (Exception e) {
                connectErrors++;
            }
        }
        double connectSecs = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        r.row(n + " concurrent connections: handshakes done (s)", String.format("%.2f (%.0f handshakes/s)", connectSecs,
                clients.size() / connectSecs), "errors: " + connectErrors, n);
        if (connectErrors > 0) {
            r.fail(connectErrors + " connections failed");
        }

        ObjectNode params = JsonNodeFactory.instance.objectNode().put("v", "x");
        AtomicLong callErrors = new AtomicLong();
        long t1 = System.nanoTime();
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        for (int k = 0; k < callsEach; k++) {
            for (IpcClient c : clients) {
                calls.add(c.call(Endpoint.desktop(), "bench.echo", params)
                        .whenComplete((res, err) -> {
                            if (err != null) {
                                callErrors.incrementAndGet();
                            }
                        }));
            }
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(300, TimeUnit.SECONDS);
        double callSecs = (System.nanoTime() - t1) / 1e9;
        r.row(n + " connections × " + callsEach + " RPCs, all at once (calls/s)", String.format("%.0f", calls.size() / callSecs),
                "errors: " + callErrors.get(), calls.size());
        if (callErrors.get() > 0) {
            r.fail(callErrors.get() + " RPCs failed");
        }
        long heapAfter = usedHeapAfterGc();
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        r.row("heap per connection, desktop + extension side together (KiB)",
                String.format("%.1f", (heapAfter - heapBefore) / 1024.0 / Math.max(1, clients.size())),
                String.format("%d → %d MiB used after GC; threads %d → %d", heapBefore >> 20, heapAfter >> 20,
                        threadsBefore, threadsAfter), clients.size());
        int open = b.connectionCount();
        r.row("desktop connections open at the end", String.valueOf(open), "", n);
        if (open != clients.size()) {
            r.fail("the desktop lost connections");
        }
        b.desktopMetrics().ifPresent(m -> checkMetrics(r, m, "desktop"));
        clients.forEach(b::disconnect);
    }

    static void fanOut(Bridge b, Report r, double scale) throws Exception {
        int n = scale >= 1 ? 100 : Math.max(3, (int) (100 * scale));
        int events = scaled(scale, 2000);
        List<IpcClient> clients = new ArrayList<>();
        CountDownLatch[] delivered = {null};
        AtomicLong received = new AtomicLong();
        for (int i = 0; i < n; i++) {
            IpcClient c = b.connect();
            c.subscribe("bench.tick", m -> {
                received.incrementAndGet();
                CountDownLatch l = delivered[0];
                if (l != null) {
                    l.countDown();
                }
            });
            clients.add(c);
        }
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("n", 1).put("text", "a small event payload");
        double[] rates = new double[3];
        long drops = 0;
        for (int t = -1; t < rates.length; t++) {
            CountDownLatch latch = new CountDownLatch(n * events);
            delivered[0] = latch;
            long t0 = System.nanoTime();
            for (int e = 0; e < events; e++) {
                int sent = b.publish("bench.tick", payload);
                if (sent != n) {
                    r.fail("emit reached " + sent + " of " + n + " connections");
                }
                // Stay within the subscriber queues (256 each): the point is the rate, not the drops.
                if ((e & 63) == 63) {
                    while (latch.getCount() > (long) n * (events - e - 1) + 64L * n) {
                        Thread.onSpinWait();
                    }
                }
            }
            boolean all = latch.await(60, TimeUnit.SECONDS);
            double secs = (System.nanoTime() - t0) / 1e9;
            if (!all) {
                r.fail("fan-out: " + latch.getCount() + " deliveries missing");
            }
            if (t >= 0) {
                rates[t] = (double) n * events / secs;
            }
        }
        for (IpcClient c : clients) {
            drops += c.metrics().subscriberDrops();
        }
        Arrays.sort(rates);
        r.row("event fan-out to " + n + " connections (deliveries/s)", String.format("%.0f (%.0f events/s emitted)", rates[1], rates[1] / n),
                String.format("min %.0f, max %.0f of 3; drops %d", rates[0], rates[2], drops), n * events);
        clients.forEach(b::disconnect);
    }

    // ------------------------------------------------------------------ helpers

    static void checkMetrics(Report r, IpcMetrics m, String who) {
        long bad = m.subscriberDrops() + m.unpairedDrops() + m.malformedMessages() + m.oversizedMessages()
                + m.unknownResponses() + m.duplicateRequests() + m.handlerFailures();
        if (bad > 0) {
            r.fail(who + " metrics show lost or bad messages: " + m);
        }
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long pct(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double us(long ns) {
        return ns / 1e3;
    }

    static double ms(long ns) {
        return ns / 1e6;
    }
}
