// Key stores: the IndexedDB one (run on fake-indexeddb, which stores values with the same
// structured clone the browsers use) and the in-memory one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory } from 'fake-indexeddb';
import { IndexedDbKeyStore, MemoryKeyStore } from '../src/keystore.js';
import { dh, generateKeyPair } from '../src/noise.js';
import { toHex } from '../src/bytes.js';

for (const [name, make] of [
  ['IndexedDbKeyStore', (factory) => new IndexedDbKeyStore({ indexedDB: factory })],
  ['MemoryKeyStore', () => new MemoryKeyStore()],
]) {
  test(`${name}: creates one non-extractable static key and keeps returning it`, async () => {
    const store = make(new IDBFactory());
    const [a, b] = await Promise.all([store.loadStaticKeyPair(), store.loadStaticKeyPair()]);
    assert.equal(toHex(a.publicKey), toHex(b.publicKey));
    assert.equal(a.privateKey.extractable, false);
    assert.equal(a.privateKey.type, 'private');
    await assert.rejects(crypto.subtle.exportKey('pkcs8', a.privateKey));
    // The key works for X25519.
    const peer = await generateKeyPair();
    assert.equal(toHex(await dh(a, peer.publicKey)), toHex(await dh(peer, a.publicKey)));
    await store.close?.();
  });

  test(`${name}: pins, reads and forgets the desktop key`, async () => {
    const store = make(new IDBFactory());
    assert.equal(await store.getPinnedDesktopKey(), null);
    const desktop = new Uint8Array(32).fill(0xab);
    await store.setPinnedDesktopKey(desktop);
    assert.equal(toHex(await store.getPinnedDesktopKey()), toHex(desktop));
    await assert.rejects(store.setPinnedDesktopKey(new Uint8Array(31)), TypeError);
    await store.clearPinnedDesktopKey();
    assert.equal(await store.getPinnedDesktopKey(), null);
    await store.close?.();
  });
}

test('IndexedDbKeyStore: the key survives a restart (a new store on the same database)', async () => {
  const factory = new IDBFactory();
  const first = new IndexedDbKeyStore({ indexedDB: factory });
  const original = await first.loadStaticKeyPair();
  await first.setPinnedDesktopKey(new Uint8Array(32).fill(1));
  await first.close();

  const second = new IndexedDbKeyStore({ indexedDB: factory });
  const reloaded = await second.loadStaticKeyPair();
  assert.equal(toHex(reloaded.publicKey), toHex(original.publicKey));
  assert.equal(reloaded.privateKey.extractable, false);
  assert.equal(toHex(await second.getPinnedDesktopKey()), toHex(new Uint8Array(32).fill(1)));
  // Same private key: same shared secret with a third party.
  const peer = await generateKeyPair();
  assert.equal(toHex(await dh(reloaded, peer.publicKey)), toHex(await dh(original, peer.publicKey)));
  await second.close();
});

test('IndexedDbKeyStore: two stores racing on first use end up with the same key', async () => {
  const factory = new IDBFactory();
  const stores = [new IndexedDbKeyStore({ indexedDB: factory }), new IndexedDbKeyStore({ indexedDB: factory })];
  const [a, b] = await Promise.all(stores.map((s) => s.loadStaticKeyPair()));
  assert.equal(toHex(a.publicKey), toHex(b.publicKey));
  await Promise.all(stores.map((s) => s.close()));
});

test('IndexedDbKeyStore needs IndexedDB', () => {
  assert.throws(() => new IndexedDbKeyStore({ indexedDB: null }), /IndexedDB is not available/);
});

test('MemoryKeyStore uses an injected static key (for deterministic transcripts)', async () => {
  const fixed = await generateKeyPair();
  const store = new MemoryKeyStore({ staticKeyPair: fixed, pinnedDesktopKey: new Uint8Array(32).fill(2) });
  assert.equal(await store.loadStaticKeyPair(), fixed);
  assert.equal(toHex(await store.getPinnedDesktopKey()), toHex(new Uint8Array(32).fill(2)));
});
