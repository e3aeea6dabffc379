package dev.bridgekeeper.testing;

import dev.bridgekeeper.agent.internal.ipc.CommunicationBackend;
import dev.bridgekeeper.agent.internal.ipc.ConnectionInfo;
import dev.bridgekeeper.agent.internal.ipc.DaemonThreads;
import dev.bridgekeeper.agent.internal.ipc.IpcException;
import dev.bridgekeeper.agent.internal.ipc.SerialExecutor;
import dev.bridgekeeper.ipc.Endpoint;

import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process backends for tests and embedding: one desktop backend serving any number of client
 * backends. Each client sees the desktop as {@link Endpoint#desktop()}; the desktop sees each client
 * as {@code Endpoint.connection(id)} with the {@link ConnectionInfo} given to {@link
 * #connect(PeerDetails)}, which the hub (not the client) sets, as a real backend would from the
 * host's hello and the socket's credentials.
 *
 * <p>A connection opens once both its client backend and the desktop backend are started, and
 * closes when either side closes it or its backend. Frames are copied and delivered asynchronously,
 * in order, one connection side at a time, like a socket. The hub has no frame size limit.
 */
public final class InMemoryHub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InMemoryHub.class);

    /**
     * What the desktop learns about a client, as a socket backend would from the host.
     *
     * @param callerId the caller id; must not be null
     * @param browser {@code chromium} or {@code firefox}; may be null
     * @param peerUser the OS user; may be null
     * @param peerPid the process id; may be null
     */
    public record PeerDetails(String callerId, String browser, String peerUser, Long peerPid) {
        public PeerDetails {
            Objects.requireNonNull(callerId, "callerId");
        }
    }

    private final ExecutorService pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
            new SynchronousQueue<>(), new DaemonThreads("bridgekeeper-inmemory"));
    private final AtomicLong nextId = new AtomicLong();
    private final DesktopBackend desktop = new DesktopBackend();
    private final Map<String, Link> links = new ConcurrentHashMap<>();

    /** The hub's one desktop backend (the same object on every call). */
    public CommunicationBackend desktop() {
        return desktop;
    }

    /** A new client backend whose connection the desktop will see with these details. */
    public ClientBackend connect(PeerDetails details) {
        Objects.requireNonNull(details, "details");
        String id = "mem-" + nextId.incrementAndGet();
        Link link = new Link(ConnectionInfo.fromExtension(
                id, details.callerId(), details.browser(), details.peerUser(), details.peerPid()));
        links.put(id, link);
        return link.client;
    }

    /** A new client backend with caller id {@code callerId}, browser {@code chromium}, no user or pid. */
    public ClientBackend connect(String callerId) {
        return connect(new PeerDetails(callerId, "chromium", null, null));
    }

    /** Closes every connection and stops the delivery threads. */
    @Override
    public void close() {
        desktop.close();
        new ArrayList<>(links.values()).forEach(l -> l.client.close());
        pool.shutdownNow();
    }

    /** Opens every link whose two sides are started. */
    private void openReady() {
        for (Link link : links.values()) {
            if (desktop.listener != null && !desktop.closed && link.client.listener != null && !link.client.closed) {
                link.open();
            }
        }
    }

    private final class DesktopBackend implements CommunicationBackend {
        volatile Listener listener;
        volatile boolean closed;

        @Override
        public synchronized void start(Listener listener) {
            if (this.listener != null || closed) {
                throw new IllegalStateException("the desktop backend is already started or closed");
            }
            this.listener = Objects.requireNonNull(listener, "listener");
            openReady();
        }

        @Override
        public void send(String connectionId, byte[] frame) {
            link(connectionId).deliverToClient(frame);
        }

        @Override
        public void close(String connectionId) {
            Link link = links.get(connectionId);
            if (link != null) {
                link.close();
            }
        }

        @Override
        public void close() {
            closed = true;
            new ArrayList<>(links.values()).forEach(Link::close);
        }
    }

    /** One client's backend; its single connection's peer is the desktop. */
    public final class ClientBackend implements CommunicationBackend {
        private final Link link;
        volatile Listener listener;
        volatile boolean closed;

        private ClientBackend(Link link) {
            this.link = link;
        }

        /** The id both sides use for this connection. */
        public String connectionId() {
            return link.desktopInfo.connectionId();
        }

        /** How the desktop addresses this client: {@code Endpoint.connection(connectionId())}. */
        public Endpoint endpointAtDesktop() {
            return link.desktopInfo.peer();
        }

        @Override
        public void start(Listener listener) {
            synchronized (InMemoryHub.this.desktop) {
                if (this.listener != null || closed) {
                    throw new IllegalStateException("this client backend is already started or closed");
                }
                this.listener = Objects.requireNonNull(listener, "listener");
                openReady();
            }
        }

        @Override
        public void send(String connectionId, byte[] frame) {
            if (!connectionId.equals(connectionId())) {
                throw new IpcException("no connection " + connectionId);
            }
            link.deliverToDesktop(frame);
        }

        @Override
        public void close(String connectionId) {
            if (connectionId.equals(connectionId())) {
                link.close();
            }
        }

        @Override
        public void close() {
            closed = true;
            link.close();
            links.remove(connectionId());
        }
    }

    /** The two sides of one connection, each with its own in-order delivery. */
    private final class Link {
        final ConnectionInfo desktopInfo;
        final ConnectionInfo clientInfo;
        final ClientBackend client;
        final SerialExecutor toDesktop = new SerialExecutor(pool);
        final SerialExecutor toClient = new SerialExecutor(pool);
        final AtomicBoolean opened = new AtomicBoolean();
        final AtomicBoolean closed = new AtomicBoolean();

        Link(ConnectionInfo desktopInfo) {
            this.desktopInfo = desktopInfo;
            this.clientInfo = ConnectionInfo.toDesktop(desktopInfo.connectionId());
            this.client = new ClientBackend(this);
        }

        // Both `opened` events are queued under this lock, and frames are queued under it too: a
        // side that sends from its `opened` callback cannot get a frame queued to the other side
        // before that side's own `opened`.
        synchronized void open() {
            if (closed.get() || !opened.compareAndSet(false, true)) {
                return;
            }
            CommunicationBackend.Listener c = client.listener;
            CommunicationBackend.Listener d = desktop.listener;
            toClient.execute(() -> guard(() -> c.opened(clientInfo)));
            toDesktop.execute(() -> guard(() -> d.opened(desktopInfo)));
        }

        synchronized void deliverToClient(byte[] frame) {
            requireOpen();
            byte[] copy = frame.clone();
            CommunicationBackend.Listener c = client.listener;
            toClient.execute(() -> guard(() -> c.frame(clientInfo.connectionId(), copy)));
        }

        synchronized void deliverToDesktop(byte[] frame) {
            requireOpen();
            byte[] copy = frame.clone();
            CommunicationBackend.Listener d = desktop.listener;
            toDesktop.execute(() -> guard(() -> d.frame(desktopInfo.connectionId(), copy)));
        }

        void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            links.remove(desktopInfo.connectionId());
            if (opened.get()) {
                CommunicationBackend.Listener c = client.listener;
                CommunicationBackend.Listener d = desktop.listener;
                toClient.execute(() -> guard(() -> c.closed(clientInfo.connectionId())));
                toDesktop.execute(() -> guard(() -> d.closed(desktopInfo.connectionId())));
            }
        }

        private void requireOpen() {
            if (!opened.get() || closed.get()) {
                throw new IpcException("connection " + desktopInfo.connectionId() + " is not open");
            }
        }

        private void guard(Runnable r) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("listener of {} threw {}", desktopInfo.connectionId(), e.getClass().getName(), e);
            }
        }
    }

    private Link link(String connectionId) {
        Link link = links.get(connectionId);
        if (link == null) {
            throw new IpcException("no connection " + connectionId);
        }
        return link;
    }
}
