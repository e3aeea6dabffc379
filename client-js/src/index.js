// The package's public surface:
//   import { BridgekeeperClient, IndexedDbKeyStore, detectCallerId, nativePortFactory } from '@bridgekeeper/client';
export { BridgekeeperClient, CLIENT_STATES, CLIENT_EVENTS } from './client.js';
export { IndexedDbKeyStore, MemoryKeyStore } from './keystore.js';
export { browserFamily, detectCallerId, extensionApi, nativePortFactory } from './browser.js';
export { BridgekeeperError, RpcError, RPC_ERROR_CODES, ERROR_MESSAGES, rpcErrorName } from './errors.js';
export { NATIVE_HOST_NAME, NOISE_PROTOCOL_NAME, PROTOCOL_VERSION } from './protocol.js';
export { formatPairingCode, pairingCode, pairingCommitment, prologue } from './wire.js';
export { fromBase64, toBase64, wipe } from './bytes.js';
