// The whole client flow against the simulated desktop: pairing, RPC, deadlines and cancel,
// events, fatal errors and reconnection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgekeeperError, RpcError } from '../src/errors.js';
import { MemoryKeyStore } from '../src/keystore.js';
import { importPrivateKey } from '../src/noise.js';
import { DesktopSimulator, hex } from './support/desktop-simulator.mjs';
import { CALLER_ID, eventually, nextEvent, pairedClient, setup, waitForState } from './support/helpers.mjs';

test('first contact: pairing shows the same code on both sides, pins the desktop key, then ready', async () => {
  const { desktop, keyStore, client } = await setup();
  let approve;
  desktop.decide = () => new Promise((resolve) => (approve = resolve));
  const states = [];
  client.on('state', (s) => {
    if (states.at(-1) !== s.state) states.push(s.state);
  });
  const codeShown = nextEvent(client, 'pairing-code');
  client.start();

  const shown = await codeShown;
  assert.match(shown.display, /^\d{3} \d{3}$/);
  assert.equal(shown.display.replace(' ', ''), shown.code);
  await eventually(() => desktop.pairingAttempts.length === 1, 'desktop pairing prompt');
  assert.equal(shown.code, desktop.pairingAttempts[0].code, 'extension and desktop show the same code');
  assert.equal(desktop.pairingAttempts[0].name, 'Test Extension');
  assert.equal(desktop.pairingAttempts[0].callerId, CALLER_ID);
  assert.equal(client.snapshot().state, 'pairing');
  assert.deepEqual(client.snapshot().pairingCode, { code: shown.code, display: shown.display });
  assert.equal(await keyStore.getPinnedDesktopKey(), null, 'nothing pinned before approval');

  approve(true);
  const ready = await nextEvent(client, 'ready');
  assert.equal(ready.pairedNow, true);
  assert.deepEqual(ready.desktop, { name: 'Test Desktop', version: '9.9.9' });
  assert.equal(hex(await keyStore.getPinnedDesktopKey()), hex(desktop.staticKeyPair.publicKey));
  assert.equal(client.snapshot().paired, true);
  assert.equal(client.snapshot().pairingCode, null);
  assert.deepEqual(states.slice(0, 3), ['connecting', 'handshaking', 'pairing']);
  assert.equal(states.at(-1), 'ready');

  // The extension told the desktop who it is in handshake step 3.
  assert.deepEqual(
    { name: desktop.current.extension.name, version: desktop.current.extension.version, protocol: desktop.current.extension.protocol },
    { name: 'Test Extension', version: '1.2.3', protocol: 1 });

  // A later connection is recognised: no pairing again.
  client.reconnect();
  await waitForState(client, 'ready');
  assert.equal(desktop.pairingAttempts.length, 1);
  assert.equal(desktop.connections.length, 2);
  client.close();
});

test('a rejected pairing fails and does not retry on its own', async () => {
  const { desktop, keyStore, client } = await setup();
  desktop.decide = async () => false;
  const failure = nextEvent(client, 'error');
  client.start();
  await waitForState(client, 'failed');
  assert.equal((await failure).code, 'pairing_rejected');
  assert.equal(client.snapshot().error.code, 'pairing_rejected');
  assert.equal(await keyStore.getPinnedDesktopKey(), null);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(desktop.connections.length, 1, 'no reconnect after a rejection');
  await assert.rejects(client.call('biometric.status'), { code: 'pairing_rejected' });

  // The user asks to try again and approves this time.
  desktop.decide = async () => true;
  client.reconnect();
  await waitForState(client, 'ready');
  client.close();
});

test('a desktop that reveals a nonce not matching its commitment is refused', async () => {
  const { desktop, client } = await setup();
  desktop.cheatOnReveal = true;
  let codeShown = false;
  client.on('pairing-code', () => (codeShown = true));
  client.start();
  await waitForState(client, 'failed');
  assert.equal(client.snapshot().error.code, 'pairing_failed');
  assert.equal(codeShown, false, 'no code is shown for a broken commitment');
  const sentError = desktop.connections[0].port.sent.find((m) => m.type === 'error');
  assert.equal(sentError?.code, 'pairing_rejected');
  client.close();
});

