package dev.bridgekeeper.agent;

import dev.bridgekeeper.agent.internal.AgentControl;
import dev.bridgekeeper.agent.internal.PendingPairings;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.agent.internal.secure.PairingStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What reaches into a running {@link DesktopBridge}: the application through {@link Pairings},
 * the {@code bridgekeeper} CLI's admin commands through {@link AgentControl}. Both see the same
 * pairing store, pending requests and revocation.
 */
final class BridgeControl implements Pairings, AgentControl {
    private static final Logger log = LoggerFactory.getLogger(DesktopBridge.class);
    private final DesktopBridge bridge;

    BridgeControl(DesktopBridge bridge) {
        this.bridge = bridge;
    }

    private PairingStore store() {
        PairingStore s = bridge.store;
        if (s == null) {
            throw new IllegalStateException("start() the bridge first");
        }
        return s;
    }

    // -- Pairings

    @Override
    public List<PairedExtension> list() {
        return store().list().stream()
                .map(p -> new PairedExtension(p.id(), p.name(), p.callerId(), p.fingerprint(), p.created(),
                        Optional.ofNullable(p.lastSeen())))
                .toList();
    }

    @Override
    public List<PairingRequest> pending() {
        return bridge.pending.list();
    }

    @Override
    public int approve(int code) {
        return bridge.pending.approve(code);
    }

    @Override
    public int reject(int code) {
        return bridge.pending.reject(code);
    }

    /** Removes the pairing first, then tells and closes its live connections (PROTOCOL.md §5.6). */
    @Override
    public int revoke(String pairingId) {
        Optional<PairingRecord> r = store().findById(pairingId);
        if (r.isEmpty() || !store().remove(pairingId)) {
            return -1;
        }
        log.info("pairing {} ('{}') revoked", pairingId, r.get().name());
        return bridge.crypto.revoke(r.get().fingerprint());
    }

    @Override
    public void onRequest(Consumer<PairingRequest> watcher) {
        bridge.pending.watch(watcher);
    }

    // -- AgentControl

    @Override
    public KeyVault keyVault() {
        return bridge.vault;
    }

    @Override
    public PairingStore pairingStore() {
        return store();
    }

    @Override
    public PendingPairings pendingPairings() {
        return bridge.pending;
    }

    /** The running bridge's IPC client. */
    @Override
    public IpcClient ipc() {
        IpcClient c = bridge.ipc();
        if (c == null) {
            throw new IllegalStateException("start() the bridge first");
        }
        return c;
    }

    @Override
    public Path socketPath() {
        return bridge.socketPath();
    }

    @Override
    public String keyStorage() {
        return bridge.keyStorage.description();
    }

    @Override
    public String hostName() {
        return bridge.config.product().hostName();
    }

    @Override
    public Set<String> allowedCallers() {
        return bridge.config.allowedCallers();
    }

    @Override
    public void requestUnlock() {
        Runnable unlock = bridge.config.unlockRequest();
        if (unlock == null) {
            throw new IllegalArgumentException("this desktop app unlocks itself; unlock it in its own window");
        }
        unlock.run();
    }
}
