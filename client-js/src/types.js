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
 * Options of `new BridgekeeperClient(options)`. Inside an extension every option may be left
 * out; outside one (tests, other runtimes) connect, callerId, name, version and keyStore are
 * needed.
 * @typedef {object} ClientOptions
 * @property {() => Port} [connect] port factory; by default runtime.connectNative(hostName)
 * @property {string} [hostName] native messaging host name, "dev.bridgekeeper.host" by default
 * @property {string} [callerId] this extension's caller id (Noise prologue); detected by default
 * @property {string} [name] extension name sent in the handshake; the manifest's by default
 * @property {string} [version] extension version sent in the handshake; the manifest's by default
 * @property {KeyStore} [keyStore] where the long-term key and the pin live; IndexedDbKeyStore by default
 * @property {string} [productName] the desktop product's display name in texts; "the desktop app" by default
 * @property {string | null} [productCommand] its command-line name, e.g. for "run `<command> doctor`"
 * @property {import('./messages.js').Messages} [messages] replaces any user-facing text, by key
 * @property {number} [handshakeTimeoutMs] deadline for handshake steps 1-3 (10,000)
 * @property {number} [setupTimeoutMs] deadline from step 3 to session.ready (150,000; covers the 120 s pairing approval)
 * @property {number} [callTimeoutMs] default call() deadline (30,000)
 * @property {number} [maxMessageBytes] largest IPC message accepted or sent (64 MiB)
 * @property {number} [reconnectBaseMs] first reconnect delay, doubled per failure (500)
 * @property {number} [reconnectMaxMs] reconnect delay cap (30,000)
 * @property {(length: number) => Uint8Array} [random] random bytes (pairing nonce); for deterministic tests
 * @property {() => Promise<KeyPair>} [ephemeralFactory] Noise ephemeral key pairs; for deterministic tests
 * @property {(level: string, message: string) => void} [log] 'info' or 'warn'; diagnostics; never given keys, codes or payloads
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
 * What `ipc.discover` answers (section 6).
 * @typedef {object} DiscoverResult
 * @property {number} protocol
 * @property {DesktopInfo} [desktop]
 * @property {Record<string, string>} channels channel name -> semantic version
 */

/**
 * A channel's methods: method name -> its params and result types.
 * @typedef {Record<string, { params: any, result: any }>} ChannelMethods
 */

/**
 * A typed channel: one function per method, `(params?, { signal?, timeoutMs? }) => Promise<result>`,
 * plus the channel's name and the version the caller asked for.
 * @template {ChannelMethods} T
 * @typedef {{ readonly name: string, readonly version: string }
 *   & { readonly [K in keyof T]: (params?: T[K]['params'], options?: CallOptions) => Promise<T[K]['result']> }} ChannelProxy
 */

/**
 * @typedef {'available' | 'desktop_locked' | 'setup_needed' | 'hardware_unavailable' | 'platform_unsupported' | 'not_enabled'} BiometricStatus
 */

/**
 * The `biometric` channel, version 1.0.0 (section 6).
 * @typedef {{
 *   status: { params: { user?: string }, result: { status: BiometricStatus, method: 'polkit' | 'windows-hello' | 'touch-id' | 'none', detail?: string } },
 *   authenticate: { params: { reason: string }, result: { verified: true } },
 *   unlock: { params: { user?: string, reason?: string }, result: { user: string, key: string } },
 * }} BiometricChannel
 */

/**
 * Channels whose methods this package knows; channel(name) is typed by this map.
 * @typedef {{ biometric: BiometricChannel }} KnownChannels
 */

/**
 * The proxy type channel(name) returns.
 * @template {string} N
 * @typedef {ChannelProxy<N extends keyof KnownChannels ? KnownChannels[N] : ChannelMethods>} ChannelFor
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
 * Options of BridgekeeperClient that the connection uses, with the browser defaults resolved.
 * @typedef {ClientOptions & { connect: () => Port, callerId: string, name: string, version: string, keyStore: KeyStore }} ConnectionOptions
 */

export {};
