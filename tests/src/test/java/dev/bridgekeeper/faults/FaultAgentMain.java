package dev.bridgekeeper.faults;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bridgekeeper.agent.DesktopBridge;
import dev.bridgekeeper.biometrics.Authenticators;
import dev.bridgekeeper.ipc.RequestContext;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A desktop agent for fault-injection tests, run as its own process like {@code bridgekeeper agent}
 * but with what those tests need: pairing approved at once ({@code --auto-approve}) or left to
 * {@code bridgekeeper pairings approve}, a configurable pairing rate limit and timeout, and the
 * {@link FaultChannel}. Prints {@code faults-agent ready} on stderr once it serves.
 *
 * <pre>FaultAgentMain --socket P --data-dir D --allow CALLER [--auto-approve]
 *                [--pairings-per-minute N] [--pairing-timeout-ms T]</pre>
 */
public final class FaultAgentMain {
    private FaultAgentMain() {}

    public static void main(String[] args) throws Exception {
        DesktopBridge.Builder b = DesktopBridge.builder()
                .identity("Fault agent", "1.0.0")
                .authenticator(Authenticators.forName("none"));
        boolean autoApprove = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--socket" -> b.socketPath(Path.of(args[++i]));
                case "--data-dir" -> b.dataDirectory(Path.of(args[++i]));
                case "--allow" -> b.allowCaller(args[++i]);
                case "--auto-approve" -> autoApprove = true;
                case "--pairings-per-minute" -> b.pairingsPerMinute(Integer.parseInt(args[++i]));
                case "--pairing-timeout-ms" -> b.pairingTimeout(Duration.ofMillis(Long.parseLong(args[++i])));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (autoApprove) {
            b.pairingApprover(request -> CompletableFuture.completedFuture(true));
        }
        Service.Shared shared = new Service.Shared();
        b.registerChannel(FaultChannel.class, ctx -> new Service(shared, ctx));
        DesktopBridge bridge = b.build();
        shared.bridge = bridge;
        bridge.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            bridge.close();
            stopped.countDown();
        }, "faults-agent-shutdown"));
        System.err.println("faults-agent ready on " + bridge.socketPath());
        stopped.await();
    }

    /** The {@link FaultChannel} of one request. */
    static final class Service implements FaultChannel {
        /** State of the whole agent. */
        static final class Shared {
            volatile DesktopBridge bridge;
            final AtomicLong echoes = new AtomicLong();
            final AtomicLong held = new AtomicLong();
            final AtomicLong seq = new AtomicLong();
        }

        private final Shared shared;
        private final RequestContext ctx;

        Service(Shared shared, RequestContext ctx) {
            this.shared = shared;
            this.ctx = ctx;
        }

        @Override
        public CompletableFuture<Num> echo(Num params) {
            shared.echoes.incrementAndGet();
            return CompletableFuture.completedFuture(params);
        }

        @Override
        public CompletableFuture<Num> hold() {
            CompletableFuture<Num> never = new CompletableFuture<>();
            shared.held.incrementAndGet();
            ctx.onCancel(() -> {
                shared.held.decrementAndGet();
                never.cancel(false);
            });
            return never;
        }

        @Override
        public CompletableFuture<Num> held() {
            return CompletableFuture.completedFuture(new Num(shared.held.get()));
        }

        @Override
        public CompletableFuture<Burst> burst(Num params) {
            long deliveries = 0;
            long last = 0;
            // One burst at a time, so every connection sees the numbers in order.
            synchronized (shared.seq) {
                for (long i = 0; i < params.n(); i++) {
                    last = shared.seq.incrementAndGet();
                    deliveries += shared.bridge.publish(TICK, JsonNodeFactory.instance.objectNode().put("seq", last));
                }
            }
            return CompletableFuture.completedFuture(new Burst(last, deliveries));
        }

        @Override
        public CompletableFuture<WhoAmI> whoami() {
            return CompletableFuture.completedFuture(
                    new WhoAmI(ctx.source().peerPid(), ctx.source().endpoint().toString()));
        }

        @Override
        public CompletableFuture<Num> clock() {
            return CompletableFuture.completedFuture(new Num(System.currentTimeMillis()));
        }

        @Override
        public CompletableFuture<Stats> stats() {
            System.gc();
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long fds = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
                    ? u.getOpenFileDescriptorCount() : -1;
            int connThreads = (int) Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith("bridgekeeper-conn-") || n.startsWith("bridgekeeper-write-")).count();
            var threads = ManagementFactory.getThreadMXBean();
            return CompletableFuture.completedFuture(new Stats(heap, threads.getThreadCount(), fds, shared.echoes.get(),
                    shared.bridge.connectionCount(), connThreads, threads.getPeakThreadCount()));
        }
    }
}
