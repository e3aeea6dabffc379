// @ts-check
// Shared type declarations (JSDoc only; this module exports no values). The public ones are
// re-exported by index.js and end up in the package's .d.ts files.

/**
 * The part of a WebExtension `runtime.Port` the client uses. `runtime.connectNative()` returns
 * one; tests pass a fake.
 * @typedef {object} Port
 * @property {(message: any) => void} postMessage
 * @property {() => void} disconnect
 * @property {{ addListener(listener: (message: any) => void): void }} onMessage
 * @property {{ addListener(listener: (port: any) => void): void }} onDisconnect
 * @property {{ message?: string } | null} [error] Firefox's reason for a closed port
 */

/**
 * An X25519 key pair as the Noise code uses it: the private key may be non-extractable.
 * @typedef {object} KeyPair
 * @property {CryptoKey} privateKey
 * @property {Uint8Array} publicKey 32 bytes
 */

/**
 * Where the client keeps its long-term key and the desktop key it pinned at pairing.
 * @typedef {object} KeyStore
 * @property {() => Promise<KeyPair>} loadStaticKeyPair created on first use, the same ever after
 * @property {() => Promise<Uint8Array | null>} getPinnedDesktopKey
 * @property {(publicKey: Uint8Array) => Promise<void>} setPinnedDesktopKey
 * @property {() => Promise<void>} clearPinnedDesktopKey
 */

/**
 * The client's states:
 *   stopped              start() not called, or close() called
 *   connecting           port opened, waiting for the host's first status
 *   desktop_unavailable  the host runs but the desktop app does not; waiting for it
 *   handshaking          setting up the encrypted session
 *   pairing              first contact: a pairing code is (or will be) shown on both sides
 *   ready                paired and connected; calls and events flow
 *   reconnecting         the port closed; a new one opens after a back-off delay
 *   failed               a failure that needs the user (see snapshot().error); reconnect() to retry
 * @typedef {'stopped' | 'connecting' | 'desktop_unavailable' | 'handshaking' | 'pairing' | 'ready' | 'reconnecting' | 'failed'} ClientState
 */

/**
 * @typedef {object} DesktopInfo
 * @property {string} name
 * @property {string} version
 */

/**
 * @typedef {object} PairingCodeInfo
 * @property {string} code six digits, e.g. "042917"
 * @property {string} display as shown to people, e.g. "042 917"
 */

/**
 * @typedef {object} ErrorInfo
 * @property {string} code
 * @property {string} message
 * @property {string} [detail]
 */

/**
 * What a UI needs to show the connection.
 * @typedef {object} Snapshot
 * @property {ClientState} state
 * @property {ErrorInfo | null} error
 * @property {DesktopInfo | null} desktop
 * @property {PairingCodeInfo | null} pairingCode
 * @property {boolean} pairingApproved
 * @property {boolean | null} paired null until the key store was read
 */

/**
 * @typedef {object} CallOptions
 * @property {number} [timeoutMs] deadline; the client's callTimeoutMs by default
 * @property {AbortSignal} [signal] aborting rejects with signal.reason and sends rpc.cancel
 */

/**
 * @typedef {object} HandlerContext
 * @property {AbortSignal} signal aborts when the desktop cancels the request
 * @property {string} method
 * @property {string} id
 */

/**
 * @typedef {(params: any, context: HandlerContext) => unknown} RequestHandler
 */

/**
 * @typedef {object} IpcEvent
 * @property {string} topic
 * @property {unknown} payload
 */

/**
 * @typedef {object} ReadyInfo
 * @property {DesktopInfo | null} desktop
 * @property {boolean} pairedNow true when this session began with pairing
 */

/**
 * @typedef {PairingCodeInfo & { desktop: DesktopInfo | null }} PairingCodeEvent
 */

/**
 * A listener for a desktop event topic.
 * @typedef {(payload: any, topic: string) => void} TopicListener
 */

/**
 * The client's own notifications and their listeners; any other name passed to on() is a
 * desktop event topic with a TopicListener.
 * @typedef {{
 *   state: (snapshot: Snapshot) => void,
 *   'pairing-code': (code: PairingCodeEvent) => void,
 *   ready: (info: ReadyInfo) => void,
 *   error: (error: import('./errors.js').BridgekeeperError) => void,
 *   '*': (event: IpcEvent) => void,
 * }} ClientEventListeners
 */

/**
 * The listener type for an on()/off() name.
 * @template {string} K
 * @typedef {K extends keyof ClientEventListeners ? ClientEventListeners[K] : TopicListener} ListenerFor
 */

/**
 * A validated envelope (section 2).
 * @typedef {{ type: 'status', state: 'connected' | 'desktop_unavailable', detail?: string, desktop?: Record<string, unknown> }
 *   | { type: 'handshake', step: 1 | 2 | 3, data: string }
 *   | { type: 'secure', data: string, more?: boolean }
 *   | { type: 'error', code: string, message?: string }} Envelope
 */

/**
 * The peer's handshake payload (section 3).
 * @typedef {object} PeerHello
 * @property {string} name
 * @property {string} version
 * @property {number} protocol
 */

// Internal: shared by the modules behind BridgekeeperClient.

/**
 * One handshake and what follows it, on one port. A new `connected` status starts a new one.
 * @typedef {object} Session
 * @property {Port} port
 * @property {'handshake' | 'secure' | 'ready' | 'closed'} phase
 * @property {import('./noise.js').HandshakeState | null} handshake
 * @property {import('./secure-channel.js').SecureChannel | null} channel
 * @property {Uint8Array | null} handshakeHash
 * @property {Uint8Array | null} desktopKey
 * @property {boolean} knownDesktop the desktop key matched a pin
 * @property {{ stage: 'committed' | 'revealed' | 'approved', commitment: Uint8Array, extensionNonce: Uint8Array } | null} pairing
 * @property {ReturnType<typeof setTimeout> | undefined} timer
 * @property {Map<string, { controller: AbortController, done: boolean }>} serving desktop requests being handled
 */

/**
 * Options of BridgekeeperClient that the connection uses, with defaults applied.
 * @typedef {object} ConnectionOptions
 * @property {() => Port} connect
 * @property {string} callerId
 * @property {string} name
 * @property {string} version
 * @property {KeyStore} keyStore
 * @property {number} [handshakeTimeoutMs]
 * @property {number} [setupTimeoutMs]
 * @property {number} [callTimeoutMs]
 * @property {number} [maxMessageBytes]
 * @property {number} [reconnectBaseMs]
 * @property {number} [reconnectMaxMs]
 * @property {(length: number) => Uint8Array} [random]
 * @property {() => Promise<KeyPair>} [ephemeralFactory]
 * @property {(level: string, message: string) => void} [log]
 */

export {};
