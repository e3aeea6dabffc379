package dev.bridgekeeper.agent.internal.ipc;

import dev.bridgekeeper.agent.internal.rpc.RpcCaller;
import dev.bridgekeeper.agent.internal.rpc.RpcServer;
import dev.bridgekeeper.ipc.IncomingMessage;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.Source;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound path of an {@link IpcClient}: the backend's connection events, each connection's
 * crypto session, and the routing of every decrypted message to RPC (server or caller), to the
 * subscribers, or to the counters of what was dropped (PROTOCOL.md §6.1–§6.4).
 */
final class InboundRouter implements CommunicationBackend.Listener, IpcConnection.Upstream {
    private static final Logger log = LoggerFactory.getLogger(IpcClient.class);

    /** What the router works with; all owned by the {@link IpcClient}. */
    record Parts(ConnectionTable table, CommunicationBackend backend, CryptoProvider cryptoProvider,
            SessionRepository sessions, int maxMessageSize, int maxNotReady, IpcCodec codec, RpcCaller caller,
            RpcServer server,
            SubscriptionRegistry subscriptions, BooleanSupplier closed, Consumer<Runnable> onWorkers) {}

    private final Parts p;
    private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
    private final LongAdder unpairedDrops = new LongAdder();
    private final LongAdder reservedTopicDrops = new LongAdder();
    private final LongAdder malformedMessages = new LongAdder();
    private final LongAdder oversizedMessages = new LongAdder();
    /** Accepted connections whose session is not ready yet; at most {@code maxNotReady}. */
    private final AtomicInteger notReady = new AtomicInteger();
    private final RefusalCount refusals = new RefusalCount();

    InboundRouter(Parts parts) {
        this.p = parts;
    }

