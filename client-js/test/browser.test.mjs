// Caller-id detection and the native port factory, against minimal runtime objects shaped
// like Chromium's and Firefox's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserFamily, detectCallerId, extensionApi, nativePortFactory } from '../src/browser.js';

const chromium = {
  runtime: {
    id: 'ehcmijlhbioomifbjmghlpklegfgldmf',
    getURL: (path) => `chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/${path}`,
    connectNative: (name) => ({ opened: name }),
  },
};
const firefox = {
  runtime: {
    id: 'bridgekeeper-sample@bridgekeeper.dev',
    getURL: (path) => `moz-extension://3f1c2a9e-0000-4000-8000-123456789abc/${path}`,
    connectNative: (name) => ({ opened: name }),
  },
};

test('Chromium caller id is the extension origin with its trailing slash', () => {
  assert.equal(browserFamily(chromium), 'chromium');
  assert.equal(detectCallerId(chromium), 'chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/');
});

test('Firefox caller id is moz-extension: plus the add-on id, not the per-profile UUID', () => {
  assert.equal(browserFamily(firefox), 'firefox');
  assert.equal(detectCallerId(firefox), 'moz-extension:bridgekeeper-sample@bridgekeeper.dev');
});

test('extensionApi prefers `browser` (Firefox) and falls back to `chrome`', () => {
  assert.equal(extensionApi({ browser: firefox, chrome: chromium }), firefox);
  assert.equal(extensionApi({ chrome: chromium }), chromium);
  assert.throws(() => extensionApi({}), /not running inside a browser extension/);
});

test('the port factory opens dev.bridgekeeper.host', () => {
  assert.deepEqual(nativePortFactory(chromium)(), { opened: 'dev.bridgekeeper.host' });
});
