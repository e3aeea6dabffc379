package dev.bridgekeeper.agent;

import dev.bridgekeeper.agent.internal.ipc.IpcClient;
import dev.bridgekeeper.biometrics.Authenticator;
import dev.bridgekeeper.ipc.IpcChannel;
import dev.bridgekeeper.ipc.RequestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/** The validated, immutable configuration a {@link DesktopBridge.Builder} produces. */
record BridgeConfig(ProductIdentity product, Path socketPath, List<Path> extraSockets, Path dataDirectory, Set<String> allowedCallers,
        PairingApprover approver, Authenticator authenticator, KeyVault vault, String name, String version,
        Duration pairingTimeout, Duration promptTimeout, int promptsPerMinute, int pairingsPerMinute,
        int maxMessageSize, int maxConcurrentRequests, Runnable unlockRequest, List<ChannelRegistration<?>> channels,
        Consumer<BridgeActivity> activity, SecretStore secretStore) {

    /** One of the application's typed channels, registered when the bridge starts. */
    record ChannelRegistration<T>(Class<T> iface, Function<RequestContext, ? extends T> factory) {
        /** A registration of an {@link IpcChannel} interface; else a message that names the option. */
        static <T> ChannelRegistration<T> of(Class<T> iface, Function<RequestContext, ? extends T> factory) {
            Objects.requireNonNull(iface, "registerChannel interface");
            Objects.requireNonNull(factory, "registerChannel factory");
            if (!iface.isInterface() || !iface.isAnnotationPresent(IpcChannel.class)) {
                throw new IllegalArgumentException("registerChannel: " + iface.getName()
                        + " must be an interface annotated @IpcChannel");
            }
            return new ChannelRegistration<>(iface, factory);
        }

        void register(IpcClient c) {
            c.registerChannel(iface, factory);
        }
    }

    /** The bridge's own socket first, then the extra ones (for sandboxed browsers). */
    List<Path> allSockets() {
        List<Path> all = new java.util.ArrayList<>();
        all.add(socketPath);
        all.addAll(extraSockets);
        return all;
    }

    /** A caller id a browser can present: {@code chrome-extension://<id>/} or {@code moz-extension:<id>}. */
    static String requireCallerId(String callerId) {
        Objects.requireNonNull(callerId, "allowCaller");
        if (!callerId.matches("chrome-extension://[a-p]{32}/") && !callerId.matches("moz-extension:\\S{1,255}")) {
            throw new IllegalArgumentException("allowCaller: '" + callerId
                    + "' is neither chrome-extension://<32 letters a-p>/ nor moz-extension:<add-on id>");
        }
        return callerId;
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
