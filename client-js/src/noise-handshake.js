// @ts-check
// Noise HandshakeState (spec section 5.3) and the handshake pattern table it interprets:
// any fundamental, one-way or deferred pattern plus pskN modifiers, so the published test
// vectors exercise the same code the extension runs for Noise_XX.

import { asBytes, concat } from './bytes.js';
import {
  DHLEN, EMPTY, MAX_MESSAGE_LENGTH, NoiseError, TAG_LENGTH, dh, generateKeyPair,
} from './noise-primitives.js';
import { CipherState, SymmetricState } from './noise-cipher.js';

/** @typedef {import('./types.js').KeyPair} KeyPair */
/** @typedef {ArrayBuffer | ArrayBufferView} BytesLike */
/** @typedef {Uint8Array<ArrayBuffer>} Bytes */


/** @type {Record<string, string>} */
const PATTERNS = {
  N: '<- s\n...\n-> e, es',
  K: '-> s\n<- s\n...\n-> e, es, ss',
  X: '<- s\n...\n-> e, es, s, ss',
  NN: '-> e\n<- e, ee',
  NK: '<- s\n...\n-> e, es\n<- e, ee',
  NX: '-> e\n<- e, ee, s, es',
  KN: '-> s\n...\n-> e\n<- e, ee, se',
  KK: '-> s\n<- s\n...\n-> e, es, ss\n<- e, ee, se',
  KX: '-> s\n...\n-> e\n<- e, ee, se, s, es',
  XN: '-> e\n<- e, ee\n-> s, se',
  XK: '<- s\n...\n-> e, es\n<- e, ee\n-> s, se',
  XX: '-> e\n<- e, ee, s, es\n-> s, se',
  IN: '-> e, s\n<- e, ee, se',
  IK: '<- s\n...\n-> e, es, s, ss\n<- e, ee, se',
  IX: '-> e, s\n<- e, ee, se, s, es',
  NK1: '<- s\n...\n-> e\n<- e, ee, es',
  NX1: '-> e\n<- e, ee, s\n-> es',
  X1N: '-> e\n<- e, ee\n-> s\n<- se',
  X1K: '<- s\n...\n-> e, es\n<- e, ee\n-> s\n<- se',
  XK1: '<- s\n...\n-> e\n<- e, ee, es\n-> s, se',
  X1K1: '<- s\n...\n-> e\n<- e, ee, es\n-> s\n<- se',
  X1X: '-> e\n<- e, ee, s, es\n-> s\n<- se',
  XX1: '-> e\n<- e, ee, s\n-> es, s, se',
  X1X1: '-> e\n<- e, ee, s\n-> es, s\n<- se',
  K1N: '-> s\n...\n-> e\n<- e, ee\n-> se',
  K1K: '-> s\n<- s\n...\n-> e, es\n<- e, ee\n-> se',
  KK1: '-> s\n<- s\n...\n-> e\n<- e, ee, se, es',
  K1K1: '-> s\n<- s\n...\n-> e\n<- e, ee, es\n-> se',
  K1X: '-> s\n...\n-> e\n<- e, ee, s, es\n-> se',
  KX1: '-> s\n...\n-> e\n<- e, ee, se, s\n-> es',
  K1X1: '-> s\n...\n-> e\n<- e, ee, s\n-> se, es',
  I1N: '-> e, s\n<- e, ee\n-> se',
  I1K: '<- s\n...\n-> e, es, s\n<- e, ee\n-> se',
  IK1: '<- s\n...\n-> e, s\n<- e, ee, se, es',
  I1K1: '<- s\n...\n-> e, s\n<- e, ee, es\n-> se',
  I1X: '-> e, s\n<- e, ee, s, es\n-> se',
  IX1: '-> e, s\n<- e, ee, se, s\n-> es',
  I1X1: '-> e, s\n<- e, ee, s\n-> se, es',
};

const TOKENS = new Set(['e', 's', 'ee', 'es', 'se', 'ss', 'psk']);