test('RPC: results, desktop errors mapped to RpcError, unique ids', async () => {
  const { desktop, client } = await pairedClient();
  desktop.handlers.set('biometric.unlock', async (params) => ({ user: params.user, key: Buffer.alloc(32, 7).toString('base64') }));
  desktop.handlers.set('biometric.status', async () => {
    throw { code: -32001, message: 'The desktop is locked.' };
  });
  desktop.handlers.set('echo', async (params) => params);

  assert.deepEqual(await client.call('biometric.unlock', { user: 'alice' }),
    { user: 'alice', key: Buffer.alloc(32, 7).toString('base64') });
  await assert.rejects(client.call('biometric.status', {}), (error) => {
    assert.ok(error instanceof RpcError);
    assert.equal(error.code, 'locked');
    assert.equal(error.rpcCode, -32001);
    assert.equal(error.message, 'The desktop is locked.');
    return true;
  });
  await assert.rejects(client.call('no.such'), { code: 'method_not_found', rpcCode: -32601 });

  const results = await Promise.all([1, 2, 3, 4, 5].map((n) => client.call('echo', { n })));
  assert.deepEqual(results.map((r) => r.n), [1, 2, 3, 4, 5], 'concurrent calls each get their own answer');
  client.close();
});

test('RPC ids are unique, also across reconnections', async () => {
  const { desktop, client } = await pairedClient();
  desktop.handlers.set('echo', async (params) => params);
  await Promise.all([0, 1, 2].map((i) => client.call('echo', { i })));
  client.reconnect();
  await waitForState(client, 'ready');
  await client.call('echo', { i: 3 });
  const ids = desktop.requests.map((r) => r.id);
  assert.equal(ids.length, 4);
  assert.equal(new Set(ids).size, 4);
  client.close();
});

test('a call past its deadline rejects with timeout and sends rpc.cancel', async () => {
  const { desktop, client } = await pairedClient();
  let handlerSignal;
  desktop.handlers.set('biometric.unlock', (params, { signal }) => {
    handlerSignal = signal;
    return new Promise(() => {});
  });
  const started = client.call('biometric.unlock', {}, { timeoutMs: 50 });
  await assert.rejects(started, (error) => {
    assert.ok(error instanceof RpcError);
    assert.equal(error.code, 'timeout');
    assert.equal(error.local, true);
    return true;
  });
  await eventually(() => desktop.cancels.length === 1, 'rpc.cancel at the desktop');
  await eventually(() => handlerSignal?.aborted, 'desktop handler told to stop');
  // The session is still healthy afterwards.
  desktop.handlers.set('echo', async (params) => params);
  assert.deepEqual(await client.call('echo', { ok: true }), { ok: true });
  client.close();
});

test('an AbortSignal cancels a call: it rejects at once and rpc.cancel is sent', async () => {
  const { desktop, client } = await pairedClient();
  desktop.handlers.set('slow', () => new Promise(() => {}));
  const controller = new AbortController();
  const pending = client.call('slow', null, { signal: controller.signal, timeoutMs: 5000 });
  await eventually(() => desktop.requests.length === 1, 'request reached the desktop');
  controller.abort();
  await assert.rejects(pending, { name: 'AbortError' });
  await eventually(() => desktop.cancels.length === 1, 'rpc.cancel at the desktop');

  const already = new AbortController();
  already.abort();
  await assert.rejects(client.call('slow', null, { signal: already.signal }), { name: 'AbortError' });
  client.close();
});

test('calls made while connecting wait for the session', async () => {
  const { desktop, client } = await setup();
  desktop.handlers.set('echo', async (params) => params);
  client.start();
  const early = client.call('echo', { early: true });
  assert.deepEqual(await early, { early: true });
  client.close();
});

