// The page leg: a web page's PageClient -> content script relay -> background servePages ->
// the extension's BridgekeeperClient -> the simulated desktop, with the per-origin policy,
// the origin stamped by the extension, rate limits and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgekeeperError, PageClient, RpcError, originMatches, relayPage, servePages } from '@bridgekeeper/client';
import { PAGE_PORT_NAME, TokenBucket } from '@bridgekeeper/client/page';
import { FakeRuntime, FakeWindow } from './support/fake-page.mjs';
import { eventually, pairedClient } from './support/helpers.mjs';

const ALLOWED = 'http://127.0.0.1:8123';

/** A paired extension serving pages, and a function that opens a page at a URL. */
async function extensionWithPages(policy = [{ origin: 'http://127.0.0.1:*', methods: ['biometric.*'], topics: ['vault.locked'] }], options = {}) {
  const context = await pairedClient();
  const runtime = new FakeRuntime();
  const stop = servePages(context.client, { api: runtime, allow: policy, ...options });
  const pages = [];
  const openPage = (url) => {
    const win = new FakeWindow(new URL(url).origin);
    const stopRelay = relayPage({ api: runtime.contentScriptApi(url), window: win });
    const page = new PageClient({ window: win });
    pages.push(stopRelay);
    return { page, win };
  };
  const close = () => {
    for (const stopRelay of pages) stopRelay();
    stop();
    context.client.close();
  };
  return { ...context, runtime, openPage, close };
}

test('an allowed page calls the desktop and the desktop sees the origin the browser reported', async () => {
  const ext = await extensionWithPages();
  const seen = [];
  ext.desktop.handlers.set('biometric.status', async (params) => {
    seen.push(params);
    return { available: true, method: 'polkit' };
  });
  const { page } = ext.openPage(`${ALLOWED}/app/index.html`);
  const ready = await page.ready();
  assert.deepEqual(ready, { desktop: { name: 'Test Desktop', version: '9.9.9' }, origin: ALLOWED });
  assert.deepEqual(await page.channel('biometric', '1.0.0').status({ reason: 'x' }), { available: true, method: 'polkit' });
  assert.deepEqual(seen, [{ reason: 'x', $page: { origin: ALLOWED } }]);
  ext.close();
});

test('an origin not on the list is refused with not_allowed and reaches nothing', async () => {
  const ext = await extensionWithPages();
  const before = ext.desktop.requests.length;
  for (const url of ['http://localhost:8123/', 'https://127.0.0.1:8123/', 'http://127.0.0.10:80/']) {
    const { page } = ext.openPage(url);
    const refused = new Promise((resolve) => page.on('error', resolve));
    await assert.rejects(page.call('biometric.status', {}), (e) => e instanceof BridgekeeperError && e.code === 'not_allowed');
    assert.equal((await refused).code, 'not_allowed', url);
  }
  assert.equal(ext.desktop.requests.length, before, 'nothing was forwarded');
  assert.equal(ext.client.state, 'ready');
  ext.close();
});

test('methods and topics outside the policy, and the IPC, pairing, session and admin names, are refused', async () => {
  const ext = await extensionWithPages([{
    origin: ALLOWED,
    methods: ['biometric.status', 'ipc.discover', 'admin.*', 'pairing.*', 'session.*'],
    topics: ['vault.locked', 'session.ready', 'pairing.code', 'state', '*'],
  }]);
  ext.desktop.handlers.set('biometric.status', async () => 'ok');
  const before = ext.desktop.requests.length;
  const { page } = ext.openPage(`${ALLOWED}/`);
  for (const method of ['biometric.authenticate', 'ipc.discover', 'admin.list', 'pairing.commit', 'session.ready', 'rpc.cancel']) {
    await assert.rejects(page.call(method), (e) => e.code === 'not_allowed', method);
  }
  assert.equal(ext.desktop.requests.length, before);
  const errors = [];
  page.on('error', (e) => errors.push(e.code));
  page.on('session.ready', () => assert.fail('a page saw a session topic'));
  page.on('pairing.code', () => assert.fail('a page saw a pairing topic'));
  page.on('state', () => assert.fail('a page saw the client state'));
  await eventually(() => errors.length === 3, 'three refusals');
  assert.deepEqual(errors, ['not_allowed', 'not_allowed', 'not_allowed']);
  assert.equal(await page.call('biometric.status'), 'ok');
  ext.close();
});

test('a page cannot set the origin itself', async () => {
  const ext = await extensionWithPages();
  ext.desktop.handlers.set('biometric.status', async () => assert.fail('forwarded a spoofed origin'));
  const { page } = ext.openPage(`${ALLOWED}/`);
  await assert.rejects(page.call('biometric.status', { $page: { origin: 'https://bank.example' } }), (e) => e.code === 'bad_request');
  ext.close();
});

