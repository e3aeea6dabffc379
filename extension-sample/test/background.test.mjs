// Loads the real background.js with a Chromium-shaped `chrome` object whose connectNative
// reaches the desktop simulator, and IndexedDB from fake-indexeddb. Checks what the popup and
// the end-to-end debug hook see: plain words, the pairing code, unlock results, events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory } from 'fake-indexeddb';
// The simulated desktop is the client package's own test fixture (not part of the package).
import { DesktopSimulator } from '../../client-js/test/support/desktop-simulator.mjs';
import { eventually } from '../../client-js/test/support/helpers.mjs';

const EXTENSION_ID = 'ehcmijlhbioomifbjmghlpklegfgldmf';

function fakeChrome(desktop) {
  const connectListeners = [];
  const session = new Map();
  const nativeHosts = [];
  const chrome = {
    runtime: {
      id: EXTENSION_ID,
      getURL: (path) => `chrome-extension://${EXTENSION_ID}/${path}`,
      getManifest: () => ({ name: 'Bridgekeeper Sample', version: '0.1.0' }),
      connectNative: (name) => {
        nativeHosts.push(name);
        return desktop.connect(`chrome-extension://${EXTENSION_ID}/`);
      },
      onConnect: { addListener: (fn) => connectListeners.push(fn) },
      onStartup: { addListener() {} },
      onInstalled: { addListener() {} },
    },
    storage: {
      session: {
        get: async (key) => (session.has(key) ? { [key]: session.get(key) } : {}),
        set: async (items) => Object.entries(items).forEach(([k, v]) => session.set(k, v)),
      },
    },
  };
  /** Opens the popup's port; returns the messages it received and a way to send commands. */
  function openPopup() {
    const received = [];
    const commandListeners = [];
    const port = {
      name: 'popup',
      sender: { id: EXTENSION_ID },
      postMessage: (message) => received.push(JSON.parse(JSON.stringify(message))),
      onMessage: { addListener: (fn) => commandListeners.push(fn) },
      onDisconnect: { addListener() {} },
    };
    connectListeners.forEach((fn) => fn(port));
    return {
      received,
      latest: () => received.at(-1)?.view,
      send: (message) => commandListeners.forEach((fn) => fn(message)),
    };
  }
  return { chrome, openPopup, nativeHosts };
}

test('the background, as the popup and the debug hook see it', async (t) => {
  const desktop = await DesktopSimulator.create();
  let approve;
  desktop.decide = () => new Promise((resolve) => (approve = resolve));
  desktop.handlers.set('biometric.status', async () => ({ status: 'available', method: 'polkit' }));
  let unlockAnswer = async () => ({ user: 'alice', key: Buffer.alloc(32, 9).toString('base64') });
  desktop.handlers.set('biometric.unlock', (params) => unlockAnswer(params));

  const { chrome, openPopup, nativeHosts } = fakeChrome(desktop);
  globalThis.chrome = chrome;
  globalThis.indexedDB = new IDBFactory();
  t.after(() => {
    delete globalThis.chrome;
    delete globalThis.indexedDB;
  });
  await import('../background.js');
  const debug = globalThis.bridgekeeperDebug;
  assert.ok(debug, 'debug hook installed');
  const popup = openPopup();

  await t.test('first contact shows the pairing code in words and digits', async () => {
    await eventually(() => debug.state().pairingCode, 'pairing code');
    const state = debug.state();
    assert.equal(nativeHosts[0], 'dev.bridgekeeper.host');
    assert.equal(state.headline, 'Pairing required');
    assert.match(state.detail, /Test Desktop shows the same code/);
    assert.equal(state.pairingCode.display.replace(' ', ''), desktop.pairingAttempts[0].code);
    assert.equal(desktop.pairingAttempts[0].name, 'Bridgekeeper Sample');
    assert.equal(popup.latest().pairingCode.display, state.pairingCode.display, 'the popup got it too');
  });

  await t.test('after approval: paired, biometric status in words, no key anywhere in the view', async () => {
    approve(true);
    await eventually(() => debug.state().biometrics, 'biometric status');
    const state = debug.state();
    assert.equal(state.state, 'ready');
    assert.equal(state.headline, 'Paired with Test Desktop');
    assert.equal(state.biometrics.text, 'Biometric unlock is available');
    assert.deepEqual(state.actions, []);
  });

  await t.test('unlock reports the key size, never the key', async () => {
    const result = await debug.unlock();
    assert.deepEqual(result, { state: 'done', text: 'Unlocked: key received (32 bytes) for alice' });
    const everything = JSON.stringify([debug.state(), popup.received]);
    assert.ok(!everything.includes(Buffer.alloc(32, 9).toString('base64')), 'key not in any view');
    assert.equal(debug.state().desktopLock, 'unlocked');
  });

  await t.test('unlock errors are explained', async () => {
    unlockAnswer = async () => {
      throw { code: -32003, message: 'no', data: { status: 'setup_needed', detail: 'run the installer with --polkit' } };
    };
    assert.equal((await debug.unlock()).text,
      'Biometric unlock needs a one-time setup on the desktop: run the installer with --polkit');
    unlockAnswer = async () => {
      throw { code: -32001, message: 'locked' };
    };
    assert.match((await debug.unlock()).text, /Bridgekeeper is locked/);
    assert.equal(debug.state().desktopLock, 'locked');
  });

  await t.test('the popup button runs the same unlock', async () => {
    unlockAnswer = async () => ({ user: 'bob', key: Buffer.alloc(16, 1).toString('base64') });
    popup.send({ cmd: 'unlock' });
    await eventually(() => popup.latest().unlock?.state === 'done', 'unlock via popup');
    assert.equal(popup.latest().unlock.text, 'Unlocked: key received (16 bytes) for bob');
  });

  await t.test('desktop events are listed, newest first, and move the lock state', async () => {
    desktop.publish('desktop.locked', {});
    desktop.publish('desktop.unlocked', {});
    await eventually(() => debug.events().length === 2, 'two events');
    assert.deepEqual(debug.events().map((e) => e.label), ['Desktop unlocked', 'Desktop locked']);
    assert.equal(debug.state().desktopLock, 'unlocked');
  });

  await t.test('desktop not running is said plainly, with a retry action', async () => {
    desktop.stop();
    await eventually(() => debug.state().state === 'desktop_unavailable', 'unavailable');
    const state = debug.state();
    assert.equal(state.headline, 'Desktop app not running');
    assert.equal(state.detail, 'Bridgekeeper isn\'t running. Start it and this will connect by itself.');
    assert.deepEqual(state.actions, ['retry']);
    desktop.start();
    await eventually(() => debug.state().state === 'ready', 'ready again');
  });

  await t.test('pairing.revoked is listed and asks the user to pair again', async () => {
    desktop.publish('pairing.revoked', {});
    await eventually(() => debug.state().state === 'failed', 'failed');
    const state = debug.state();
    assert.equal(state.headline, 'Unpaired');
    assert.deepEqual(state.actions, ['retry']);
    assert.equal(debug.events()[0].label, 'This browser was unpaired on the desktop');
    debug.retry();
    await eventually(() => debug.state().state === 'ready', 'ready after pairing again');
  });
});
