package dev.bridgekeeper.biometrics.internal;

import dev.bridgekeeper.biometrics.Availability;
import dev.bridgekeeper.biometrics.BiometricStatus;
import dev.bridgekeeper.biometrics.Outcome;
import dev.bridgekeeper.biometrics.Platform;
import dev.bridgekeeper.biometrics.Verification;

import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A platform binding loaded on first use, and only on its own operating system.
 *
 * <p>This is the single place where native libraries get loaded: on another OS the loader is
 * never called and {@link #get()} explains that the method is unsupported here. A load failure
 * (library missing) becomes a status, never a crash; a success is kept.
 *
 * @param <P> the binding (port) type
 */
public final class NativeBinding<P> {
    private static final Logger LOG = LoggerFactory.getLogger(NativeBinding.class);

    /** Loads the binding; may throw anything, including {@link LinkageError}. */
    @FunctionalInterface
    public interface Loader<P> {
        P load() throws Exception;
    }

    /** Why there is no binding, as the status to report. */
    public static final class UnavailableException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient BiometricStatus status;

        UnavailableException(BiometricStatus status) {
            super(status.detail(), null, false, false);
            this.status = status;
        }

        public BiometricStatus status() {
            return status;
        }

        /** The same reason as the outcome of a verification that could not start. */
        public Verification toVerification() {
            return Verification.of(Outcome.UNAVAILABLE, status.detail());
        }
    }

    private final String method;
    private final Platform required;
    private final Platform current;
    private final Loader<P> loader;
    private final Function<Throwable, BiometricStatus> onLoadFailure;
    private volatile P loaded;

    /**
     * @param method        the authenticator's wire name, for statuses
     * @param required      the only platform on which {@code loader} may run
     * @param current       the platform this process runs on
     * @param loader        loads the native libraries and returns the binding
     * @param onLoadFailure the status to report when the loader throws (e.g. an install hint)
     */
    public NativeBinding(String method, Platform required, Platform current, Loader<P> loader,
            Function<Throwable, BiometricStatus> onLoadFailure) {
        this.method = Objects.requireNonNull(method, "method");
        this.required = Objects.requireNonNull(required, "required");
        this.current = Objects.requireNonNull(current, "current");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.onLoadFailure = Objects.requireNonNull(onLoadFailure, "onLoadFailure");
    }

    /** True when this process runs on the binding's platform (nothing is loaded to find out). */
    public boolean supportedHere() {
        return required == current;
    }

    /** The binding, loading it on first call. */
    public P get() throws UnavailableException {
        P port = loaded;
        if (port != null) {
            return port;
        }
        if (!supportedHere()) {
            throw new UnavailableException(new BiometricStatus(Availability.PLATFORM_UNSUPPORTED, method,
                    method + " is only available on " + displayName(required) + ", this is " + displayName(current)));
        }
        synchronized (this) {
            if (loaded != null) {
                return loaded;
            }
            try {
                JnaTempDir.ensureUsable();
                loaded = Objects.requireNonNull(loader.load(), "loader returned null");
                LOG.debug("{} native binding loaded", method);
                return loaded;
            } catch (Exception | LinkageError e) {
                LOG.warn("{} native binding could not be loaded: {}", method, PromptRunner.describe(e));
                throw new UnavailableException(onLoadFailure.apply(e));
            }
        }
    }

    private static String displayName(Platform platform) {
        switch (platform) {
            case LINUX: return "Linux";
            case WINDOWS: return "Windows";
            case MACOS: return "macOS";
            default: return "an unsupported operating system";
        }
    }

    /** {@code query} on the loaded binding, or the status that says why it could not be loaded. */
    public BiometricStatus statusWith(java.util.function.Function<P, BiometricStatus> query) {
        P port;
        try {
            port = get();
        } catch (UnavailableException e) {
            return e.status();
        }
        return query.apply(port);
    }

    /** {@code verify} on the loaded binding, or an unavailable verification saying why not. */
    public java.util.concurrent.CompletableFuture<Verification> verifyWith(
            java.util.function.Function<P, java.util.concurrent.CompletableFuture<Verification>> verify) {
        P port;
        try {
            port = get();
        } catch (UnavailableException e) {
            return java.util.concurrent.CompletableFuture.completedFuture(e.toVerification());
        }
        return verify.apply(port);
    }
}
