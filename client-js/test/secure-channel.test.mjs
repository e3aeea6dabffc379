// Fragmentation and reassembly of secure messages (docs/PROTOCOL.md section 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CipherState, NoiseDecryptError } from '../src/noise.js';
import { SecureChannel, fragment } from '../src/secure-channel.js';
import { fromBase64, randomBytes } from '../src/bytes.js';

const PIECE = 65519;

/** Two channels whose ciphers share keys, like the two ends of one session. */
async function pair({ maxMessageBytes } = {}) {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const cipher = async (key) => {
    const c = new CipherState();
    await c.initializeKey(key);
    return c;
  };
  const wire = { aToB: [], bToA: [] };
  const a = new SecureChannel({ send: await cipher(k1), receive: await cipher(k2), post: (e) => wire.aToB.push(e) });
  const b = new SecureChannel({ send: await cipher(k2), receive: await cipher(k1), post: (e) => wire.bToA.push(e), maxMessageBytes });
  return { a, b, wire };
}

function patterned(length) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
}

async function deliverAll(channel, envelopes) {
  const results = [];
  for (const envelope of envelopes) results.push(await channel.receive(envelope));
  return results;
}

for (const [length, pieces] of [[0, 1], [1, 1], [PIECE - 1, 1], [PIECE, 1], [PIECE + 1, 2], [2 * PIECE, 2], [2 * PIECE + 1, 3]]) {
  test(`a ${length}-byte message travels as ${pieces} piece(s)`, async () => {
    const { a, b, wire } = await pair();
    const message = patterned(length);
    await a.send(message);
    assert.equal(wire.aToB.length, pieces);
    wire.aToB.forEach((envelope, i) => {
      assert.equal(envelope.type, 'secure');
      assert.equal(envelope.more, i < pieces - 1 ? true : undefined, `more flag of piece ${i}`);
      const ciphertextLength = fromBase64(envelope.data).length;
      assert.ok(ciphertextLength <= 65535, 'each piece is one Noise message');
      const plainLength = i < pieces - 1 ? PIECE : length - PIECE * (pieces - 1);
      assert.equal(ciphertextLength, plainLength + 16);
    });
    const results = await deliverAll(b, wire.aToB);
    results.slice(0, -1).forEach((r) => assert.equal(r, null));
    assert.deepEqual(results.at(-1).bytes, message);
  });
}

test('fragment() cuts at exactly 65,519 bytes', () => {
  const pieces = fragment(new Uint8Array(3 * PIECE + 5));
  assert.deepEqual(pieces.map((p) => p.length), [PIECE, PIECE, PIECE, 5]);
});

test('a multi-MiB message round-trips intact, and the next message still decrypts', async () => {
  const { a, b, wire } = await pair();
  const message = patterned(5 * 1024 * 1024 + 123);
  await a.send(message);
  assert.equal(wire.aToB.length, Math.ceil(message.length / PIECE));
  const results = await deliverAll(b, wire.aToB.splice(0));
  assert.deepEqual(results.at(-1).bytes, message);
  await a.send(new Uint8Array([1, 2, 3]));
  assert.deepEqual((await b.receive(wire.aToB[0])).bytes, new Uint8Array([1, 2, 3]));
});

test('concurrent sends never interleave their pieces', async () => {
  const { a, b, wire } = await pair();
  const first = patterned(PIECE * 2 + 10);
  const second = new Uint8Array(PIECE + 1).fill(9);
  await Promise.all([a.send(first), a.send(second)]);
  const results = (await deliverAll(b, wire.aToB)).filter(Boolean);
  assert.deepEqual(results[0].bytes, first);
  assert.deepEqual(results[1].bytes, second);
});

test('a tampered piece fails with NoiseDecryptError; the intact one still decrypts after it', async () => {
  const { a, b, wire } = await pair();
  await a.send(patterned(100));
  const good = wire.aToB[0];
  const bytes = fromBase64(good.data);
  bytes[5] ^= 0x80;
  const tampered = { type: 'secure', data: Buffer.from(bytes).toString('base64') };
  await assert.rejects(b.receive(tampered), NoiseDecryptError);
  // The failed attempt did not consume the nonce.
  assert.deepEqual((await b.receive(good)).bytes, patterned(100));
});

test('replayed and reordered frames fail to decrypt', async () => {
  const { a, b, wire } = await pair();
  await a.send(patterned(10));
  await a.send(patterned(20));
  const [first, second] = wire.aToB;
  await assert.rejects(b.receive(second), NoiseDecryptError, 'reordered');
  await b.receive(first);
  await assert.rejects(b.receive(first), NoiseDecryptError, 'replayed');
});

test('a message over the receiver limit is reported with its first piece, and the stream stays in step', async () => {
  const { a, b, wire } = await pair({ maxMessageBytes: PIECE + 100 });
  const big = patterned(PIECE * 3);
  await a.send(big);
  const results = await deliverAll(b, wire.aToB.splice(0));
  const last = results.at(-1);
  assert.equal(last.tooLarge, true);
  assert.equal(last.size, big.length);
  assert.deepEqual(last.head, big.subarray(0, PIECE));
  await a.send(patterned(PIECE + 100));
  const ok = (await deliverAll(b, wire.aToB)).at(-1);
  assert.deepEqual(ok.bytes, patterned(PIECE + 100), 'exactly at the limit is accepted');
});

test('malformed secure frames are refused before decryption', async () => {
  const { b } = await pair();
  await assert.rejects(b.receive({ type: 'secure', data: 'not base64!' }), /not base64/);
  const oversized = Buffer.alloc(65536).toString('base64');
  await assert.rejects(b.receive({ type: 'secure', data: oversized }), /exceeds 65,535/);
});
