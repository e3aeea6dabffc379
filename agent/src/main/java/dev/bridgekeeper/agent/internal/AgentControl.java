package dev.bridgekeeper.agent.internal;

import dev.bridgekeeper.agent.KeyVault;
import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.agent.internal.secure.PairingStore;
import java.nio.file.Path;

/** What the admin commands reach of a running agent; implemented inside DesktopBridge. */
public interface AgentControl {
    KeyVault keyVault();

    PairingStore pairingStore();

    PendingPairings pendingPairings();

    IpcClient ipc();

    Path socketPath();

    /** The product's native messaging host name. */
    String hostName();

    /** The caller ids allowed to connect (status reports them so the doctor can compare manifests). */
    java.util.Set<String> allowedCallers();

    /** See {@code Pairings.revoke}. */
    int revoke(String pairingId);

    /** Where the identity and pairing keys are: {@code sealed (<store>)} or {@code file (not sealed)}. */
    String keyStorage();

    /** The CLI's {@code unlock}: asks the application to unlock; refused if it unlocks itself. */
    void requestUnlock();
}
