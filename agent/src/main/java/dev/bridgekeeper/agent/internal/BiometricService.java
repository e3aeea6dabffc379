package dev.bridgekeeper.agent.internal;

import dev.bridgekeeper.protocol.Limits;
import dev.bridgekeeper.agent.KeyVault;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.biometrics.Authenticator;
import dev.bridgekeeper.biometrics.Availability;
import dev.bridgekeeper.biometrics.BiometricStatus;
import dev.bridgekeeper.biometrics.Verification;
import dev.bridgekeeper.biometrics.VerificationRequest;
import dev.bridgekeeper.ipc.RequestContext;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desktop's implementation of {@link BiometricChannel} for one request: the
 * {@link Authenticator} verifies the user, the {@link KeyVault} holds what is released, the
 * {@link PromptGate} keeps prompts to one per user at a time. An {@code rpc.cancel} dismisses the
 * pending OS prompt.
 */
public final class BiometricService implements BiometricChannel {
    private static final Logger log = LoggerFactory.getLogger(BiometricService.class);
    private static final int MAX_REASON = Limits.MAX_REASON_CHARS;

    /** What every request shares. */
    public record Shared(Authenticator authenticator, KeyVault vault, PromptGate gate, String defaultUser,
            Duration promptTimeout, ToLongFunction<String> parentWindowOf) {}

    private final Shared s;
    private final RequestContext ctx;

    public BiometricService(Shared shared, RequestContext ctx) {
        this.s = shared;
        this.ctx = ctx;
    }

    @Override
    public CompletableFuture<StatusResult> status(StatusParams params) {
        BiometricStatus st = s.authenticator().status();
        if (s.vault().isLocked() && st.availability() == Availability.AVAILABLE) {
            return CompletableFuture.completedFuture(new StatusResult(Availability.DESKTOP_LOCKED.wireName(),
                    st.method(), "the desktop app is locked; unlock it first"));
        }
        return CompletableFuture.completedFuture(
                new StatusResult(st.availability().wireName(), st.method(), st.detail()));
    }

    @Override
    public CompletableFuture<AuthenticateResult> authenticate(AuthenticateParams params) {
        return verify(userOrDefault(null), params.reason()).thenApply(v -> new AuthenticateResult(true));
    }

    @Override
    public CompletableFuture<UnlockResult> unlock(UnlockParams params) {
        String user = userOrDefault(params.user());
        requireKey(user);
        String reason = params.reason() != null ? params.reason() : "unlock " + peerName();
        return verify(user, reason).thenApply(v -> {
            byte[] key = requireKey(user);
            try {
                log.info("released the key of {} to connection {}", user, connectionId());
                return new UnlockResult(user, Base64.getEncoder().encodeToString(key));
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        });
    }

    /** The user's key, or {@code locked} when the desktop holds none to release. */
    private byte[] requireKey(String user) {
        if (s.vault().isLocked()) {
            throw new RpcException(RpcErrorCode.LOCKED, "the desktop app is locked");
        }
        return s.vault().key(user).orElseThrow(
                () -> new RpcException(RpcErrorCode.LOCKED, "the desktop app holds no key for this user"));
    }

    /** Shows the OS prompt; completes normally only when the user was verified. */
    private CompletableFuture<Verification> verify(String user, String reason) {
        String refused = s.gate().tryAcquire(user);
        if (refused != null) {
            return CompletableFuture.failedFuture(new RpcException(RpcErrorCode.RATE_LIMITED, refused));
        }
        String prompt = peerName() + ": " + reason;
        CompletableFuture<Verification> pending;
        try {
            pending = s.authenticator().verify(new VerificationRequest(prompt,
                    Math.max(0, s.parentWindowOf().applyAsLong(connectionId())), s.promptTimeout()));
        } catch (RuntimeException e) {
            s.gate().release(user);
            log.warn("authenticator failed to start a prompt: {}", e.toString());
            return CompletableFuture.failedFuture(new RpcException(RpcErrorCode.INTERNAL_ERROR,
                    "the desktop could not show a verification prompt"));
        }
        ctx.onCancel(() -> pending.cancel(true)); // rpc.cancel dismisses the OS prompt.
        pending.whenComplete((v, e) -> s.gate().release(user));
        return pending.thenApply(v -> {
            switch (v.outcome()) {
                case VERIFIED:
                    return v;
                case USER_CANCELLED:
                    throw new RpcException(RpcErrorCode.USER_CANCELLED, "the user dismissed the prompt");
                case DENIED:
                    throw new RpcException(RpcErrorCode.USER_CANCELLED, "the operating system did not verify the user",
                            data("outcome", "denied"));
                case TIMED_OUT:
                    throw new RpcException(RpcErrorCode.TIMEOUT, "the prompt was not answered in time");
                case UNAVAILABLE:
                    BiometricStatus st = s.authenticator().status();
                    String detail = v.detail() != null ? v.detail() : st.detail();
                    ObjectNode data = data("status", st.availability() == Availability.AVAILABLE
                            ? Availability.HARDWARE_UNAVAILABLE.wireName() : st.availability().wireName());
                    if (detail != null) {
                        data.put("detail", detail);
                    }
                    throw new RpcException(RpcErrorCode.BIOMETRICS_UNAVAILABLE,
                            "user verification is not available" + (detail != null ? ": " + detail : ""), data);
                default:
                    log.warn("verification failed: {}", v.detail());
                    throw new RpcException(RpcErrorCode.INTERNAL_ERROR, "user verification failed");
            }
        });
    }

    private static ObjectNode data(String field, String value) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put(field, value);
        return n;
    }

    private String userOrDefault(String user) {
        return user != null ? user : s.defaultUser();
    }

    private String peerName() {
        String name = ctx.source().peerName();
        return name != null ? name : "A browser extension";
    }

    private String connectionId() {
        return ctx.source().endpoint() instanceof dev.bridgekeeper.ipc.Endpoint.Connection c ? c.id() : "";
    }

    static void requireReason(String reason, boolean required) {
        if (reason == null) {
            if (required) {
                throw new IllegalArgumentException("reason is required");
            }
            return;
        }
        if (reason.isBlank() || reason.length() > MAX_REASON || reason.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("reason must be 1 to " + MAX_REASON + " printable characters");
        }
    }

    static void requireUser(String user) {
        if (user != null && (user.isEmpty() || user.length() > Limits.MAX_USER_CHARS || user.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException("user must be 1 to 64 printable characters");
        }
    }
}