    void addListener(ConnectionListener listener) {
        connectionListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void removeListener(ConnectionListener listener) {
        connectionListeners.remove(listener);
    }

    long unpairedDrops() {
        return unpairedDrops.sum();
    }

    long reservedTopicDrops() {
        return reservedTopicDrops.sum();
    }

    long oversizedMessages() {
        return oversizedMessages.sum();
    }

    /** Counts a message that did not fit (also events whose payload did not convert). */
    void countMalformed() {
        malformedMessages.increment();
    }

    long malformedMessages() {
        return malformedMessages.sum();
    }

    // -- CommunicationBackend.Listener

    @Override
    public void opened(ConnectionInfo info) {
        if (info == null) {
            log.warn("backend reported a connection without info; ignored");
            return;
        }
        String id = info.connectionId();
        if (p.closed().getAsBoolean()) {
            p.backend().close(id);
            return;
        }
        boolean counted = !info.initiator();
        if (counted && notReady.incrementAndGet() > p.maxNotReady()) {
            notReady.decrementAndGet();
            refuseNotReady(id);
            return;
        }
        IpcConnection c = new IpcConnection(info, p.backend(), p.sessions(), p.maxMessageSize(), this);
        c.countedNotReady.set(counted);
        if (!p.table().add(c)) {
            releaseNotReady(c);
            log.warn("backend reported connection {} twice; ignored", id);
            return;
        }
        if (info.initiator()) {
            IpcConnection previous = p.table().replaceDesktop(c);
            if (previous != null) {
                log.warn("a new desktop connection {} replaces {}", id, previous.id());
                p.backend().close(previous.id());
            }
        }
        CryptoProvider.Session session;
        try {
            session = Objects.requireNonNull(p.cryptoProvider().open(info, c), "session");
        } catch (RuntimeException e) {
            log.warn("crypto provider refused connection {}: {}", id, e.getClass().getName());
            releaseNotReady(c);
            p.backend().close(id);
            return;
        }
        // Listeners hear "opened" before "ready", even when the session was ready at once.
        PeerIdentity readyDuringOpen = c.attach(session);
        notifyListeners(l -> l.opened(c.source));
        if (readyDuringOpen != null) {
            ready(c, readyDuringOpen);
        }
        if (p.closed().getAsBoolean()) {
            c.closeSession();
            p.backend().close(id);
        }
    }

    @Override
    public void frame(String connectionId, byte[] frame) {
        IpcConnection c = p.table().get(connectionId);
        if (c == null || c.session == null || frame == null) {
            log.debug("frame for unknown connection {} dropped", connectionId);
            return;
        }
        try {
            c.session.onFrame(frame);
        } catch (RuntimeException e) {
            log.warn("closing {}: its session failed on a frame of {} bytes ({})",
                    connectionId, frame.length, e.getClass().getName());
            log.debug("session failure on {}", connectionId, e);
            p.backend().close(connectionId);
        }
    }

    @Override
    public void closed(String connectionId) {
        IpcConnection c = p.table().remove(connectionId);
        if (c == null) {
            return;
        }
        c.closed = true;
        releaseNotReady(c);
        p.caller().connectionClosed(connectionId);
        p.server().connectionClosed(connectionId);
        c.closeSession();
        notifyListeners(l -> l.closed(c.source));
    }

    // -- IpcConnection.Upstream

    @Override
    public void deliveredTooEarly(IpcConnection c) {
        malformedMessages.increment();
    }

    @Override
    public void deliver(IpcConnection c, byte[] plaintext) {
        if (p.closed().getAsBoolean() || c.closed) {
            return;
        }
        if (plaintext.length > p.maxMessageSize()) {
            rejectOversized(c, plaintext);
            return;
        }
        WireMessage message;
        try {
            message = p.codec().decode(plaintext);
        } catch (IpcCodec.MalformedMessageException e) {
            malformedMessages.increment();
            log.warn("malformed IPC message of {} bytes on {}: {}", plaintext.length, c.id(), e.getMessage());
            p.server().reject(c.id(), null, e.notJson() ? RpcErrorCode.PARSE_ERROR : RpcErrorCode.INVALID_REQUEST,
                    e.getMessage());
            return;
        }
        Source source = c.source;
        String topic = message.topic();
        switch (topic) {
            case Topics.RPC_REQUEST:
                p.server().onRequest(c.id(), source, message.payload());
                return;
            case Topics.RPC_RESPONSE:
                p.caller().onResponse(c.id(), message.payload());
                return;
            case Topics.RPC_CANCEL:
                p.server().onCancel(c.id(), message.payload());
                return;
            default:
                break;
        }
        if (Topics.isCryptoProviderTopic(topic)) {
            reservedTopicDrops.increment();
            log.debug("'{}' on {} reached the client instead of the crypto session; dropped", topic, c.id());
            return;
        }
        if (!source.paired()) {
            unpairedDrops.increment();
            log.debug("event '{}' from unpaired {} dropped", topic, c.id());
            return;
        }
        p.subscriptions().deliver(new IncomingMessage(topic, message.payload(), source));
    }

    @Override
    public void ready(IpcConnection c, PeerIdentity identity) {
        Source ready = new Source(c.info.peer(), c.info.callerId(), identity.name(), identity.keyFingerprint(),
                c.info.peerPid(), c.info.peerUser(), true);
        c.source = ready;
        releaseNotReady(c);
        notifyListeners(l -> l.ready(ready));
        for (CompletableFuture<Source> f : p.table().takeWaitersFor(c.info.peer())) {
            p.onWorkers().accept(() -> f.complete(ready));
        }
    }

    /**
     * Closes a connection over the cap of connections not ready yet, before anything is set up
     * for it, and says so (see {@link RefusalCount}).
     */
    private void refuseNotReady(String id) {
        p.backend().close(id);
        long refused = refusals.count();
        if (refused > 0) {
            log.warn("refused {} connection(s): {} connections are already waiting for their handshake or pairing "
                    + "(the most allowed; ready sessions are not affected)", refused, p.maxNotReady());
        }
    }

    private void releaseNotReady(IpcConnection c) {
        if (c.countedNotReady.compareAndSet(true, false)) {
            notReady.decrementAndGet();
        }
    }

    /** PROTOCOL.md §4.3: an oversized request gets {@code too_large}; anything else closes the connection. */
    private void rejectOversized(IpcConnection c, byte[] plaintext) {
        oversizedMessages.increment();
        String id = p.codec().peek(plaintext).answerableRequestId();
        if (id != null) {
            log.warn("request of {} bytes on {} is over the limit of {}; answered too_large",
                    plaintext.length, c.id(), p.maxMessageSize());
            p.server().respond(c.id(), IpcCodec.tooLargeResponse(id, IpcCodec.overLimit(plaintext.length, p.maxMessageSize())));
        } else {
            log.warn("closing {}: message of {} bytes is over the limit of {}", c.id(), plaintext.length,
                    p.maxMessageSize());
            p.backend().close(c.id());
        }
    }

    private void notifyListeners(Consumer<ConnectionListener> event) {
        for (ConnectionListener l : connectionListeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.warn("connection listener threw {}", e.getClass().getName(), e);
            }
        }
    }
}