test('desktop events reach only pages that subscribed to an allowed topic; pages never see each other', async () => {
  const ext = await extensionWithPages();
  ext.desktop.handlers.set('biometric.status', async (params) => params.$page.origin);
  const a = ext.openPage('http://127.0.0.1:1111/');
  const b = ext.openPage('http://127.0.0.1:2222/');
  const aMessages = [];
  a.win.addEventListener('message', (event) => aMessages.push(event.data));
  const got = new Promise((resolve) => a.page.on('vault.locked', (payload, topic) => resolve({ payload, topic })));
  assert.equal(await a.page.call('biometric.status'), 'http://127.0.0.1:1111');
  const countA = aMessages.length;
  assert.equal(await b.page.call('biometric.status'), 'http://127.0.0.1:2222');
  ext.desktop.publish('vault.locked', { by: 'timer' });
  assert.deepEqual(await got, { payload: { by: 'timer' }, topic: 'vault.locked' });
  const afterB = aMessages.slice(countA).filter((m) => m['bridgekeeper:extension']);
  assert.deepEqual(afterB.map((m) => m['bridgekeeper:extension'].type), ['event'], 'A saw only its own event, not B\'s answer');
  ext.close();
});

test('aborting a page call cancels it at the desktop', async () => {
  const ext = await extensionWithPages();
  let started;
  const running = new Promise((resolve) => (started = resolve));
  let aborted = false;
  ext.desktop.handlers.set('biometric.authenticate', (params, { signal }) => new Promise(() => {
    started();
    signal.addEventListener('abort', () => (aborted = true));
  }));
  const { page } = ext.openPage(`${ALLOWED}/`);
  const controller = new AbortController();
  const call = page.call('biometric.authenticate', {}, { signal: controller.signal });
  await running;
  controller.abort(new DOMException('user left', 'AbortError'));
  await assert.rejects(call, (e) => e.name === 'AbortError');
  await eventually(() => aborted, 'the desktop handler was cancelled');
  ext.close();
});

test('a flood is rate limited per page and the extension keeps working', async () => {
  let clock = 0;
  const ext = await extensionWithPages([{ origin: 'http://127.0.0.1:*', methods: ['biometric.*'], ratePerSecond: 1, burst: 3 }], { now: () => clock });
  ext.desktop.handlers.set('biometric.status', async () => 'ok');
  const flooder = ext.openPage('http://127.0.0.1:1/');
  const calm = ext.openPage('http://127.0.0.1:2/');
  const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => flooder.page.call('biometric.status')));
  assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 3);
  assert.ok(outcomes.filter((o) => o.status === 'rejected').every((o) => o.reason.code === 'rate_limited'));
  assert.equal(await calm.page.call('biometric.status'), 'ok', 'another page has its own bucket');
  clock += 1000;
  assert.equal(await flooder.page.call('biometric.status'), 'ok', 'tokens come back with time');
  assert.equal(ext.client.state, 'ready');
  assert.equal(await ext.client.call('biometric.status'), 'ok', 'the extension\'s own session is undisturbed');
  ext.close();
});

test('bad input straight on the port gets documented errors and leaves the session alone', async () => {
  const ext = await extensionWithPages(undefined, { maxMessageChars: 1000 });
  ext.desktop.handlers.set('biometric.status', async () => 'ok');
  const api = ext.runtime.contentScriptApi(`${ALLOWED}/`);
  const port = api.runtime.connect({ name: PAGE_PORT_NAME });
  const answers = [];
  port.onMessage.addListener((m) => answers.push(m));
  const bad = [
    [['an', 'array'], 'bad_request'],
    ['a string', 'bad_request'],
    [{ type: 'nope', id: 'a' }, 'bad_request'],
    [{ type: 'call', method: 'biometric.status' }, 'bad_request'],
    [{ type: 'call', id: 'b', method: 42 }, 'bad_request'],
    [{ type: 'call', id: 'c', method: 'biometric.status', params: [1] }, 'bad_request'],
    [{ type: 'call', id: 'd', method: 'biometric.status', timeoutMs: -1 }, 'bad_request'],
    [{ type: 'call', id: 'e', method: 'biometric.status', params: { blob: 'x'.repeat(2000) } }, 'too_large'],
    [{ type: 'subscribe', topic: '' }, 'bad_request'],
  ];
  for (const [message] of bad) port.postMessage(message);
  await eventually(() => answers.length === bad.length, 'an answer to each');
  assert.deepEqual(answers.map((a) => a.error.code), bad.map(([, code]) => code));
  port.postMessage({ type: 'call', id: 'f', method: 'biometric.status' });
  await eventually(() => answers.length === bad.length + 1, 'the good call');
  assert.deepEqual(answers.at(-1), { type: 'result', id: 'f', result: 'ok' });
  assert.equal(ext.client.state, 'ready');
  ext.close();
});