/**
 * @typedef {object} MessagePattern
 * @property {boolean} fromInitiator
 * @property {string[]} tokens
 */

/**
 * @typedef {object} HandshakePattern
 * @property {string} name
 * @property {string} base
 * @property {MessagePattern[]} preMessages
 * @property {MessagePattern[]} messages
 * @property {number} pskCount
 */

/**
 * @param {string} line
 * @returns {MessagePattern}
 */
function parseLine(line) {
  const match = /^(->|<-)\s*(.*)$/.exec(line.trim());
  if (!match) throw new NoiseError(`bad pattern line: ${line}`);
  const tokens = match[2].split(',').map((t) => t.trim()).filter(Boolean);
  for (const token of tokens) if (!TOKENS.has(token)) throw new NoiseError(`unknown token ${token}`);
  return { fromInitiator: match[1] === '->', tokens };
}

/**
 * Parses "Noise_<pattern>_25519_AESGCM_SHA256" into pre-messages, messages and psk count.
 * Only the 25519/AESGCM/SHA256 suite and pskN modifiers are supported.
 * @param {string} protocolName
 * @returns {HandshakePattern}
 */
export function parseProtocolName(protocolName) {
  const match = /^Noise_([A-Z][A-Z0-9]*)((?:[a-z][a-z0-9]*)(?:\+[a-z][a-z0-9]*)*)?_25519_AESGCM_SHA256$/.exec(protocolName);
  if (!match) throw new NoiseError(`unsupported protocol name: ${protocolName}`);
  const [, base, modifierText] = match;
  const source = PATTERNS[base];
  if (!source) throw new NoiseError(`unknown handshake pattern: ${base}`);

  const lines = source.split('\n');
  const split = lines.indexOf('...');
  const preMessages = (split < 0 ? [] : lines.slice(0, split)).map(parseLine);
  const messages = lines.slice(split + 1).map(parseLine);
  messages.forEach((message, i) => {
    if (message.fromInitiator !== (i % 2 === 0)) throw new NoiseError(`pattern ${base} does not alternate`);
  });

  let pskCount = 0;
  for (const modifier of modifierText ? modifierText.split('+') : []) {
    const psk = /^psk(\d+)$/.exec(modifier);
    if (!psk) throw new NoiseError(`unsupported modifier: ${modifier}`);
    const position = Number(psk[1]);
    if (position === 0) messages[0].tokens.unshift('psk');
    else if (position <= messages.length) messages[position - 1].tokens.push('psk');
    else throw new NoiseError(`${modifier} is past the last message`);
    pskCount++;
  }
  return { name: protocolName, base, preMessages, messages, pskCount };
}

// ---------------------------------------------------------------------------------------------
// HandshakeState

/**
 * HandshakeState for one side of one handshake. Create with HandshakeState.initialize, then
 * alternate writeMessage/readMessage; after the last message, isComplete is true and
 * split() returns the transport CipherStates.
 */
export class HandshakeState {
  /** @type {HandshakePattern} */
  #pattern = /** @type {any} */ (null);
  #initiator = false;
  /** @type {SymmetricState} */
  #symmetric = new SymmetricState();
  /** @type {KeyPair | null} */
  #s = null;
  /** @type {KeyPair | null} */
  #e = null;
  /** @type {Bytes | null} */
  #rs = null;
  /** @type {Bytes | null} */
  #re = null;
  /** @type {Bytes[]} */
  #psks = [];
  /** @type {() => Promise<KeyPair>} */
  #ephemeralFactory = generateKeyPair;
  #messageIndex = 0;
  /** @type {[CipherState, CipherState] | null} */
  #ciphers = null;
  #failed = false;

