// Runs every vector of the shared Noise test-vector file through HandshakeState and the
// transport CipherStates, both as initiator and as responder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { HandshakeState, importPrivateKey, parseProtocolName } from '../src/noise.js';
import { fromHex, toHex } from '../src/bytes.js';

const file = JSON.parse(readFileSync(new URL('./vectors/noise-25519-aesgcm-sha256.json', import.meta.url), 'utf8'));

const key = (hex) => (hex ? importPrivateKey(fromHex(hex)) : null);

async function side(vector, prefix, initiator) {
  return HandshakeState.initialize({
    protocolName: vector.protocol_name,
    initiator,
    prologue: fromHex(vector[`${prefix}_prologue`] ?? ''),
    s: await key(vector[`${prefix}_static`]),
    e: await key(vector[`${prefix}_ephemeral`]),
    rs: vector[`${prefix}_remote_static`] ? fromHex(vector[`${prefix}_remote_static`]) : null,
    psks: (vector[`${prefix}_psks`] ?? []).map(fromHex),
    ephemeralFactory: () => { throw new Error('vector must not need a fresh ephemeral'); },
  });
}

test('the vector file has 59 vectors, all of them supported', () => {
  assert.equal(file.vectors.length, 59);
  for (const vector of file.vectors) assert.doesNotThrow(() => parseProtocolName(vector.protocol_name));
});

for (const vector of file.vectors) {
  test(vector.protocol_name, async () => {
    const initiator = await side(vector, 'init', true);
    const responder = await side(vector, 'resp', false);
    // One-way patterns (N, K, X) have a single handshake message.
    const oneWay = parseProtocolName(vector.protocol_name).messages.length === 1;
    let transport = null;
    for (const [i, message] of vector.messages.entries()) {
      const payload = fromHex(message.payload);
      if (!transport) {
        const [writer, reader] = i % 2 === 0 ? [initiator, responder] : [responder, initiator];
        const ciphertext = await writer.writeMessage(payload);
        assert.equal(toHex(ciphertext), message.ciphertext, `handshake message ${i}`);
        assert.equal(toHex(await reader.readMessage(ciphertext)), message.payload, `payload ${i}`);
        if (initiator.isComplete) {
          assert.ok(responder.isComplete);
          assert.equal(toHex(initiator.getHandshakeHash()), vector.handshake_hash);
          assert.equal(toHex(responder.getHandshakeHash()), vector.handshake_hash);
          transport = { i: initiator.split(), r: responder.split() };
        }
      } else {
        // One-way patterns send every transport message initiator -> responder.
        const fromInitiator = oneWay || i % 2 === 0;
        const [send, receive] = fromInitiator ? [transport.i.send, transport.r.receive] : [transport.r.send, transport.i.receive];
        const ciphertext = await send.encryptWithAd(new Uint8Array(0), payload);
        assert.equal(toHex(ciphertext), message.ciphertext, `transport message ${i}`);
        assert.equal(toHex(await receive.decryptWithAd(new Uint8Array(0), ciphertext)), message.payload);
      }
    }
    assert.ok(transport, 'handshake completed');
  });
}
