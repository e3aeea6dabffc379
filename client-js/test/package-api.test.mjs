// What the package adds for extension developers: ready(), AbortSignal on every call, typed
// channels with a version check, on/off, replaceable texts, the host failure codes and the
// browser defaults (host name, caller id, manifest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BridgekeeperClient, BridgekeeperError, DEFAULT_MESSAGES, MemoryKeyStore, RpcError,
} from '@bridgekeeper/client';
import { DesktopSimulator } from './support/desktop-simulator.mjs';
import { FakePort } from './support/fake-port.mjs';
import { CALLER_ID, eventually, nextEvent, pairedClient, setup, waitForState } from './support/helpers.mjs';

/** A client on a bare FakePort (no desktop behind it), for the host failure cases. */
function portClient(options = {}) {
  const ports = [];
  const client = new BridgekeeperClient({
    connect: () => {
      const port = new FakePort();
      ports.push(port);
      return port;
    },
    callerId: CALLER_ID,
    name: 'Test Extension',
    version: '1.2.3',
    keyStore: new MemoryKeyStore(),
    reconnectBaseMs: 1000,
    ...options,
  });
  return { client, ports };
}

// ---------------------------------------------------------------------------------------------
// ready()

test('ready() resolves once the session is ready, and at once when it already is', async () => {
  const { client } = await setup();
  client.start();
  const snapshot = await client.ready();
  assert.equal(snapshot.state, 'ready');
  assert.deepEqual(snapshot.desktop, { name: 'Test Desktop', version: '9.9.9' });
  assert.equal((await client.ready()).state, 'ready');
  client.close();
});

test('ready() rejects when waiting cannot help, when aborted, and before start()', async () => {
  const { client: idle } = await setup();
  await assert.rejects(idle.ready(), { code: 'not_ready' });

  const { desktop, client } = await setup();
  desktop.decide = async () => false;
  client.start();
  await assert.rejects(client.ready(), { code: 'pairing_rejected' });
  client.close();

  const { client: waiting } = await setup();
  const controller = new AbortController();
  waiting.start();
  const pending = waiting.ready({ signal: controller.signal });
  controller.abort(new Error('gave up'));
  await assert.rejects(pending, /gave up/);
  await assert.rejects(waiting.ready({ signal: AbortSignal.abort() }), { name: 'AbortError' });
  const closing = waiting.ready();
  waiting.close();
  await assert.rejects(closing, { code: 'closed' });
});

// ---------------------------------------------------------------------------------------------
// AbortSignal -> rpc.cancel

test('aborting a call sends rpc.cancel for it and rejects with the signal reason', async () => {
  const { desktop, client } = await pairedClient();
  let handlerSignal;
  desktop.handlers.set('slow.wait', (params, { signal }) => {
    handlerSignal = signal;
    return new Promise(() => {});
  });
  const controller = new AbortController();
  const pending = client.call('slow.wait', {}, { signal: controller.signal });
  await eventually(() => handlerSignal, 'request reached the desktop');
  const request = desktop.requests.find((r) => r.method === 'slow.wait');
  controller.abort();
  await assert.rejects(pending, { name: 'AbortError' });
  await eventually(() => handlerSignal.aborted, 'the desktop saw rpc.cancel');
  assert.deepEqual(desktop.cancels, [request.id], 'rpc.cancel named the aborted request');
  client.close();
});

test('channel methods take an AbortSignal too, and aborting them sends rpc.cancel', async () => {
  const { desktop, client } = await pairedClient();
  let handlerSignal;
  desktop.handlers.set('biometric.unlock', (params, { signal }) => {
    handlerSignal = signal;
    return new Promise(() => {});
  });
  const controller = new AbortController();
  const pending = client.channel('biometric', '1.0.0').unlock({ reason: 'test' }, { signal: controller.signal });
  await eventually(() => handlerSignal, 'unlock reached the desktop');
  controller.abort();
  await assert.rejects(pending, { name: 'AbortError' });
  await eventually(() => handlerSignal.aborted, 'the desktop saw rpc.cancel');
  client.close();
});

// ---------------------------------------------------------------------------------------------
// Channels

test('a channel proxy calls <channel>.<method> after one ipc.discover per session', async () => {
  const { desktop, client } = await pairedClient();
  desktop.handlers.set('biometric.status', async (params) => ({ status: 'available', method: 'polkit', echo: params }));
  const biometric = client.channel('biometric', '1.0.0');
  assert.equal(biometric.name, 'biometric');
  assert.equal(biometric.version, '1.0.0');
  assert.equal(biometric.then, undefined, 'not mistaken for a promise');
  assert.deepEqual(await biometric.status({ user: 'alice' }), { status: 'available', method: 'polkit', echo: { user: 'alice' } });
  assert.deepEqual((await biometric.status()).echo, {}, 'params default to {}');
  assert.deepEqual(desktop.requests.map((r) => r.method), ['ipc.discover', 'biometric.status', 'biometric.status']);

  client.reconnect();
  await waitForState(client, 'ready');
  await biometric.status({});
  assert.equal(desktop.requests.filter((r) => r.method === 'ipc.discover').length, 2, 'asked again in the new session');
  client.close();
});

