package dev.bridgekeeper.agent;

import dev.bridgekeeper.agent.internal.PendingPairings;
import dev.bridgekeeper.agent.internal.ipc.ConnectionListener;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.ipc.Endpoint;
import dev.bridgekeeper.ipc.Source;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link BridgeActivity} a {@link DesktopBridge} reports to its application's listener. */
final class BridgeActivityFeed {
    private static final Logger log = LoggerFactory.getLogger(DesktopBridge.class);

    private BridgeActivityFeed() {}

    /** Turns connection, pairing and call events into {@link BridgeActivity} for the application. */
    static void watch(IpcClient ipc, PendingPairings pending, Consumer<BridgeActivity> listener) {
        Map<String, String> callers = new ConcurrentHashMap<>();
        Map<String, PairingRequest> awaitingAnswer = new ConcurrentHashMap<>();
        Consumer<BridgeActivity> safe = a -> {
            try {
                listener.accept(a);
            } catch (RuntimeException e) {
                log.warn("activity listener failed: {}", e.toString());
            }
        };
        ipc.addConnectionListener(new ConnectionListener() {
            @Override
            public void opened(Source s) {
                String id = idOf(s);
                if (s.callerId() != null) {
                    callers.put(id, s.callerId());
                }
                safe.accept(new BridgeActivity(Instant.now(), BridgeActivity.Kind.CONNECTED, id, s.callerId(), null, null));
            }

            @Override
            public void ready(Source s) {
                // The session becomes ready inside the approval's completion, before the pairing
                // watchers hear the answer: report the answer first, as it happened.
                PairingRequest answered = awaitingAnswer.remove(idOf(s));
                if (answered != null) {
                    safe.accept(new BridgeActivity(Instant.now(), BridgeActivity.Kind.PAIRING_ANSWERED,
                            answered.connectionId(), answered.callerId(), answered.extensionName(), "approved"));
                }
                safe.accept(new BridgeActivity(Instant.now(), BridgeActivity.Kind.READY, idOf(s), s.callerId(),
                        s.peerName(), null));
            }

            @Override
            public void closed(Source s) {
                String id = idOf(s);
                callers.remove(id);
                safe.accept(new BridgeActivity(Instant.now(), BridgeActivity.Kind.DISCONNECTED, id, s.callerId(), null,
                        null));
            }
        });
        pending.watch(r -> {
            awaitingAnswer.put(r.connectionId(), r);
            safe.accept(new BridgeActivity(Instant.now(), BridgeActivity.Kind.PAIRING_REQUESTED, r.connectionId(),
                    r.callerId(), r.extensionName(), null));
        });
        pending.watchAnswers((r, outcome) -> {
            if (awaitingAnswer.remove(r.connectionId(), r)) {
                safe.accept(new BridgeActivity(Instant.now(), BridgeActivity.Kind.PAIRING_ANSWERED, r.connectionId(),
                        r.callerId(), r.extensionName(), outcome));
            }
        });
        ipc.observeCalls((connectionId, method, outcome) -> safe.accept(new BridgeActivity(Instant.now(),
                BridgeActivity.Kind.CALL, connectionId, callers.get(connectionId), method, outcome)));
    }

    private static String idOf(Source s) {
        return s.endpoint() instanceof Endpoint.Connection c ? c.id() : "desktop";
    }
}
