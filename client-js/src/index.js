// @ts-check
// The package's public surface:
//   import { BridgekeeperClient, IndexedDbKeyStore, detectCallerId, nativePortFactory } from '@bridgekeeper/client';
export { BridgekeeperClient, CLIENT_STATES, CLIENT_EVENTS } from './client.js';
export { IndexedDbKeyStore, MemoryKeyStore } from './keystore.js';
export { browserFamily, detectCallerId, extensionApi, nativePortFactory } from './browser.js';
export { BridgekeeperError, RpcError, RPC_ERROR_CODES, rpcErrorName } from './errors.js';
export { DEFAULT_MESSAGES, DEFAULT_PRODUCT_NAME } from './messages.js';
export { NATIVE_HOST_NAME, NOISE_PROTOCOL_NAME, PROTOCOL_VERSION } from './protocol.js';
export { formatPairingCode, pairingCode, pairingCommitment, prologue } from './wire.js';
export { PageClient, servePages, relayPage, originMatches, PAGE_PORT_NAME, PAGE_ORIGIN_PARAM } from './page.js';
export { fromBase64, toBase64, wipe } from './bytes.js';

/** @typedef {import('./types.js').ClientState} ClientState */
/** @typedef {import('./types.js').Snapshot} Snapshot */
/** @typedef {import('./types.js').ErrorInfo} ErrorInfo */
/** @typedef {import('./types.js').DesktopInfo} DesktopInfo */
/** @typedef {import('./types.js').PairingCodeInfo} PairingCodeInfo */
/** @typedef {import('./types.js').PairingCodeEvent} PairingCodeEvent */
/** @typedef {import('./types.js').ReadyInfo} ReadyInfo */
/** @typedef {import('./types.js').IpcEvent} IpcEvent */
/** @typedef {import('./types.js').ClientEventListeners} ClientEventListeners */
/** @typedef {import('./types.js').TopicListener} TopicListener */
/** @typedef {import('./types.js').CallOptions} CallOptions */
/** @typedef {import('./types.js').HandlerContext} HandlerContext */
/** @typedef {import('./types.js').RequestHandler} RequestHandler */
/** @typedef {import('./types.js').Port} Port */
/** @typedef {import('./types.js').KeyPair} KeyPair */
/** @typedef {import('./types.js').KeyStore} KeyStore */
/** @typedef {import('./types.js').ClientOptions} ClientOptions */
/** @typedef {import('./types.js').DiscoverResult} DiscoverResult */
/** @typedef {import('./types.js').ChannelMethods} ChannelMethods */
/** @typedef {import('./types.js').BiometricChannel} BiometricChannel */
/** @typedef {import('./types.js').BiometricStatus} BiometricStatus */
/** @typedef {import('./types.js').KnownChannels} KnownChannels */
/**
 * @template {ChannelMethods} T
 * @typedef {import('./types.js').ChannelProxy<T>} ChannelProxy
 */
/** @typedef {import('./messages.js').Messages} Messages */
/** @typedef {import('./messages.js').MessageText} MessageText */
/** @typedef {import('./messages.js').MessageContext} MessageContext */
/** @typedef {import('./messages.js').MessageKey} MessageKey */
/** @typedef {import('./page-serve.js').PagePolicyEntry} PagePolicyEntry */
/** @typedef {import('./page-serve.js').ServePagesOptions} ServePagesOptions */