test('a channel refuses an incompatible desktop version with version_mismatch and sends nothing', async () => {
  const cases = [
    { offered: '2.0.0', required: '1.0.0' }, // another major
    { offered: '1.0.0', required: '1.2.0' }, // older than needed
    { offered: undefined, required: '1.0.0' }, // no such channel
  ];
  for (const { offered, required } of cases) {
    const desktop = await DesktopSimulator.create();
    desktop.channels = offered ? { ipc: '1.0.0', biometric: offered } : { ipc: '1.0.0' };
    const { client } = await pairedClient({ desktop });
    const error = await client.channel('biometric', required).status({}).then(() => null, (e) => e);
    assert.ok(error instanceof RpcError, `${offered} vs ${required}: ${error}`);
    assert.equal(error.code, 'version_mismatch');
    assert.equal(error.rpcCode, -32006);
    assert.equal(error.local, true);
    assert.deepEqual(error.data, { channel: 'biometric', required, offered: offered ?? null });
    assert.match(error.message, /too old/);
    assert.deepEqual(desktop.requests.map((r) => r.method), ['ipc.discover'], 'no biometric request sent');
    client.close();
  }
});

test('a channel accepts a newer minor or patch of the same major', async () => {
  const desktop = await DesktopSimulator.create();
  desktop.channels = { ipc: '1.0.0', biometric: '1.4.2' };
  desktop.handlers.set('biometric.status', async () => ({ status: 'available', method: 'none' }));
  const { client } = await pairedClient({ desktop });
  assert.equal((await client.channel('biometric', '1.2.0').status()).status, 'available');
  assert.throws(() => client.channel('biometric', 'one'), TypeError);
  assert.throws(() => client.channel('bio.metric', '1.0.0'), TypeError);
  client.close();
});

// ---------------------------------------------------------------------------------------------
// on / off

test('on() returns an unsubscribe function; off() removes a listener; a throwing listener harms no one', async () => {
  const { desktop, client } = await pairedClient();
  const seen = [];
  const onLocked = (payload, topic) => seen.push(['locked', payload, topic]);
  const offAll = client.on('*', (event) => seen.push(['*', event.topic]));
  client.on('desktop.locked', () => {
    throw new Error('listener bug');
  });
  client.on('desktop.locked', onLocked);

  desktop.publish('desktop.locked', { n: 1 });
  await eventually(() => seen.length === 2, 'first event');
  assert.deepEqual(seen, [['locked', { n: 1 }, 'desktop.locked'], ['*', 'desktop.locked']]);

  client.off('desktop.locked', onLocked);
  offAll();
  desktop.publish('desktop.locked', { n: 2 });
  desktop.publish('desktop.unlocked', {});
  const probe = nextEvent(client, 'desktop.unlocked');
  desktop.publish('desktop.unlocked', {});
  await probe;
  assert.equal(seen.length, 2, 'removed listeners are not called');
  client.close();
});

// ---------------------------------------------------------------------------------------------
// Texts

test('default texts name no product; every code the client reports has one', () => {
  const context = { product: 'the desktop app', Product: 'The desktop app', command: null, rpcCode: -1 };
  for (const [key, message] of Object.entries(DEFAULT_MESSAGES)) {
    const text = typeof message === 'function' ? message(context) : message;
    assert.doesNotMatch(text, /bridgekeeper/i, `${key}: ${text}`);
    assert.ok(text.length > 10, key);
  }
  for (const code of ['desktop_unavailable', 'host_not_found', 'host_forbidden', 'host_broken', 'not_allowed',
    'pairing_rejected', 'desktop_identity_changed', 'pairing_revoked', 'handshake_failed', 'decrypt_failed']) {
    assert.ok(code in DEFAULT_MESSAGES, code);
  }
});

test('messages replace any text, as a string with {product} or as a function', async () => {
  const { client, ports } = portClient({
    productName: 'Acme Vault',
    productCommand: 'acme',
    messages: {
      desktop_unavailable: '{Product} is asleep.',
      locked: ({ product }) => `Unlock ${product} first.`,
    },
  });
  client.start();
  ports[0].deliver({ type: 'status', state: 'desktop_unavailable', detail: 'socket absent' });
  await waitForState(client, 'desktop_unavailable');
  assert.equal(client.snapshot().error.message, 'Acme Vault is asleep.');
  assert.equal(client.snapshot().error.detail, 'socket absent');
  assert.equal(client.explain(new RpcError(-32001, 'locked (desktop words)')), 'Unlock Acme Vault first.');
  assert.equal(client.explain(new RpcError(-32002, 'x')), 'The prompt on the desktop was cancelled.');
  assert.equal(client.explain(new RpcError(-32099, 'the desktop says why')), 'the desktop says why', 'unknown codes keep the desktop text');
  assert.equal(client.explain(new DOMException('stop', 'AbortError')), 'The request was cancelled.');
  const timeout = await client.call('x.y', null).catch((e) => e);
  assert.equal(timeout.code, 'desktop_unavailable');
  client.close();
  assert.throws(() => portClient({ messages: { locked: 42 } }), TypeError);
});

