package dev.bridgekeeper.agent;

import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.biometrics.Authenticator;
import dev.bridgekeeper.ipc.RequestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/** The validated, immutable configuration a {@link DesktopBridge.Builder} produces. */
record BridgeConfig(Path socketPath, List<Path> extraSockets, Path dataDirectory, Set<String> allowedCallers,
        PairingApprover approver, Authenticator authenticator, KeyVault vault, String name, String version,
        Duration pairingTimeout, Duration promptTimeout, int promptsPerMinute, int pairingsPerMinute,
        int maxMessageSize, int maxConcurrentRequests, Runnable unlockRequest, List<ChannelRegistration<?>> channels,
        Consumer<BridgeActivity> activity) {

    /** One of the application's typed channels, registered when the bridge starts. */
    record ChannelRegistration<T>(Class<T> iface, Function<RequestContext, ? extends T> factory) {
        void register(IpcClient c) {
            c.registerChannel(iface, factory);
        }
    }

    /** {@code n} if it is positive; else a message that names the option. */
    static int requirePositive(int n, String what) {
        if (n <= 0) {
            throw new IllegalArgumentException(what + " must be positive, was " + n);
        }
        return n;
    }

    /** {@code d} if it is positive; else a message that names the option. */
    static Duration requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d;
    }
}
