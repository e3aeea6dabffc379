// Pairing commitment and code (docs/PROTOCOL.md section 5), checked against node:crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { formatPairingCode, pairingCode, pairingCommitment, prologue } from '../src/wire.js';
import { fromHex, toHex } from '../src/bytes.js';

const h = fromHex('6301958d25cd7d1ffe6ad7d0ca2ad284b4e478d9acd9198f7750432d225043d0');
const ne = new Uint8Array(32).fill(0x11);
const nd = new Uint8Array(32).map((_, i) => i);

function nodeCode(hash, extensionNonce, desktopNonce) {
  const digest = createHash('sha256')
    .update('bridgekeeper pairing code').update(hash).update(extensionNonce).update(desktopNonce).digest();
  return String(digest.readUInt32BE(0) % 1000000).padStart(6, '0');
}

test('the pairing code matches an independent node:crypto computation', async () => {
  const code = await pairingCode(h, ne, nd);
  assert.match(code, /^\d{6}$/);
  assert.equal(code, nodeCode(h, ne, nd));
});

test('known answer: h = NN vector hash, Ne = 32 x 0x11, Nd = 0..31 gives 576 052', async () => {
  // SHA-256 prefix b3fb12f4 = 3,019,576,052; mod 1,000,000 = 576,052. Fixed here so the Java
  // side can check the same triple.
  assert.equal(await pairingCode(h, ne, nd), '576052');
  assert.equal(toHex(await pairingCommitment(nd)), 'a97f0b69e86448f868e84b18b7dd70238101b2446bd435527a0476e2dd53f6f6');
});

test('the pairing code keeps leading zeros and changes with every input', async () => {
  // Search a few nonces for a code below 100000 to prove zero padding.
  let found = null;
  for (let i = 0; i < 200 && !found; i++) {
    const nonce = new Uint8Array(32).fill(i);
    const code = await pairingCode(h, nonce, nd);
    assert.equal(code, nodeCode(h, nonce, nd));
    if (code.startsWith('0')) found = code;
  }
  assert.ok(found, 'some code starts with 0');
  assert.equal(found.length, 6);
  const base = await pairingCode(h, ne, nd);
  const otherH = h.slice();
  otherH[0] ^= 1;
  assert.notEqual(await pairingCode(otherH, ne, nd), base);
  assert.notEqual(await pairingCode(h, nd, ne), base, 'order of the nonces matters');
});

test('codes are shown as two groups of three digits', () => {
  assert.equal(formatPairingCode('042917'), '042 917');
  assert.equal(formatPairingCode('000000'), '000 000');
});

test('the commitment is SHA-256 of the label and the desktop nonce', async () => {
  const expected = createHash('sha256').update('bridgekeeper pairing commit').update(nd).digest('hex');
  assert.equal(toHex(await pairingCommitment(nd)), expected);
});

test('the prologue is "bridgekeeper/1 " followed by the caller id', () => {
  assert.equal(Buffer.from(prologue('chrome-extension://abc/')).toString('latin1'), 'bridgekeeper/1 chrome-extension://abc/');
  assert.equal(Buffer.from(prologue('moz-extension:sample@x')).toString('latin1'), 'bridgekeeper/1 moz-extension:sample@x');
  assert.throws(() => prologue(''), TypeError);
});
