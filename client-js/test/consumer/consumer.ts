// A TypeScript consumer of the published package, compiled by scripts/pack-proof.sh with
// `tsc --strict --noEmit` against the shipped declarations (never run). It uses the public
// types an extension developer touches: options, states, snapshot, errors, events and their
// listener signatures, the channel proxy, the key store and the messages option.
import {
  BridgekeeperClient, BridgekeeperError, CLIENT_STATES, DEFAULT_MESSAGES, MemoryKeyStore, RpcError,
  type BiometricChannel, type ChannelProxy, type ClientOptions, type ClientState, type DiscoverResult,
  type IpcEvent, type KeyStore, type PairingCodeEvent, type ReadyInfo, type Snapshot,
} from '@bridgekeeper/client';
import { HandshakeState, generateKeyPair } from '@bridgekeeper/client/noise';
import { PROTOCOL_VERSION, RPC_ERROR_CODES, TOPICS } from '@bridgekeeper/client/protocol';

const keyStore: KeyStore = new MemoryKeyStore();
const options: ClientOptions = {
  hostName: 'dev.bridgekeeper.host',
  productName: 'Acme Vault',
  productCommand: 'acme',
  keyStore,
  messages: {
    desktop_unavailable: '{Product} is not running.',
    locked: ({ Product }) => `${Product} is locked.`,
  },
  callTimeoutMs: 10_000,
  log: (level, message) => console.log(level, message),
};
const client = new BridgekeeperClient(options).start();

const state: ClientState = client.state;
const everyState: readonly ClientState[] = CLIENT_STATES;
const offState = client.on('state', (snapshot: Snapshot) => {
  const code: string | undefined = snapshot.error?.code;
  console.log(snapshot.state, code, snapshot.pairingCode?.display, everyState.length, state);
});
client.on('pairing-code', (event: PairingCodeEvent) => console.log(event.display, event.desktop?.name));
client.on('ready', (info: ReadyInfo) => console.log(info.pairedNow));
client.on('error', (error: BridgekeeperError) => console.log(error.code, error.detail));
client.on('*', (event: IpcEvent) => console.log(event.topic));
const onLocked = (payload: unknown, topic: string) => console.log(topic, payload);
client.on('desktop.locked', onLocked);
client.off('desktop.locked', onLocked);
offState();

async function main(): Promise<void> {
  const controller = new AbortController();
  const ready: Snapshot = await client.ready({ signal: controller.signal });
  const discovered: DiscoverResult = await client.discover();
  console.log(ready.desktop?.name, discovered.channels.biometric);

  const biometric: ChannelProxy<BiometricChannel> = client.channel('biometric', '1.0.0');
  const status = await biometric.status({});
  const method: 'polkit' | 'windows-hello' | 'touch-id' | 'none' = status.method;
  try {
    const { user, key } = await biometric.unlock({ reason: 'Unlock' }, { timeoutMs: 90_000, signal: controller.signal });
    console.log(user, key.length, method);
  } catch (error) {
    if (error instanceof RpcError && error.code === 'version_mismatch') console.log(error.rpcCode, error.data);
    console.log(client.explain(error));
  }

  // A channel this package does not know: untyped params and results.
  const custom = client.channel('acme-notes', '2.1.0');
  const notes: unknown = await custom.list({ folder: 'inbox' });
  const raw: unknown = await client.call('acme-notes.list', { folder: 'inbox' }, { signal: AbortSignal.timeout(5000) });
  await client.publish('acme.hello', { at: Date.now() });
  client.handle('extension.ping', (params: unknown, { signal }) => (signal.aborted ? null : { pong: params }));
  console.log(notes, raw, RPC_ERROR_CODES.locked, PROTOCOL_VERSION, TOPICS.rpcCancel, Object.keys(DEFAULT_MESSAGES).length);

  const pair = await generateKeyPair();
  const handshake = await HandshakeState.initialize({ protocolName: 'Noise_XX_25519_AESGCM_SHA256', initiator: true, s: pair });
  console.log(handshake.isInitiator);
  client.close();
}

void main();
