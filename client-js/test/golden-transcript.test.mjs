// Replays the golden transcript the Java side produced (test/golden/*.json, written and checked
// by host/src/test/java/dev/bridgekeeper/golden/GoldenTranscriptTest.java) against the
// JavaScript client. With the same static key, ephemeral and pairing nonce injected, the client
// must send exactly the extension frames the Java initiator sent, and accept every desktop frame
// the Java responder sent: same pairing code, same RPC results, same events.
//
// How frames are compared, and why:
// - Envelopes are compared as parsed objects, not as JSON text. The browser, not this library,
//   serializes what postMessage is given (Chromium re-serializes with its own key order), so
//   the key order of an envelope is not something either side controls or the protocol defines.
// - The Noise bytes inside (`data` of handshake and secure envelopes) must be identical. They are
//   deterministic given the keys, the nonce counter and the plaintext.
// - Each secure frame's plaintext is first compared as JSON (what docs/PROTOCOL.md defines: topic and
//   payload), then as bytes. Today the two encoders agree byte for byte: both write compact JSON
//   with keys in the order {topic, payload} and {id, method, params}, and both number RPC ids
//   "1", "2", ... per connection. Identical plaintext under the same key and nonce must give
//   identical ciphertext, so that is asserted too. If an encoder ever changes its key order, the
//   JSON check still says whether the meaning is intact; the byte check then names the frame.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { fromBase64, fromHex, fromUtf8, toHex, utf8 } from '../src/bytes.js';
import { BridgekeeperClient } from '../src/client.js';
import { RpcError } from '../src/errors.js';
import { MemoryKeyStore } from '../src/keystore.js';
import { HandshakeState, importPrivateKey } from '../src/noise.js';
import { isReservedTopic, prologue } from '../src/wire.js';
import { FakePort } from './support/fake-port.mjs';
import { eventually, waitFor } from './support/helpers.mjs';

const golden = JSON.parse(readFileSync(new URL('./golden/chromium-first-contact.json', import.meta.url), 'utf8'));
const EMPTY = new Uint8Array(0);

/**
 * The transcript's frames grouped into messages: consecutive secure frames from one side, up to
 * the one without `more`, form one IPC message (docs/PROTOCOL.md section 4).
 */
function messagesOf(frames) {
  const open = { extension: null, desktop: null };
  return frames.map((frame, index) => {
    const envelope = JSON.parse(frame.frame);
    const entry = { ...frame, index, envelope, message: null };
    if (envelope.type === 'secure') {
      const message = open[frame.from] ?? { pieces: [], text: '' };
      message.pieces.push(entry);
      message.text += frame.plaintext;
      entry.message = message;
      open[frame.from] = envelope.more ? message : null;
    }
    return entry;
  });
}

/** The desktop's twin, holding its keys, to read what the JavaScript client sends. */
async function desktopObserver() {
  return HandshakeState.initialize({
    protocolName: golden.protocolName,
    initiator: false,
    prologue: prologue(golden.callerId),
    s: await importPrivateKey(fromHex(golden.desktop.staticPrivateKey)),
    e: await importPrivateKey(fromHex(golden.desktop.ephemeralPrivateKey)),
  });
}

/** A client with everything random taken from the transcript, on a fake native port. */
async function goldenClient() {
  const port = new FakePort();
  const ext = golden.extension;
  const keyStore = new MemoryKeyStore({ staticKeyPair: await importPrivateKey(fromHex(ext.staticPrivateKey)) });
  const ephemeral = await importPrivateKey(fromHex(ext.ephemeralPrivateKey));
  const nonce = fromHex(ext.pairingNonce);
  const used = { ephemerals: 0, nonces: 0 };
  const client = new BridgekeeperClient({
    connect: () => port,
    callerId: golden.callerId,
    name: ext.name,
    version: ext.version,
    keyStore,
    ephemeralFactory: async () => {
      used.ephemerals += 1;
      return ephemeral;
    },
    random: (length) => {
      used.nonces += 1;
      assert.equal(length, nonce.length, 'the client asks for a 32-byte pairing nonce');
      return nonce.slice();
    },
  });
  return { port, client, keyStore, used };
}

/**
 * Makes the client send the message a recorded extension frame starts: a call for an
 * rpc.request, a publish for an event. Frames the client sends by itself (handshake steps,
 * pairing.nonce) need no prompt.
 */
async function prompt(client, entry, calls) {
  if (entry.envelope.type !== 'secure' || entry.message.pieces[0] !== entry) return;
  const { topic, payload } = JSON.parse(entry.message.text);
  if (isReservedTopic(topic) && topic !== 'rpc.request') return;
  await waitFor(client, (s) => s.state === 'ready', 'session.ready');
  if (topic === 'rpc.request') {
    const call = client.call(payload.method, payload.params);
    calls.set(payload.id, call.then((result) => ({ result }), (error) => ({ error })));
  } else {
    client.publish(topic, payload);
  }
}

test('the golden transcript is the session this test expects', () => {
  const kinds = golden.frames.map((f) => `${f.from}: ${f.what}`);
  assert.deepEqual(kinds.slice(0, 8), [
    'extension: handshake step 1', 'desktop: handshake step 2', 'extension: handshake step 3',
    'desktop: pairing.commit', 'extension: pairing.nonce', 'desktop: pairing.reveal',
    'desktop: pairing.complete', 'desktop: session.ready',
  ]);
  assert.ok(golden.frames.filter((f) => JSON.parse(f.frame).more === true).length >= 2, 'a message in each direction is fragmented');
});