test('desktop -> extension requests: method_not_found unless handled; handlers can be cancelled', async () => {
  const { desktop, client } = await pairedClient();
  const unknown = desktop.current.request('extension.nothing', {});
  assert.deepEqual((await unknown.answered).error.code, -32601);

  client.handle('extension.info', async (params) => ({ hello: params.who }));
  assert.deepEqual((await desktop.current.request('extension.info', { who: 'desktop' }).answered).result, { hello: 'desktop' });

  client.handle('extension.fails', async () => {
    throw new Error('secret detail /home/alice');
  });
  const failed = await desktop.current.request('extension.fails', null).answered;
  assert.equal(failed.error.code, -32603);
  assert.doesNotMatch(failed.error.message, /alice/, 'no internal detail leaks to the peer');

  client.handle('extension.refuses', async () => {
    throw new RpcError(-32602, 'bad params');
  });
  assert.equal((await desktop.current.request('extension.refuses', {}).answered).error.code, -32602);

  let aborted = false;
  client.handle('extension.slow', (params, { signal }) => new Promise(() => {
    signal.addEventListener('abort', () => (aborted = true));
  }));
  const slow = desktop.current.request('extension.slow', {});
  await new Promise((resolve) => setTimeout(resolve, 20));
  await desktop.current.sendIpc('rpc.cancel', { id: slow.id });
  assert.equal((await slow.answered).error.code, -32007);
  assert.equal(aborted, true);
  client.close();
});

test('events: desktop events reach subscribers; extension events reach the desktop', async () => {
  const { desktop, client } = await pairedClient();
  const locked = nextEvent(client, 'desktop.locked');
  const all = [];
  client.on('*', (event) => all.push(event.topic));
  desktop.publish('desktop.locked', {});
  assert.deepEqual(await locked, [{}, 'desktop.locked']);
  desktop.publish('desktop.unlocked', {});
  await eventually(() => all.includes('desktop.unlocked'), 'wildcard listener');

  await client.publish('extension.hello', { tab: 3 });
  await eventually(() => desktop.events.some((e) => e.topic === 'extension.hello' && e.payload.tab === 3), 'event at the desktop');
  await assert.rejects(client.publish('rpc.request', {}), TypeError);
  await assert.rejects(client.publish('pairing.nonce', {}), TypeError);
  client.close();
});

test('pairing.revoked is delivered, then the client stops until the user pairs again', async () => {
  const { desktop, client } = await pairedClient();
  const revoked = nextEvent(client, 'pairing.revoked');
  desktop.publish('pairing.revoked', {});
  await revoked;
  await waitForState(client, 'failed');
  assert.equal(client.snapshot().error.code, 'pairing_revoked');
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(desktop.connections.length, 1);
  client.close();
});

test('a tampered secure frame is fatal: decrypt_failed is sent, calls fail, the client reconnects', async () => {
  const { desktop, client } = await pairedClient();
  desktop.handlers.set('slow', () => new Promise(() => {}));
  const pending = client.call('slow', null, { timeoutMs: 5000 });
  await eventually(() => desktop.requests.length === 1, 'request sent');
  const first = desktop.current;
  first.tamperNext = true;
  desktop.publish('desktop.locked', {});

  await assert.rejects(pending, { code: 'decrypt_failed' });
  const sent = first.port.sent.at(-1);
  assert.equal(sent.type, 'error');
  assert.equal(sent.code, 'decrypt_failed');
  assert.equal(first.port.connected, false, 'the client closed the port');
  // A fresh host process, a fresh handshake, no new pairing.
  await eventually(() => desktop.connections.length === 2, 'reconnect');
  await waitForState(client, 'ready');
  assert.equal(desktop.pairingAttempts.length, 1);
  client.close();
});