  /**
   * @param {object} options
   * @param {string} options.protocolName e.g. "Noise_XX_25519_AESGCM_SHA256"
   * @param {boolean} options.initiator
   * @param {Uint8Array} [options.prologue]
   * @param {KeyPair | null} [options.s] local static key pair
   * @param {KeyPair | null} [options.e] local ephemeral (tests only)
   * @param {BytesLike | null} [options.rs] remote static public key, when known in advance
   * @param {BytesLike | null} [options.re] remote ephemeral public key (pre-message patterns only)
   * @param {BytesLike[]} [options.psks] pre-shared keys in the order the pattern uses them
   * @param {() => Promise<KeyPair>} [options.ephemeralFactory] GENERATE_KEYPAIR for ephemerals
   * @returns {Promise<HandshakeState>}
   */
  static async initialize({
    protocolName, initiator, prologue = EMPTY, s = null, e = null, rs = null, re = null,
    psks = [], ephemeralFactory = generateKeyPair,
  }) {
    const state = new HandshakeState();
    const pattern = parseProtocolName(protocolName);
    if (psks.length !== pattern.pskCount) {
      throw new NoiseError(`${protocolName} needs ${pattern.pskCount} psk(s), got ${psks.length}`);
    }
    for (const psk of psks) if (asBytes(psk).length !== 32) throw new NoiseError('psk must be 32 bytes');
    state.#pattern = pattern;
    state.#initiator = Boolean(initiator);
    state.#s = s;
    state.#e = e;
    state.#rs = rs ? asBytes(rs).slice() : null;
    state.#re = re ? asBytes(re).slice() : null;
    state.#psks = psks.map((p) => asBytes(p));
    state.#ephemeralFactory = ephemeralFactory;
    state.#symmetric = await SymmetricState.initialize(protocolName);
    await state.#symmetric.mixHash(asBytes(prologue));

    // Pre-messages: the initiator's first, then the responder's (spec section 7.3).
    for (const pre of pattern.preMessages) {
      const mine = pre.fromInitiator === state.#initiator;
      for (const token of pre.tokens) {
        let key;
        if (token === 's') key = mine ? s?.publicKey : state.#rs;
        else if (token === 'e') key = mine ? e?.publicKey : state.#re;
        else throw new NoiseError(`token ${token} not allowed in a pre-message`);
        if (!key) throw new NoiseError(`pre-message needs the ${mine ? 'local' : 'remote'} ${token} key`);
        await state.#symmetric.mixHash(key);
        if (token === 'e' && pattern.pskCount > 0) await state.#symmetric.mixKey(key);
      }
    }
    return state;
  }

  get isInitiator() {
    return this.#initiator;
  }

  get isComplete() {
    return this.#ciphers !== null;
  }

