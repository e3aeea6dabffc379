package dev.bridgekeeper.agent.internal.transport;

import dev.bridgekeeper.agent.internal.ipc.RefusalCount;
import dev.bridgekeeper.protocol.framing.Frames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepted connections that have not sent their first frame yet (the host's {@code hello}),
 * served by one selector thread instead of a thread each: an idle or slow peer costs a descriptor
 * and a small buffer, not a thread. A connection leaves when its first frame is complete (or its
 * peer closes after part of one, which the frame reader then reports as usual): it is switched
 * back to blocking and handed to {@code handOver} on a thread of its own. One that sends nothing
 * within the time-out is closed; above {@code capacity} waiting connections, new ones are refused
 * at once, which logs a line (at most one per {@link RefusalCount#INTERVAL_MS}) and never touches a
 * connection already past its first frame.
 */
final class WaitingRoom implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WaitingRoom.class);
    /** The largest first frame read here; one announced longer (or empty) is handed over after its length. */
    static final int MAX_BUFFERED = 64 * 1024;

    private final int capacity;
    private final long timeoutNanos;
    private final Consumer<LocalConnection> handOver;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Guest> arrivals = new ConcurrentLinkedQueue<>();
    /** In arrival order, so in deadline order: the time-out is the same for all. */
    private final ArrayDeque<Guest> byDeadline = new ArrayDeque<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final RefusalCount refusals = new RefusalCount();
    private volatile boolean closed;

    /** One waiting connection. */
    private static final class Guest {
        final long id;
        final SocketChannel channel;
        final UserPrincipal peer;
        final long deadline;
        final ByteBuffer header = ByteBuffer.allocate(4);
        ByteBuffer body;
        boolean gone;

        Guest(long id, SocketChannel channel, UserPrincipal peer, long deadline) {
            this.id = id;
            this.channel = channel;
            this.peer = peer;
            this.deadline = deadline;
        }
    }

    WaitingRoom(int capacity, long timeoutMillis, Consumer<LocalConnection> handOver) throws IOException {
        this.capacity = capacity;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.handOver = handOver;
        this.selector = Selector.open();
        this.thread = new Thread(this::run, "bridgekeeper-waiting-room");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** How many connections wait for their first frame now. */
    int waiting() {
        return waiting.get();
    }

    /** Takes a just-accepted connection in, or refuses it when the room is full. */
    void admit(long id, SocketChannel channel, UserPrincipal peer) {
        if (waiting.incrementAndGet() > capacity) {
            waiting.decrementAndGet();
            close(channel);
            refused(id);
            return;
        }
        arrivals.add(new Guest(id, channel, peer, System.nanoTime() + timeoutNanos));
        if (closed) {
            closeArrivals(); // The selector thread may have ended before this one arrived.
            return;
        }
        selector.wakeup();
    }

    private void refused(long id) {
        long n = refusals.count();
        if (n > 0) {
            log.warn("connection {}: refused: {} connections are already waiting to say hello, the limit "
                    + "(bridgekeeper.maxUnauthenticatedConnections); {} refused since the last such line. Paired "
                    + "sessions are not affected.", id, capacity, n);
        }
    }

    private void run() {
        try {
            while (!closed) {
                selector.select(250);
                Guest g;
                while ((g = arrivals.poll()) != null) {
                    try {
                        g.channel.configureBlocking(false);
                        g.channel.register(selector, SelectionKey.OP_READ, g);
                        byDeadline.add(g);
                    } catch (IOException | RuntimeException e) {
                        leave(g, null);
                    }
                }
                List<Guest> leaving = new ArrayList<>();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    Guest guest = (Guest) key.attachment();
                    if (read(key, guest)) {
                        key.cancel();
                        leaving.add(guest);
                    }
                }
                if (!leaving.isEmpty()) {
                    selector.selectNow(); // Deregisters the cancelled keys, so their channels may block again.
                    for (Guest guest : leaving) {
                        handOver(guest);
                    }
                }
                long now = System.nanoTime();
                while (!byDeadline.isEmpty() && (byDeadline.peek().gone || now - byDeadline.peek().deadline >= 0)) {
                    Guest late = byDeadline.poll();
                    if (!late.gone) {
                        log.info("connection {}: said nothing within {} ms; closed", late.id,
                                TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
                        leave(late, late.channel.keyFor(selector));
                    }
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                log.error("waiting room stopped: {}", e.toString());
            }
        } finally {
            shutDown();
        }
    }

    /** Reads what arrived; true when the connection is ready to be handed over (its key to be cancelled). */
    private boolean read(SelectionKey key, Guest g) {
        try {
            long n;
            if (g.body == null) {
                n = g.channel.read(g.header);
                if (!g.header.hasRemaining()) {
                    long length = Frames.decodeLength(g.header.array(), 0);
                    if (length == 0 || length > MAX_BUFFERED) {
                        return true; // The frame reader refuses it at once, as it always has.
                    }
                    g.body = ByteBuffer.allocate((int) length);
                    n = Math.max(n, g.channel.read(g.body));
                }
            } else {
                n = g.channel.read(g.body);
            }
            boolean complete = g.body != null && !g.body.hasRemaining();
            if (n < 0 && g.header.position() == 0) {
                leave(g, key); // Connected and closed without a byte: nothing to report.
                return false;
            }
            return n < 0 || complete;
        } catch (IOException | RuntimeException e) {
            leave(g, key);
            return false;
        }
    }

    /** The bytes read so far go first, then the socket, blocking, on a thread of its own. */
    private void handOver(Guest g) {
        g.gone = true;
        waiting.decrementAndGet();
        try {
            g.channel.configureBlocking(true);
        } catch (IOException | RuntimeException e) {
            close(g.channel);
            return;
        }
        byte[] read = Arrays.copyOf(g.header.array(), g.header.position()
                + (g.body == null ? 0 : g.body.position()));
        if (g.body != null) {
            System.arraycopy(g.body.array(), 0, read, 4, g.body.position());
        }
        LocalConnection conn = new LocalConnection(g.id, g.channel, g.peer, read);
        Thread t = new Thread(() -> {
            try {
                handOver.accept(conn);
            } catch (RuntimeException e) {
                log.error("connection {}: handler failed: {}", g.id, e.toString());
                conn.close();
            }
        }, "bridgekeeper-conn-" + g.id);
        t.setDaemon(true);
        t.start();
    }

    private void leave(Guest g, SelectionKey key) {
        if (!g.gone) {
            g.gone = true;
            waiting.decrementAndGet();
        }
        if (key != null) {
            key.cancel();
        }
        close(g.channel);
    }

    private static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Dropping it either way.
        }
    }

    /**
     * Stops the selector thread, which closes the selector and the waiting connections itself:
     * closing the selector from another thread races with a registration in progress on it (the
     * JDK then fails inside {@code Selector.close()}).
     */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** On the selector thread, as it ends. */
    private void shutDown() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // Ending.
        }
        for (Guest g : byDeadline) {
            close(g.channel);
        }
        byDeadline.clear();
        closeArrivals();
    }

    private void closeArrivals() {
        Guest g;
        while ((g = arrivals.poll()) != null) {
            close(g.channel);
        }
    }
}
