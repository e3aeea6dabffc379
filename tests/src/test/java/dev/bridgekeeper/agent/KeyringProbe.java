package dev.bridgekeeper.agent;

import dev.bridgekeeper.agent.internal.ipc.PairingRecord;
import dev.bridgekeeper.agent.internal.secure.IdentityStore;
import dev.bridgekeeper.agent.internal.secure.KeyStorage;
import dev.bridgekeeper.agent.internal.secure.PairingStore;
import dev.bridgekeeper.biometrics.Authenticators;
import dev.bridgekeeper.cli.MainAccess;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One agent run for {@link SecretServiceIT}, as the keyring's user in its own JVM (so every run
 * is a restart). Prints {@code key=value} lines on stdout; the agent's log goes to stderr.
 *
 * <ul>
 *   <li>{@code seed <dataDir>}: loads or makes the identity and saves one pairing, as the agent's
 *       start does;</li>
 *   <li>{@code bridge <dataDir>}: starts a real {@link DesktopBridge} (default secret store), lists
 *       its pairings, asks {@code bridgekeeper status} over the admin socket, and closes.</li>
 * </ul>
 */
public final class KeyringProbe {
    static final String CALLER = "chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/";

    private KeyringProbe() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[1]);
        switch (args[0]) {
            case "seed": {
                KeyStorage keys = KeyStorage.openDefault(dataDir);
                IdentityStore.loadOrCreate(keys);
                byte[] extensionKey = new byte[32];
                new java.security.SecureRandom().nextBytes(extensionKey);
                PairingStore.open(keys).save(new PairingRecord("p1", "Seeded extension", CALLER, extensionKey,
                        Instant.parse("2026-01-01T00:00:00Z"), null));
                System.out.println("keyStorage=" + keys.description());
                break;
            }
            case "bridge": {
                Path socket = dataDir.resolve("run").resolve("agent.sock");
                try (DesktopBridge bridge = DesktopBridge.builder().socketPath(socket).dataDirectory(dataDir)
                        .allowCaller(CALLER).authenticator(Authenticators.forName("none")).build()) {
                    bridge.start();
                    System.out.println("pairings=" + bridge.pairings().list().size());
                    MainAccess.Result status = MainAccess.run("status", "--socket", socket.toString());
                    for (String line : status.out().split("\n")) {
                        System.out.println("status: " + line);
                    }
                }
                break;
            }
            default:
                throw new IllegalArgumentException("usage: KeyringProbe seed|bridge <dataDir>");
        }
        System.out.println("done");
    }
}