test('the JavaScript client replays the Java golden transcript byte for byte', async () => {
  const { port, client, keyStore, used } = await goldenClient();
  const codes = [];
  const events = [];
  client.on('pairing-code', (code) => codes.push(code));
  client.on('*', (event) => events.push(event));
  const observer = await desktopObserver();
  let fromClient = null; // the observer's cipher for what the client sends, after step 3
  const calls = new Map();

  client.start();
  // The host's word that the desktop accepted its hello. The host relay writes it, not the
  // desktop, so it is not in the transcript of the two ends.
  port.deliver({ type: 'status', state: 'connected', desktop: { name: golden.desktop.name, version: golden.desktop.version } });

  let sent = 0;
  let clientMessage = ''; // the client's current message, piece by piece
  for (const entry of messagesOf(golden.frames)) {
    const where = `frame ${entry.index} (${entry.from}: ${entry.what})`;
    if (entry.from === 'desktop') {
      if (entry.envelope.type === 'handshake') {
        // The observer writes the desktop's step 2 with the desktop's keys: JavaScript's Noise
        // must give the bytes Java's gave.
        const payload = utf8(entry.payload);
        assert.equal(toHex(await observer.writeMessage(payload)), toHex(fromBase64(entry.envelope.data)), where);
      }
      port.deliver(entry.envelope);
      continue;
    }

    await prompt(client, entry, calls);
    const index = sent++;
    await eventually(() => port.sent.length > index, `the client to send ${where}`);
    const mine = port.sent[index];

    if (entry.envelope.type === 'handshake') {
      assert.equal(mine.type, 'handshake', where);
      assert.equal(mine.step, entry.envelope.step, where);
      const payload = await observer.readMessage(fromBase64(mine.data));
      assert.equal(fromUtf8(payload), entry.payload, `${where}: handshake payload`);
      if (mine.step === 3) {
        fromClient = observer.split().receive;
        assert.equal(toHex(observer.getHandshakeHash()), golden.handshakeHash, 'same handshake hash');
      }
    } else {
      const plaintext = fromUtf8(await fromClient.decryptWithAd(EMPTY, fromBase64(mine.data)));
      clientMessage += plaintext;
      if (!mine.more) {
        assert.deepEqual(JSON.parse(clientMessage), JSON.parse(entry.message.text), `${where}: same message`);
        clientMessage = '';
      }
      assert.equal(plaintext, entry.plaintext, `${where}: same plaintext bytes`);
    }
    // Same envelope fields, and the Noise bytes in `data` identical.
    assert.deepEqual(mine, entry.envelope, `${where}: same envelope and Noise bytes`);
  }

  // Everything the desktop sent was accepted: the code, the pin, the answers, the event.
  const results = Object.fromEntries(await Promise.all([...calls].map(async ([id, outcome]) => [id, await outcome])));
  assert.equal(port.sent.length, sent, 'the client sent nothing beyond the transcript');
  assert.equal(client.snapshot().state, 'ready');
  assert.equal(client.snapshot().error, null);
  assert.deepEqual(codes.map((c) => c.display), [golden.pairingCode], 'the pairing code the Java desktop showed');
  assert.equal(toHex(await keyStore.getPinnedDesktopKey()), golden.desktop.staticPublicKey, 'the desktop key is pinned');
  assert.deepEqual(client.snapshot().desktop, { name: golden.desktop.name, version: golden.desktop.version });
  assert.deepEqual(events, [{ topic: 'desktop.locked', payload: {} }]);
  assert.deepEqual(results['1'], { result: { text: 'hello' } });
  assert.ok(results['2'].error instanceof RpcError, String(results['2'].error));
  assert.equal(results['2'].error.code, 'method_not_found');
  const large = JSON.parse(golden.frames.filter((f) => f.from === 'extension').slice(-2).map((f) => f.plaintext).join(''));
  assert.deepEqual(results['3'], { result: large.payload.params }, 'the large echo came back whole');
  assert.deepEqual(used, { ephemerals: 1, nonces: 1 });
  client.close();
});

test('a desktop frame altered by one bit is refused (the replay is not accepting blindly)', async () => {
  const { port, client } = await goldenClient();
  const codes = [];
  client.on('pairing-code', (code) => codes.push(code));
  client.start();
  port.deliver({ type: 'status', state: 'connected' });
  let sent = 0;
  for (const entry of messagesOf(golden.frames)) {
    if (entry.from === 'extension') {
      const index = sent++;
      await eventually(() => port.sent.length > index, `frame ${entry.index}`);
      continue;
    }
    if (entry.what === 'pairing.reveal') {
      const data = fromBase64(entry.envelope.data);
      data[5] ^= 1;
      port.deliver({ ...entry.envelope, data: Buffer.from(data).toString('base64') });
      break;
    }
    port.deliver(entry.envelope);
  }
  await eventually(() => port.sent.some((m) => m.type === 'error'), 'the client to refuse the frame');
  assert.deepEqual(port.sent.find((m) => m.type === 'error').code, 'decrypt_failed');
  assert.deepEqual(codes, [], 'no code shown from a tampered reveal');
  client.close();
});