test('a different desktop key after pairing fails hard with "desktop identity changed"', async () => {
  const { desktop, keyStore, client } = await pairedClient();
  client.close();

  const impostor = await DesktopSimulator.create();
  impostor.pairings = desktop.pairings; // even one that claims to know us
  const second = await setup({ desktop: impostor, keyStore });
  const errors = [];
  second.client.on('error', (error) => errors.push(error));
  second.client.start();
  await waitForState(second.client, 'failed');

  const error = second.client.snapshot().error;
  assert.equal(error.code, 'desktop_identity_changed');
  assert.match(error.message, /identity has changed/);
  assert.equal(errors[0].detail, 'desktop identity changed');
  const sent = impostor.connections[0].port.sent;
  assert.deepEqual(sent.map((m) => m.type === 'handshake' ? `handshake${m.step}` : m.type), ['handshake1', 'error']);
  assert.equal(sent[1].code, 'handshake_failed');
  assert.equal(sent[1].message, 'desktop identity changed');
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(impostor.connections.length, 1, 'no automatic retry');
  await assert.rejects(second.client.call('biometric.unlock'), { code: 'desktop_identity_changed' });

  // Only an explicit "forget" lets a new desktop pair.
  await second.client.forgetDesktop();
  await waitForState(second.client, 'ready');
  assert.equal(hex(await keyStore.getPinnedDesktopKey()), hex(impostor.staticKeyPair.publicKey));
  second.client.close();
});

