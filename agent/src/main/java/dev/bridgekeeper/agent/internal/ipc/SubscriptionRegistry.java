package dev.bridgekeeper.agent.internal.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridgekeeper.ipc.IncomingMessage;
import dev.bridgekeeper.ipc.Source;
import dev.bridgekeeper.ipc.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The subscribers of an {@link IpcClient} by topic, and the fan-out of each event to them. */
final class SubscriptionRegistry {
    private static final Logger log = LoggerFactory.getLogger(IpcClient.class);
    private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private final int queueSize;
    private final Executor workers;
    private final LongAdder drops = new LongAdder();

    SubscriptionRegistry(int queueSize, Executor workers) {
        this.queueSize = queueSize;
        this.workers = workers;
    }

    /** Adds a subscriber of {@code topic} with its own bounded queue. */
    Subscription subscribe(String topic, Consumer<IncomingMessage> subscriber) {
        AtomicReference<Subscriber> self = new AtomicReference<>();
        Subscriber s = new Subscriber(topic, subscriber, queueSize, workers, drops,
                () -> subscribers.computeIfPresent(topic, (t, list) -> {
                    list.remove(self.get());
                    return list.isEmpty() ? null : list;
                }));
        self.set(s);
        subscribers.compute(topic, (t, list) -> {
            List<Subscriber> l = list != null ? list : new CopyOnWriteArrayList<>();
            l.add(s);
            return l;
        });
        return s;
    }

    /**
     * A subscriber that converts each payload to {@code type} first; a payload that does not fit
     * is dropped, counted by {@code malformed} and logged (without payload).
     */
    static <T> Consumer<IncomingMessage> converting(Class<T> type, BiConsumer<? super T, Source> subscriber,
            ObjectMapper mapper, Runnable malformed) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subscriber, "subscriber");
        return message -> {
            T value;
            try {
                value = mapper.treeToValue(message.payload(), type);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                malformed.run();
                log.warn("event '{}' from {} does not fit {}; dropped",
                        message.topic(), message.source().endpoint(), type.getSimpleName());
                return;
            }
            subscriber.accept(value, message.source());
        };
    }

    /** Offers an event to every subscriber of its topic. */
    void deliver(IncomingMessage message) {
        List<Subscriber> list = subscribers.get(message.topic());
        if (list != null) {
            list.forEach(s -> s.offer(message));
        }
    }

    /** Messages dropped because a subscriber's queue was full. */
    long drops() {
        return drops.sum();
    }

    /** Closes every subscriber; queued events are discarded. */
    void closeAll() {
        for (List<Subscriber> list : new ArrayList<>(subscribers.values())) {
            new ArrayList<>(list).forEach(Subscriber::close);
        }
    }
}
