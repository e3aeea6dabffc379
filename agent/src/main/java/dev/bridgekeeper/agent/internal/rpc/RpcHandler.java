package dev.bridgekeeper.agent.internal.rpc;

import dev.bridgekeeper.ipc.RequestContext;
import dev.bridgekeeper.ipc.RpcException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Serves one RPC method.
 *
 * <p>Runs on the client's executor, concurrently with other handlers. It returns the result
 * directly or as a {@link java.util.concurrent.CompletionStage} (for work that finishes later, such
 * as an OS prompt); the value is converted to JSON with Jackson ({@code null} becomes JSON null).
 * Throwing (or failing the stage with) an {@link RpcException} chooses the error the caller sees;
 * any other exception becomes {@code internal_error} with a generic message.
 */
@FunctionalInterface
public interface RpcHandler {

    /**
     * @param params the request's params: a JSON object, or null when the request had none
     * @param context who called, the deadline, and cancellation
     * @return the result, or a {@code CompletionStage} of it
     */
    Object handle(JsonNode params, RequestContext context) throws Exception;
}
