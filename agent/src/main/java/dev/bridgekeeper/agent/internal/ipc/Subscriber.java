package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.ipc.IncomingMessage;
import dev.bridgekeeper.ipc.Subscription;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber with its own bounded queue, drained in order by at most one task at a time on a
 * shared pool that grows as needed. A subscriber that blocks holds only its own task; a full queue
 * drops for this subscriber only, counted and logged (without payload).
 */
final class Subscriber implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);

    private final String topic;
    private final Consumer<IncomingMessage> consumer;
    private final BlockingQueue<IncomingMessage> queue;
    private final Executor pool;
    private final LongAdder totalDrops;
    private final Runnable onClose;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final LongAdder dropped = new LongAdder();
    private volatile boolean closed;

    Subscriber(String topic, Consumer<IncomingMessage> consumer, int queueSize, Executor pool,
            LongAdder totalDrops, Runnable onClose) {
        this.topic = topic;
        this.consumer = Objects.requireNonNull(consumer, "subscriber");
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.pool = pool;
        this.totalDrops = totalDrops;
        this.onClose = onClose;
    }

    /** Queues a message without ever blocking the caller. */
    void offer(IncomingMessage message) {
        if (closed) {
            return;
        }
        if (!queue.offer(message)) {
            dropped.increment();
            totalDrops.increment();
            long n = dropped.sum();
            // Every drop is counted; the log shows the first and then every 1000th.
            if (n == 1 || n % 1000 == 0) {
                log.warn("subscriber of '{}' is not keeping up: {} message(s) dropped so far", topic, n);
            }
            return;
        }
        schedule();
    }

    private void schedule() {
        if (draining.compareAndSet(false, true)) {
            try {
                pool.execute(this::drain);
            } catch (RejectedExecutionException e) {
                draining.set(false); // the client is closing
            }
        }
    }

    private void drain() {
        while (!closed) {
            IncomingMessage message = queue.poll();
            if (message == null) {
                draining.set(false);
                // A message may have arrived between poll() and set(false).
                if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            try {
                consumer.accept(message);
            } catch (RuntimeException e) {
                log.warn("subscriber of '{}' threw {}", topic, e.getClass().getName(), e);
            }
        }
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public long dropped() {
        return dropped.sum();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            queue.clear();
            onClose.run();
        }
    }
}
