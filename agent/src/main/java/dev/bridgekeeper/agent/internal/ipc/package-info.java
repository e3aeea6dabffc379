/**
 * Platform- and transport-agnostic IPC, after the Bitwarden SDK's design: an {@link
 * dev.bridgekeeper.agent.internal.ipc.IpcClient} owns three plug-ins.
 *
 * <ul>
 *   <li>{@link dev.bridgekeeper.agent.internal.ipc.CommunicationBackend} moves opaque frames and reports
 *       connections with a {@link dev.bridgekeeper.agent.internal.ipc.ConnectionInfo} it observed itself
 *       ({@code InMemoryHub} (bridgekeeper-testing) in-process; a socket backend in {@code agent}).
 *   <li>{@link dev.bridgekeeper.agent.internal.ipc.CryptoProvider} turns one connection's frames into plaintext IPC
 *       messages and back, runs handshake and pairing inside its session, and reports when the
 *       peer is ready ({@code NoEncryptionCryptoProvider} (bridgekeeper-testing) for tests and
 *       trusted embedding; the Noise one in {@code secure}).
 *   <li>{@link dev.bridgekeeper.agent.internal.ipc.SessionRepository} keeps the pairings the sessions consult.
 * </ul>
 *
 * <p>Data flow, inbound: backend frame → session {@code onFrame} → plaintext {@code {"topic",
 * "payload"}} ({@link dev.bridgekeeper.agent.internal.ipc.IpcCodec}) → the client stamps a {@link
 * dev.bridgekeeper.ipc.Source} it built itself → {@code rpc.*} to {@link
 * dev.bridgekeeper.agent.internal.rpc.RpcServer}/{@link dev.bridgekeeper.agent.internal.rpc.RpcCaller}, other topics to
 * subscribers. Outbound is the reverse. {@code pairing.*} and {@code session.*} never leave the
 * crypto session; RPC topics are reserved for the client (see {@link dev.bridgekeeper.agent.internal.ipc.Topics}).
 *
 * <p>On top: publish/subscribe by topic (each subscriber with its own bounded queue, drops counted),
 * Tauri-style events ({@code emit}/{@code emitTo}/{@code listen}, the same mechanism under other
 * names), RPC per PROTOCOL.md §6, and typed versioned channels ({@link
 * dev.bridgekeeper.ipc.IpcChannel}). Nothing here depends on noise, secure, transport or agent.
 */
package dev.bridgekeeper.agent.internal.ipc;