test('desktop_unavailable -> connected: waits, fails calls fast, then handshakes again by itself', async () => {
  const { desktop, client } = await pairedClient();
  desktop.handlers.set('echo', async (params) => params);
  desktop.handlers.set('slow', () => new Promise(() => {}));
  const inFlight = client.call('slow', null, { timeoutMs: 5000 });
  await eventually(() => desktop.requests.length === 1, 'request sent');

  desktop.stop();
  await waitForState(client, 'desktop_unavailable');
  await assert.rejects(inFlight, { code: 'desktop_unavailable' });
  const snapshot = client.snapshot();
  assert.equal(snapshot.error.code, 'desktop_unavailable');
  assert.match(snapshot.error.message, /isn't running/);
  await assert.rejects(client.call('echo', {}), { code: 'desktop_unavailable' });

  desktop.start();
  await waitForState(client, 'ready');
  assert.equal(desktop.connections.length, 1, 'same host process');
  const handshakes = desktop.current.received.filter((m) => m.type === 'handshake' && m.step === 1);
  assert.equal(handshakes.length, 2, 'a second handshake on the same port');
  assert.deepEqual(await client.call('echo', { again: true }), { again: true });
  client.close();
});

test('the host starting while the desktop is down: waits for connected', async () => {
  const desktop = await DesktopSimulator.create();
  desktop.running = false;
  const { client } = await setup({ desktop });
  client.start();
  await waitForState(client, 'desktop_unavailable');
  desktop.start();
  await waitForState(client, 'ready');
  client.close();
});

test('port disconnect -> reconnect with back-off', async () => {
  const { desktop, client } = await pairedClient();
  desktop.current.close('Native host has exited.');
  await waitForState(client, 'reconnecting');
  assert.equal(client.snapshot().error.code, 'disconnected');
  assert.equal(client.snapshot().error.detail, 'Native host has exited.');
  await waitForState(client, 'ready');
  assert.equal(desktop.connections.length, 2);
  client.close();
});

test('a missing native host is reported in plain words and retried', async () => {
  const desktop = await DesktopSimulator.create();
  let attempts = 0;
  const { client } = await setup({
    desktop,
    connect: () => {
      attempts++;
      if (attempts < 3) {
        const port = desktop.connect(CALLER_ID);
        port.close('Specified native messaging host not found.');
        return port;
      }
      return desktop.connect(CALLER_ID);
    },
  });
  client.start();
  await waitForState(client, 'reconnecting');
  assert.equal(client.snapshot().error.code, 'host_not_found');
  assert.match(client.snapshot().error.message, /not installed/);
  await assert.rejects(client.call('x'), { code: 'host_not_found' });
  await waitForState(client, 'ready');
  assert.equal(attempts, 3);
  client.close();
});

test('a port factory that throws is retried too', async () => {
  const desktop = await DesktopSimulator.create();
  let attempts = 0;
  const { client } = await setup({
    desktop,
    connect: () => {
      if (++attempts === 1) throw new Error('No such native application dev.bridgekeeper.host');
      return desktop.connect(CALLER_ID);
    },
  });
  client.start();
  await waitForState(client, 'ready');
  assert.equal(attempts, 2);
  client.close();
});

test('no answer to handshake step 1 within the deadline: handshake_failed, then retry', async () => {
  const desktop = await DesktopSimulator.create();
  desktop.answerHandshake = false;
  const { client } = await setup({ desktop, handshakeTimeoutMs: 40 });
  const failed = nextEvent(client, 'error');
  client.start();
  assert.equal((await failed).code, 'handshake_failed');
  assert.equal(desktop.connections[0].port.sent.at(-1).code, 'handshake_failed');
  desktop.answerHandshake = true;
  await waitForState(client, 'ready');
  client.close();
});

test('a host that misreports the caller id makes the handshake fail', async () => {
  const desktop = await DesktopSimulator.create();
  const { client } = await setup({ desktop, connect: desktop.portFactory('chrome-extension://someoneelse/') });
  const failed = nextEvent(client, 'error');
  client.start();
  const error = await failed;
  assert.equal(error.code, 'handshake_failed');
  assert.equal(desktop.connections[0].port.sent.at(-1).code, 'handshake_failed');
  assert.equal(desktop.pairingAttempts.length, 0);
  client.close();
});

test('error envelopes become readable errors; not_allowed waits for the user', async () => {
  const desktop = await DesktopSimulator.create();
  const { client } = await setup({ desktop });
  client.start();
  await eventually(() => desktop.current?.received.length >= 1, 'handshake started');
  const failure = nextEvent(client, 'error');
  desktop.current.sendError('not_allowed', 'caller not on the allow-list');
  const error = await failure;
  assert.ok(error instanceof BridgekeeperError);
  assert.equal(error.code, 'not_allowed');
  assert.equal(error.detail, 'caller not on the allow-list');
  assert.match(error.message, /does not allow this browser extension/);
  await waitForState(client, 'failed');
  client.close();
});

test('malformed envelopes are a protocol error', async () => {
  const desktop = await DesktopSimulator.create();
  const { client } = await setup({ desktop });
  client.start();
  await waitForState(client, 'handshaking');
  const failure = nextEvent(client, 'error');
  desktop.current.port.deliver({ type: 'status', state: 'sleeping' });
  assert.equal((await failure).code, 'protocol_error');
  assert.equal(desktop.connections[0].port.sent.at(-1).code, 'protocol_error');
  client.close();
});

test('multi-MiB messages cross the full stack in both directions', async () => {
  const { desktop, client } = await pairedClient();
  desktop.handlers.set('echo', async (params) => params);
  const blob = 'x'.repeat(3 * 1024 * 1024 + 11);
  const result = await client.call('echo', { blob }, { timeoutMs: 20000 });
  assert.equal(result.blob.length, blob.length);
  assert.equal(result.blob, blob);
  const pieces = desktop.current.port.sent.filter((m) => m.type === 'secure' && m.more === true).length;
  assert.ok(pieces >= 48, `fragmented into many pieces (${pieces} with more)`);
  client.close();
});

test('an incoming message over the limit: a request gets too_large, anything else closes', async () => {
  const { desktop, client } = await pairedClient({ maxMessageBytes: 100_000 });
  client.handle('extension.store', async () => 'stored');
  const big = desktop.current.request('extension.store', { data: 'y'.repeat(200_000) });
  const answer = await big.answered;
  assert.equal(answer.error.code, -32008);
  assert.equal(client.state, 'ready', 'still connected after refusing one request');
  assert.equal((await desktop.current.request('extension.store', { data: 'small' }).answered).result, 'stored');

  const failure = nextEvent(client, 'error');
  desktop.publish('desktop.bulk', { data: 'z'.repeat(200_000) });
  assert.equal((await failure).code, 'frame_too_large');
  client.close();
});

test('sending more than the limit is refused locally', async () => {
  const { client } = await pairedClient({ maxMessageBytes: 10_000 });
  await assert.rejects(client.call('echo', { data: 'q'.repeat(20_000) }), { code: 'too_large' });
  assert.equal(client.state, 'ready');
  client.close();
});

test('a client that was never started, or was closed, refuses calls', async () => {
  const { client } = await setup();
  await assert.rejects(client.call('x'), { code: 'not_ready' });
  await assert.rejects(client.publish('a.b', {}), { code: 'not_ready' });
  client.start();
  await waitForState(client, 'ready');
  client.close();
  assert.equal(client.state, 'stopped');
  await assert.rejects(client.call('x'), { code: 'not_ready' });
});

test('a pinned key that matches lets a known desktop skip pairing (key store survives restarts)', async () => {
  const desktop = await DesktopSimulator.create();
  const keyStore = new MemoryKeyStore();
  const first = await pairedClient({ desktop, keyStore });
  first.client.close();
  const second = await setup({ desktop, keyStore });
  second.client.start();
  await waitForState(second.client, 'ready');
  assert.equal(desktop.pairingAttempts.length, 1);
  second.client.close();
});

test('a browser without X25519 in Web Crypto is told so plainly', async () => {
  const keyStore = new MemoryKeyStore();
  keyStore.loadStaticKeyPair = async () => {
    throw new DOMException('Unrecognized name.', 'NotSupportedError');
  };
  const { client } = await setup({ keyStore });
  client.start();
  await waitForState(client, 'failed');
  assert.equal(client.snapshot().error.code, 'unsupported_browser');
  assert.match(client.snapshot().error.message, /Update the browser/);
  client.close();
});

test('with injected keys and randomness a whole session is byte-for-byte reproducible', async () => {
  const fixedKey = (byte) => importPrivateKey(new Uint8Array(32).fill(byte));
  async function run() {
    const desktop = new DesktopSimulator(await fixedKey(1));
    const desktopEphemeral = await fixedKey(2);
    desktop.ephemeralFactory = async () => desktopEphemeral;
    desktop.random = (n) => new Uint8Array(n).fill(3);
    desktop.handlers.set('echo', async (params) => params);
    const extensionEphemeral = await fixedKey(4);
    const { client } = await setup({
      desktop,
      keyStore: new MemoryKeyStore({ staticKeyPair: await fixedKey(5) }),
      ephemeralFactory: async () => extensionEphemeral,
      random: (n) => new Uint8Array(n).fill(6),
    });
    const code = nextEvent(client, 'pairing-code');
    client.start();
    await waitForState(client, 'ready');
    await client.call('echo', { n: 1 });
    client.close();
    return { sent: desktop.connections[0].port.sent, code: (await code).code };
  }
  const first = await run();
  const second = await run();
  assert.equal(first.code, second.code);
  // step 1, step 3, pairing.nonce, rpc.request
  assert.deepEqual(first.sent.map((m) => m.type), ['handshake', 'handshake', 'secure', 'secure']);
  assert.deepEqual(second.sent, first.sent);
});

test('frames of a session that ended are never sent into the next one', async () => {
  const { desktop, client } = await pairedClient();
  desktop.handlers.set('echo', async (params) => params);
  const connection = desktop.current;
  let sentWhenUnavailable = null;
  client.on('state', (s) => {
    if (s.state === 'desktop_unavailable') sentWhenUnavailable ??= connection.port.sent.length;
  });
  const big = client.call('echo', { blob: 'x'.repeat(4 * 1024 * 1024) }, { timeoutMs: 20000 }).catch((error) => error);
  await eventually(() => connection.received.some((m) => m.type === 'secure' && m.more), 'sending started');
  desktop.stop();
  desktop.start();
  assert.equal((await big).code, 'desktop_unavailable');
  await waitForState(client, 'ready');
  // Everything the client posted after it learned the desktop was gone belongs to the new session.
  const after = connection.port.sent.slice(sentWhenUnavailable);
  assert.deepEqual(after.slice(0, 2).map((m) => `${m.type}${m.step ?? ''}`), ['handshake1', 'handshake3']);
  client.close();
});
