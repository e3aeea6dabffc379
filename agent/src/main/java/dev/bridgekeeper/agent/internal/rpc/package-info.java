/**
 * RPC over IPC messages (PROTOCOL.md §6): {@code rpc.request}, {@code rpc.response}, {@code
 * rpc.cancel}, the error codes ({@link dev.bridgekeeper.ipc.RpcErrorCode}), dispatch ({@link
 * dev.bridgekeeper.agent.internal.rpc.RpcServer}), pending calls ({@link dev.bridgekeeper.agent.internal.rpc.RpcCaller}),
 * and typed channels: Java interfaces annotated {@link dev.bridgekeeper.ipc.IpcChannel}, served
 * with {@code IpcClient.registerChannel} and called through {@link java.lang.reflect.Proxy}
 * instances ({@link dev.bridgekeeper.agent.internal.rpc.Channels}), with {@code ipc.discover} for version
 * checks.
 *
 * <p>Guarantees: request ids are unique per connection and direction; responses are matched by
 * (connection, id); every accepted request gets exactly one response; handlers run concurrently;
 * every call has a deadline; failures outside {@link dev.bridgekeeper.ipc.RpcException} reach
 * the wire as a generic {@code internal_error} and are logged locally only.
 */
package dev.bridgekeeper.agent.internal.rpc;

import dev.bridgekeeper.ipc.IpcChannel;
import dev.bridgekeeper.ipc.RpcErrorCode;
import dev.bridgekeeper.ipc.RpcException;