test('the relay ignores messages from other frames and unmarked messages', async () => {
  const runtime = new FakeRuntime();
  const win = new FakeWindow(ALLOWED);
  relayPage({ api: runtime.contentScriptApi(`${ALLOWED}/`), window: win });
  win.deliver({ 'bridgekeeper:page': { type: 'ready', id: '1' } }, new FakeWindow('https://evil.example'));
  win.postMessage({ hello: 'world' }, '*');
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(runtime.ports.length, 0, 'no port was opened');
  win.postMessage({ 'bridgekeeper:page': { type: 'ready', id: '1' } }, '*');
  await eventually(() => runtime.ports.length === 1, 'a port for the page itself');
});

test('origin patterns and the token bucket', () => {
  assert.ok(originMatches('http://127.0.0.1:*', 'http://127.0.0.1:8080'));
  assert.ok(originMatches('http://127.0.0.1:*', 'http://127.0.0.1'));
  assert.ok(!originMatches('http://127.0.0.1:*', 'http://127.0.0.1.evil.example'));
  assert.ok(!originMatches('http://127.0.0.1:*', 'http://127.0.0.1:80.evil.example'));
  assert.ok(!originMatches('http://127.0.0.1:*', 'https://127.0.0.1:8080'));
  assert.ok(originMatches('https://app.example', 'https://app.example'));
  assert.ok(!originMatches('https://app.example', 'https://app.example:444'));
  let t = 0;
  const bucket = new TokenBucket(2, 2, () => t);
  assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [true, true, false]);
  t = 500;
  assert.deepEqual([bucket.take(), bucket.take()], [true, false]);
});

test('a desktop error keeps its code and data through the page leg', async () => {
  const ext = await extensionWithPages();
  ext.desktop.handlers.set('biometric.authenticate', async () => {
    throw { code: -32011, message: 'user cancelled', data: { reason: 'dismissed' } };
  });
  const { page } = ext.openPage(`${ALLOWED}/`);
  await assert.rejects(page.call('biometric.authenticate', {}), (e) => e instanceof RpcError && e.rpcCode === -32011 && e.data.reason === 'dismissed');
  ext.close();
});

test('a page that asks before the content script is listening is answered once the relay starts', async () => {
  const context = await pairedClient();
  context.desktop.handlers.set('biometric.status', async () => 'ok');
  const runtime = new FakeRuntime();
  const stop = servePages(context.client, { api: runtime, allow: [{ origin: ALLOWED, methods: ['biometric.status'] }] });
  const win = new FakeWindow(ALLOWED);
  const page = new PageClient({ window: win });
  const early = page.call('biometric.status');
  await new Promise((resolve) => setTimeout(resolve, 20)); // the message went nowhere
  const stopRelay = relayPage({ api: runtime.contentScriptApi(`${ALLOWED}/`), window: win });
  assert.equal(await early, 'ok');
  assert.equal(context.desktop.requests.filter((r) => r.method === 'biometric.status').length, 1, 'sent once');
  stopRelay();
  stop();
  context.client.close();
});

test('a page channel checks the desktop version through the extension, which tells only allowed channels', async () => {
  const ext = await extensionWithPages([{ origin: ALLOWED, methods: ['biometric.*', 'notes.count', 'ipc.*'] }]);
  ext.desktop.channels = { ipc: '1.0.0', biometric: '1.2.0', vault: '3.0.0' };
  ext.desktop.handlers.set('biometric.status', async () => ({ available: true }));
  const { page, win } = ext.openPage(`${ALLOWED}/`);
  const answers = [];
  win.addEventListener('message', (event) => answers.push(event.data?.['bridgekeeper:extension']));

  assert.deepEqual(await page.channel('biometric', '1.1.0').status(), { available: true });
  const check = answers.find((m) => m?.type === 'result' && m.result?.channel === 'biometric');
  assert.deepEqual(check.result, { channel: 'biometric', offered: '1.2.0' }, 'only the asked channel, nothing else of ipc.discover');

  const sent = () => ext.desktop.requests.filter((r) => r.method.startsWith('biometric.') || r.method.startsWith('notes.')).length;
  const before = sent();
  for (const [name, version, offered] of [['biometric', '2.0.0', '1.2.0'], ['biometric', '1.3.0', '1.2.0'], ['notes', '1.0.0', null]]) {
    await assert.rejects(page.channel(name, version).status(), (e) => {
      assert.ok(e instanceof RpcError, String(e));
      assert.equal(e.code, 'version_mismatch');
      assert.deepEqual(e.data, { channel: name, required: version, offered });
      return true;
    }, `${name} ${version}`);
  }
  assert.equal(sent(), before, 'nothing went to the desktop for a mismatched channel');

  // A channel this origin may not call, or the IPC layer's own, is not even told.
  for (const name of ['vault', 'ipc']) {
    await assert.rejects(page.channel(name, '1.0.0').anything(), (e) => e.code === 'not_allowed', name);
  }
  assert.throws(() => page.channel('biometric', 'one'), TypeError);
  assert.equal(ext.client.state, 'ready');
  ext.close();
});
