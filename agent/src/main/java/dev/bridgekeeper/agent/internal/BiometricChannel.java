package dev.bridgekeeper.agent.internal;

import dev.bridgekeeper.protocol.Limits;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bridgekeeper.ipc.IpcChannel;
import dev.bridgekeeper.ipc.IpcDeadline;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code biometric} channel 1.0.0 of PROTOCOL.md §6: ask the desktop whether it can verify
 * its user, verify them, and release the user's key after verification. Only paired sessions may
 * call it. Prompts time out after 60 s on the desktop; the RPC deadline leaves room for that.
 */
@IpcChannel(name = "biometric", version = "1.0.0")
public interface BiometricChannel {

    /** {@code biometric.status}: can the desktop verify its user now? */
    CompletableFuture<StatusResult> status(StatusParams params);

    /** {@code biometric.authenticate}: verify the user; {@code {"verified": true}} or an error. */
    @IpcDeadline(Limits.BIOMETRIC_DEADLINE_SECONDS)
    CompletableFuture<AuthenticateResult> authenticate(AuthenticateParams params);

    /** {@code biometric.unlock}: verify the user, then release their key. */
    @IpcDeadline(Limits.BIOMETRIC_DEADLINE_SECONDS)
    CompletableFuture<UnlockResult> unlock(UnlockParams params);

    /** @param user the desktop user asked about; null means the user the desktop runs as */
    record StatusParams(String user) {}

    /**
     * @param status one of {@code available}, {@code desktop_locked}, {@code setup_needed},
     *               {@code hardware_unavailable}, {@code platform_unsupported}, {@code not_enabled}
     * @param method {@code polkit}, {@code windows-hello}, {@code touch-id} or {@code none}
     * @param detail what the user can do about it, when not available
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StatusResult(String status, String method, String detail) {}

    /** @param reason why the extension asks, shown in the OS prompt (1 to 200 characters) */
    record AuthenticateParams(String reason) {
        public AuthenticateParams {
            BiometricService.requireReason(reason, true);
        }
    }

    record AuthenticateResult(boolean verified) {}

    /**
     * @param user   whose key; null means the user the desktop runs as
     * @param reason shown in the OS prompt; optional
     */
    record UnlockParams(String user, String reason) {
        public UnlockParams {
            BiometricService.requireReason(reason, false);
            BiometricService.requireUser(user);
        }
    }

    /** @param key the user's key, base64 */
    record UnlockResult(String user, String key) {}
}