// ---------------------------------------------------------------------------------------------
// Host failures: host_not_found, host_broken, desktop_unavailable, disconnected

test('the native port closing is mapped: not found, forbidden, broken (no frame yet), disconnected', async () => {
  const cases = [
    ['Specified native messaging host not found.', false, 'host_not_found'],
    ['No such native application dev.bridgekeeper.host', false, 'host_not_found'],
    ['Access to the specified native messaging host is forbidden.', false, 'host_forbidden'],
    ['Native host has exited.', false, 'host_broken'],
    [undefined, false, 'host_broken'],
    ['Native host has exited.', true, 'disconnected'],
  ];
  for (const [reason, afterFrame, code] of cases) {
    const { client, ports } = portClient({ productCommand: 'acme' });
    client.start();
    if (afterFrame) {
      ports[0].deliver({ type: 'status', state: 'desktop_unavailable' });
      await waitForState(client, 'desktop_unavailable');
    }
    ports[0].close(reason);
    const snapshot = await waitForState(client, 'reconnecting');
    assert.equal(snapshot.error.code, code, `${reason} (after a frame: ${afterFrame})`);
    if (code === 'host_broken') assert.match(snapshot.error.message, /failed to start\. Run `acme doctor`/);
    if (code !== 'disconnected') {
      // Waiting cannot help: calls and ready() fail at once with the same error.
      await assert.rejects(client.call('a.b'), { code });
      await assert.rejects(client.ready(), { code });
    }
    client.close();
  }
});

test('host_broken without a productCommand points at reinstalling, naming no command', async () => {
  const { client, ports } = portClient();
  client.start();
  ports[0].close('Native host has exited.');
  const { error } = await waitForState(client, 'reconnecting');
  assert.equal(error.message, 'The helper program of the desktop app failed to start. Reinstalling the desktop app usually fixes this.');
  client.close();
});

test('desktop_unavailable is its own state, distinct from the host failures', async () => {
  const { client, ports } = portClient();
  client.start();
  ports[0].deliver({ type: 'status', state: 'desktop_unavailable' });
  const snapshot = await waitForState(client, 'desktop_unavailable');
  assert.equal(snapshot.error.code, 'desktop_unavailable');
  assert.match(snapshot.error.message, /The desktop app isn't running/);
  client.close();
});

test('an error envelope the host wrote before exiting is handled even when a post fails first', async () => {
  const { client, ports } = portClient();
  client.start();
  const failure = nextEvent(client, 'error');
  ports[0].deliver({ type: 'status', state: 'connected' });
  ports[0].deliver({ type: 'error', code: 'not_allowed', message: 'not on the allow-list' });
  ports[0].close('Native host has exited.'); // handshake step 1 will find the port closed
  assert.equal((await failure).code, 'not_allowed');
  await waitForState(client, 'failed');
  client.close();
});

// ---------------------------------------------------------------------------------------------
// Browser defaults

function fakeChrome() {
  const opened = [];
  const chrome = {
    runtime: {
      id: 'ehcmijlhbioomifbjmghlpklegfgldmf',
      getURL: (path) => `chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/${path}`,
      getManifest: () => ({ name: 'Manifest Name', version: '4.5.6' }),
      connectNative: (name) => {
        opened.push(name);
        return new FakePort();
      },
    },
  };
  return { chrome, opened };
}

test('inside an extension the options default to the native host, caller id and manifest', async (t) => {
  const { chrome, opened } = fakeChrome();
  globalThis.chrome = chrome;
  t.after(() => delete globalThis.chrome);
  const client = new BridgekeeperClient({ keyStore: new MemoryKeyStore() });
  client.start();
  assert.deepEqual(opened, ['dev.bridgekeeper.host']);
  client.close();

  const custom = new BridgekeeperClient({ keyStore: new MemoryKeyStore(), hostName: 'com.example.host' });
  custom.start();
  assert.deepEqual(opened, ['dev.bridgekeeper.host', 'com.example.host']);
  custom.close();
  assert.throws(() => new BridgekeeperClient({ keyStore: new MemoryKeyStore(), hostName: '' }), TypeError);
});

test('outside an extension, leaving out connect says so', () => {
  assert.throws(() => new BridgekeeperClient({ keyStore: new MemoryKeyStore() }), /not running inside a browser extension/);
});
