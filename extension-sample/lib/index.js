// The library's public surface, for extensions that reuse it:
//   import { BridgekeeperClient, IndexedDbKeyStore, detectCallerId, nativePortFactory } from './lib/index.js';
export { BridgekeeperClient, CLIENT_STATES, CLIENT_EVENTS } from './client.js';
export { IndexedDbKeyStore, MemoryKeyStore } from './keystore.js';
export { browserFamily, detectCallerId, extensionApi, nativePortFactory } from './browser.js';
export { BridgekeeperError, RpcError, RPC_ERROR_CODES, ERROR_MESSAGES, rpcErrorName } from './errors.js';
export {
  NATIVE_HOST_NAME, NOISE_PROTOCOL_NAME, PROTOCOL_VERSION, formatPairingCode, pairingCode, pairingCommitment, prologue,
} from './protocol.js';
