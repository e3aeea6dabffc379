/**
 * RPC over IPC messages (PROTOCOL.md §6): {@code rpc.request}, {@code rpc.response}, {@code
 * rpc.cancel}, the error codes ({@link dev.bridgekeeper.ipc.rpc.RpcErrorCode}), dispatch ({@link
 * dev.bridgekeeper.ipc.rpc.RpcServer}), pending calls ({@link dev.bridgekeeper.ipc.rpc.RpcCaller}),
 * and typed channels: Java interfaces annotated {@link dev.bridgekeeper.ipc.rpc.IpcChannel}, served
 * with {@code IpcClient.registerChannel} and called through {@link java.lang.reflect.Proxy}
 * instances ({@link dev.bridgekeeper.ipc.rpc.Channels}), with {@code ipc.discover} for version
 * checks.
 *
 * <p>Guarantees: request ids are unique per connection and direction; responses are matched by
 * (connection, id); every accepted request gets exactly one response; handlers run concurrently;
 * every call has a deadline; failures outside {@link dev.bridgekeeper.ipc.rpc.RpcException} reach
 * the wire as a generic {@code internal_error} and are logged locally only.
 */
package dev.bridgekeeper.ipc.rpc;
