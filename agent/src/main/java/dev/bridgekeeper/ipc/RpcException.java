package dev.bridgekeeper.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridgekeeper.agent.internal.ipc.IpcException;
import java.util.Objects;
import java.util.Optional;

/**
 * An RPC error with a wire code. Handlers throw it (or complete their future with it) to choose
 * the code, message and data the caller sees; callers receive it when the peer answered with an
 * error or a local check (deadline, pairing, size, version) failed.
 *
 * <p>The message and data go on the wire as they are: never put secrets or stack traces in them.
 */
public class RpcException extends IpcException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final transient JsonNode data;

    public RpcException(RpcErrorCode code, String message) {
        this(code, message, null);
    }

    public RpcException(RpcErrorCode code, String message, JsonNode data) {
        this(Objects.requireNonNull(code, "code").code(), message, data);
    }

    /** For codes outside the table (a newer peer's). */
    public RpcException(int code, String message, JsonNode data) {
        super(Objects.requireNonNull(message, "message"));
        this.code = code;
        this.data = data;
    }

    /** The wire code. */
    public int code() {
        return code;
    }

    /** The table's constant for {@link #code()}, if it is one. */
    public Optional<RpcErrorCode> errorCode() {
        return RpcErrorCode.fromCode(code);
    }

    /** True when the code is {@code expected}. */
    public boolean is(RpcErrorCode expected) {
        return code == expected.code();
    }

    /** The optional {@code error.data}; null when absent. */
    public JsonNode data() {
        return data;
    }

    @Override
    public String toString() {
        String name = errorCode().map(RpcErrorCode::wireName).orElse("code " + code);
        return "RpcException[" + name + "]: " + getMessage();
    }
}