  /** True when the next handshake message is ours to write. */
  get isMyTurn() {
    return !this.isComplete && (this.#messageIndex % 2 === 0) === this.#initiator;
  }

  /** The remote static public key once received (or given), else null. */
  get remoteStaticPublicKey() {
    return this.#rs ? this.#rs.slice() : null;
  }

  /** GetHandshakeHash(): h, final once the handshake is complete. */
  getHandshakeHash() {
    return this.#symmetric.getHandshakeHash();
  }

  /**
   * After completion: { send, receive } CipherStates for this side.
   * @returns {{ send: CipherState, receive: CipherState }}
   */
  split() {
    if (!this.#ciphers) throw new NoiseError('handshake not complete');
    const [c1, c2] = this.#ciphers;
    return this.#initiator ? { send: c1, receive: c2 } : { send: c2, receive: c1 };
  }

  /**
   * WriteMessage(payload): returns the handshake message bytes.
   * @param {BytesLike} [payload]
   * @returns {Promise<Bytes>}
   */
  async writeMessage(payload = EMPTY) {
    const tokens = this.#startMessage(true);
    const parts = [];
    for (const token of tokens) {
      switch (token) {
        case 'e':
          if (!this.#e) this.#e = await this.#ephemeralFactory();
          parts.push(this.#e.publicKey);
          await this.#symmetric.mixHash(this.#e.publicKey);
          if (this.#pattern.pskCount > 0) await this.#symmetric.mixKey(this.#e.publicKey);
          break;
        case 's':
          if (!this.#s) throw this.#fail('pattern needs a local static key');
          parts.push(await this.#symmetric.encryptAndHash(this.#s.publicKey));
          break;
        default:
          await this.#mixToken(token);
      }
    }
    parts.push(await this.#symmetric.encryptAndHash(asBytes(payload)));
    const message = concat(...parts);
    if (message.length > MAX_MESSAGE_LENGTH) throw this.#fail('handshake message exceeds 65,535 bytes');
    await this.#finishMessage();
    return message;
  }

  /**
   * ReadMessage(message): returns the payload. Throws NoiseDecryptError on a bad tag.
   * @param {BytesLike} message
   * @returns {Promise<Bytes>}
   */
  async readMessage(message) {
    const bytes = asBytes(message);
    const tokens = this.#startMessage(false);
    if (bytes.length > MAX_MESSAGE_LENGTH) throw this.#fail('handshake message exceeds 65,535 bytes');
    let offset = 0;
    /** @param {number} length */
    const take = (length) => {
      if (offset + length > bytes.length) throw this.#fail('handshake message too short');
      const part = bytes.subarray(offset, offset + length);
      offset += length;
      return part;
    };
    try {
      for (const token of tokens) {
        switch (token) {
          case 'e':
            this.#re = take(DHLEN).slice();
            await this.#symmetric.mixHash(this.#re);
            if (this.#pattern.pskCount > 0) await this.#symmetric.mixKey(this.#re);
            break;
          case 's': {
            const length = this.#symmetric.cipher.hasKey() ? DHLEN + TAG_LENGTH : DHLEN;
            this.#rs = await this.#symmetric.decryptAndHash(take(length));
            break;
          }
          default:
            await this.#mixToken(token);
        }
      }
      const payload = await this.#symmetric.decryptAndHash(bytes.subarray(offset));
      await this.#finishMessage();
      return payload;
    } catch (error) {
      this.#failed = true;
      throw error;
    }
  }

  /** @param {boolean} writing */
  #startMessage(writing) {
    if (this.#failed) throw new NoiseError('handshake already failed');
    if (this.isComplete) throw new NoiseError('handshake already complete');
    if (this.isMyTurn !== writing) {
      throw new NoiseError(writing ? 'not our turn to write' : 'not our turn to read');
    }
    return this.#pattern.messages[this.#messageIndex].tokens;
  }

  async #finishMessage() {
    this.#messageIndex++;
    if (this.#messageIndex === this.#pattern.messages.length) {
      this.#ciphers = await this.#symmetric.split();
    }
  }

  /** @param {string} token */
  async #mixToken(token) {
    const initiator = this.#initiator;
    switch (token) {
      case 'ee':
        return this.#symmetric.mixKey(await dh(this.#need('e'), this.#needRemote('re')));
      case 'es':
        return this.#symmetric.mixKey(initiator
          ? await dh(this.#need('e'), this.#needRemote('rs'))
          : await dh(this.#need('s'), this.#needRemote('re')));
      case 'se':
        return this.#symmetric.mixKey(initiator
          ? await dh(this.#need('s'), this.#needRemote('re'))
          : await dh(this.#need('e'), this.#needRemote('rs')));
      case 'ss':
        return this.#symmetric.mixKey(await dh(this.#need('s'), this.#needRemote('rs')));
      case 'psk':
        return this.#symmetric.mixKeyAndHash(/** @type {Bytes} */ (this.#psks.shift()));
      default:
        throw this.#fail(`unexpected token ${token}`);
    }
  }

  /** @param {'e' | 's'} which */
  #need(which) {
    const key = which === 'e' ? this.#e : this.#s;
    if (!key) throw this.#fail(`missing local ${which} key`);
    return key;
  }

  /** @param {'re' | 'rs'} which */
  #needRemote(which) {
    const key = which === 're' ? this.#re : this.#rs;
    if (!key) throw this.#fail(`missing remote ${which === 're' ? 'e' : 's'} key`);
    return key;
  }

  /** @param {string} message */
  #fail(message) {
    this.#failed = true;
    return new NoiseError(message);
  }
}
