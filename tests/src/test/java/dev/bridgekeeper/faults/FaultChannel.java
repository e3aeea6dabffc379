package dev.bridgekeeper.faults;

import dev.bridgekeeper.ipc.IpcChannel;
import java.util.concurrent.CompletableFuture;

/**
 * Methods the fault-injection agent ({@link FaultAgentMain}) serves besides {@code biometric}: an
 * echo to count requests and responses, a call that holds until cancelled (an RPC in flight when
 * something is killed), bursts of numbered events to every connection, and the agent JVM's own
 * memory, thread and descriptor figures.
 */
@IpcChannel(name = "faults", version = "1.0.0")
public interface FaultChannel {
    /** Topic of the numbered events {@link #burst} publishes. */
    String TICK = "faults.tick";

    /** Answers with the same number. */
    CompletableFuture<Num> echo(Num params);

    /** Never answers by itself; counts as held until cancelled (caller's cancel, its connection closing). */
    CompletableFuture<Num> hold();

    /** How many {@link #hold} calls are running now. */
    CompletableFuture<Num> held();

    /** Publishes {@code n} events {@link #TICK} {@code {"seq": …}} to all connections, in order. */
    CompletableFuture<Burst> burst(Num params);

    /** The caller as the agent sees it: the host pid its hello gave, the connection id. */
    CompletableFuture<WhoAmI> whoami();

    /** The agent's wall clock, in milliseconds since the epoch. */
    CompletableFuture<Num> clock();

    /** Figures of the agent JVM, after a full GC. */
    CompletableFuture<Stats> stats();

    record Num(long n) {}

    /** @param lastSeq the seq of the last event published; @param deliveries connections reached, summed */
    record Burst(long lastSeq, long deliveries) {}

    record WhoAmI(Long hostPid, String connection) {}

    /**
     * @param heapUsed     heap in use after {@code System.gc()}, bytes
     * @param threads      live threads of the agent JVM
     * @param openFiles    open file descriptors (-1 where the JVM cannot tell)
     * @param echoes       echo requests answered since start
     * @param connections  IPC connections open now
     * @param connThreads  threads serving connections now (a reader and a writer per connection)
     * @param peakThreads  most live threads since start
     */
    record Stats(long heapUsed, int threads, long openFiles, long echoes, int connections, int connThreads,
            int peakThreads) {}
}
