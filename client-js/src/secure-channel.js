// @ts-check
// The secure-message layer (docs/PROTOCOL.md section 4): one IPC message is cut into pieces of at
// most 65,519 plaintext bytes, each sealed as one Noise transport message in a `secure`
// envelope; every piece but the last carries `more: true`. The receiver decrypts in order and
// reassembles up to a size limit.

import { fromBase64, toBase64 } from './bytes.js';
import { MAX_MESSAGE_LENGTH, MAX_PLAINTEXT_LENGTH, NoiseError } from './noise.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './protocol.js';

const EMPTY = new Uint8Array(0);

/** @typedef {{ type: 'secure', data: string, more?: boolean }} SecureEnvelope */
/** @typedef {null | { bytes: Uint8Array } | { tooLarge: true, head: Uint8Array, size: number }} Received */

/**
 * Splits bytes into views of at most `pieceSize` bytes (one empty piece for empty input).
 * @param {Uint8Array} bytes
 * @param {number} [pieceSize]
 * @returns {Uint8Array[]}
 */
export function fragment(bytes, pieceSize = MAX_PLAINTEXT_LENGTH) {
  if (bytes.length === 0) return [bytes];
  const pieces = [];
  for (let offset = 0; offset < bytes.length; offset += pieceSize) {
    pieces.push(bytes.subarray(offset, Math.min(bytes.length, offset + pieceSize)));
  }
  return pieces;
}

/**
 * Both directions of an established session. `post(envelope)` is called synchronously for
 * each outgoing `secure` envelope, in order; whole messages never interleave even when
 * send() is called concurrently. receive() must be called in arrival order; it is
 * serialized internally too.
 */
export class SecureChannel {
  #send;
  #receive;
  #post;
  #maxMessageBytes;
  #sendQueue = Promise.resolve();
  /** @type {Promise<unknown>} */
  #receiveQueue = Promise.resolve();
  /** @type {Uint8Array[]} */
  #pieces = [];
  #received = 0;
  /** @type {{ head: Uint8Array, size: number } | null} while discarding a message over the limit */
  #oversized = null;

  /**
   * @param {object} options
   * @param {import('./noise.js').CipherState} options.send cipher for our messages
   * @param {import('./noise.js').CipherState} options.receive cipher for the peer's messages
   * @param {(envelope: SecureEnvelope) => void} options.post hands one envelope to the transport
   * @param {number} [options.maxMessageBytes] largest reassembled message accepted
   */
  constructor({ send, receive, post, maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES }) {
    this.#send = send;
    this.#receive = receive;
    this.#post = post;
    this.#maxMessageBytes = maxMessageBytes;
  }

  /**
   * Encrypts and posts one message (bytes). Resolves once every piece has been posted.
   * @param {Uint8Array} plaintext
   * @returns {Promise<void>}
   */
  send(plaintext) {
    const task = this.#sendQueue.then(async () => {
      const pieces = fragment(plaintext);
      for (let i = 0; i < pieces.length; i++) {
        const ciphertext = await this.#send.encryptWithAd(EMPTY, pieces[i]);
        /** @type {SecureEnvelope} */
        const envelope = { type: 'secure', data: toBase64(ciphertext) };
        if (i < pieces.length - 1) envelope.more = true;
        this.#post(envelope);
      }
    });
    // A failed send must not wedge the queue for later messages.
    this.#sendQueue = task.catch(() => {});
    return task;
  }

  /**
   * Decrypts one `secure` envelope. Resolves to
   *   null                                   more pieces are expected,
   *   { bytes }                              a complete message,
   *   { tooLarge: true, head, size }         a complete message over the limit (its first
   *                                          piece kept in `head` so a request id can be found).
   * Rejects with NoiseDecryptError (tampered, replayed, reordered) or NoiseError (malformed).
   * @param {{ data: string, more?: boolean }} envelope
   * @returns {Promise<Received>}
   */
  receive(envelope) {
    const task = this.#receiveQueue.then(() => this.#receiveOne(envelope));
    this.#receiveQueue = task.catch(() => {});
    return task;
  }

  /**
   * @param {{ data: string, more?: boolean }} envelope
   * @returns {Promise<Received>}
   */
  async #receiveOne(envelope) {
    let ciphertext;
    try {
      ciphertext = fromBase64(envelope.data);
    } catch {
      throw new NoiseError('secure.data is not base64');
    }
    if (ciphertext.length > MAX_MESSAGE_LENGTH) throw new NoiseError('Noise message exceeds 65,535 bytes');
    const piece = await this.#receive.decryptWithAd(EMPTY, ciphertext);
    const more = envelope.more === true;

    if (this.#oversized) {
      this.#oversized.size += piece.length;
    } else if (this.#received + piece.length > this.#maxMessageBytes) {
      // Keep decrypting (nonces must stay in step) but stop buffering.
      const head = this.#pieces[0] ?? piece;
      this.#oversized = { head, size: this.#received + piece.length };
      this.#pieces = [];
      this.#received = 0;
    } else {
      this.#pieces.push(piece);
      this.#received += piece.length;
    }
    if (more) return null;

    if (this.#oversized) {
      const { head, size } = this.#oversized;
      this.#oversized = null;
      return { tooLarge: true, head, size };
    }
    const pieces = this.#pieces;
    this.#pieces = [];
    this.#received = 0;
    if (pieces.length === 1) return { bytes: pieces[0] };
    const bytes = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of pieces) {
      bytes.set(p, offset);
      offset += p.length;
    }
    return { bytes };
  }
}
