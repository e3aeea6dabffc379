// @ts-check
// Where the client keeps its long-term X25519 key and the desktop key it pinned at pairing.
//
// A key store has four async methods:
//   loadStaticKeyPair()            -> { privateKey: CryptoKey, publicKey: Uint8Array(32) },
//                                     created on first use and the same ever after
//   getPinnedDesktopKey()          -> Uint8Array(32) | null
//   setPinnedDesktopKey(publicKey) -> void
//   clearPinnedDesktopKey()        -> void

import { asBytes } from './bytes.js';
import { fromCryptoKeyPair, generateKeyPair } from './noise.js';

/** @typedef {import('./types.js').KeyPair} KeyPair */
/** @typedef {import('./types.js').KeyStore} KeyStore */

/**
 * @param {ArrayBuffer | ArrayBufferView} publicKey
 * @returns {Uint8Array}
 */
function checkDesktopKey(publicKey) {
  const bytes = asBytes(publicKey);
  if (bytes.length !== 32) throw new TypeError('desktop public key must be 32 bytes');
  return bytes.slice();
}

/**
 * Keeps everything in memory: for tests, and for callers that inject fixed keys.
 * @implements {KeyStore}
 */
export class MemoryKeyStore {
  /** @type {KeyPair | null} */
  #staticKeyPair;
  /** @type {Uint8Array | null} */
  #pinned;
  /** @type {Promise<KeyPair> | null} */
  #creating = null;

  /**
   * @param {object} [options]
   * @param {KeyPair | null} [options.staticKeyPair] fixed key
   * @param {Uint8Array | null} [options.pinnedDesktopKey]
   */
  constructor({ staticKeyPair = null, pinnedDesktopKey = null } = {}) {
    this.#staticKeyPair = staticKeyPair;
    this.#pinned = pinnedDesktopKey ? checkDesktopKey(pinnedDesktopKey) : null;
  }

  /** @returns {Promise<KeyPair>} */
  async loadStaticKeyPair() {
    if (this.#staticKeyPair) return this.#staticKeyPair;
    this.#creating ??= generateKeyPair().then((pair) => (this.#staticKeyPair = pair));
    return this.#creating;
  }

  /** @returns {Promise<Uint8Array | null>} */
  async getPinnedDesktopKey() {
    return this.#pinned ? this.#pinned.slice() : null;
  }

  /** @param {Uint8Array} publicKey */
  async setPinnedDesktopKey(publicKey) {
    this.#pinned = checkDesktopKey(publicKey);
  }

  async clearPinnedDesktopKey() {
    this.#pinned = null;
  }
}

const STORE = 'keys';
const STATIC_KEY = 'static-x25519';
const DESKTOP_KEY = 'pinned-desktop';

/**
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Keeps the static key pair in IndexedDB as a CryptoKeyPair whose private key is NOT
 * extractable: structured cloning into IndexedDB preserves that, so page script, other
 * extensions and the extension's own code can use the key but never read its bytes.
 * The pinned desktop key (public, not secret) sits beside it.
 * @implements {KeyStore}
 */
export class IndexedDbKeyStore {
  #dbName;
  #indexedDB;
  /** @type {Promise<IDBDatabase> | null} */
  #db = null;
  /** @type {KeyPair | null} */
  #staticKeyPair = null;

  /**
   * @param {object} [options]
   * @param {string} [options.dbName] IndexedDB database name
   * @param {IDBFactory} [options.indexedDB] defaults to globalThis.indexedDB
   */
  constructor({ dbName = 'bridgekeeper', indexedDB = globalThis.indexedDB } = {}) {
    if (!indexedDB) throw new Error('IndexedDB is not available in this context');
    this.#dbName = dbName;
    this.#indexedDB = indexedDB;
  }

  /** @returns {Promise<IDBDatabase>} */
  #open() {
    this.#db ??= new Promise((resolve, reject) => {
      const request = this.#indexedDB.open(this.#dbName, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('IndexedDB upgrade blocked by another open connection'));
    });
    return this.#db;
  }

  /**
   * @param {string} key
   * @returns {Promise<any>}
   */
  async #get(key) {
    const db = await this.#open();
    return promised(db.transaction(STORE, 'readonly').objectStore(STORE).get(key));
  }

  /**
   * @param {string} key
   * @param {unknown} value
   */
  async #put(key, value) {
    const db = await this.#open();
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(value, key);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  }

  /** @returns {Promise<KeyPair>} */
  async loadStaticKeyPair() {
    if (this.#staticKeyPair) return this.#staticKeyPair;
    let stored = await this.#get(STATIC_KEY);
    if (!stored) {
      const fresh = await crypto.subtle.generateKey({ name: 'X25519' }, false, ['deriveBits']);
      stored = await this.#putIfAbsent(STATIC_KEY, fresh);
    }
    if (!stored?.privateKey || !stored?.publicKey) throw new Error('stored static key is damaged');
    this.#staticKeyPair = await fromCryptoKeyPair(stored);
    return this.#staticKeyPair;
  }

  // Two contexts may create a key at the same time; the first write wins and both use it.
  // Generating happens outside the transaction because IndexedDB transactions close when
  // control returns to the event loop without a pending request.
  /**
   * @param {string} key
   * @param {any} value
   * @returns {Promise<any>}
   */
  async #putIfAbsent(key, value) {
    const db = await this.#open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      let result = value;
      const read = store.get(key);
      read.onsuccess = () => {
        if (read.result) result = read.result;
        else store.put(value, key);
      };
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  }

  /** @returns {Promise<Uint8Array | null>} */
  async getPinnedDesktopKey() {
    const stored = await this.#get(DESKTOP_KEY);
    return stored ? checkDesktopKey(stored) : null;
  }

  /** @param {Uint8Array} publicKey */
  async setPinnedDesktopKey(publicKey) {
    await this.#put(DESKTOP_KEY, checkDesktopKey(publicKey));
  }

  async clearPinnedDesktopKey() {
    const db = await this.#open();
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(DESKTOP_KEY);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  }

  /** Closes the database connection (tests; a background page normally keeps it). */
  async close() {
    if (this.#db) (await this.#db).close();
    this.#db = null;
  }
}
