// Noise behaviour the vectors do not cover: failure handling, misuse, key import, and the
// XX handshake as the client uses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CipherState, HandshakeState, NoiseDecryptError, NoiseError, dh, generateKeyPair, importPrivateKey, parseProtocolName,
} from '../src/noise.js';
import { fromHex, toHex, utf8 } from '../src/bytes.js';

const EMPTY = new Uint8Array(0);

test('RFC 7748 section 6.1: imported private keys give the right public keys and shared secret', async () => {
  const alice = await importPrivateKey(fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'));
  const bob = await importPrivateKey(fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'));
  assert.equal(toHex(alice.publicKey), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
  assert.equal(toHex(bob.publicKey), 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
  const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
  assert.equal(toHex(await dh(alice, bob.publicKey)), shared);
  assert.equal(toHex(await dh(bob, alice.publicKey)), shared);
  assert.equal(alice.privateKey.extractable, false);
});

test('generated key pairs keep the private key non-extractable', async () => {
  const pair = await generateKeyPair();
  assert.equal(pair.privateKey.extractable, false);
  assert.equal(pair.publicKey.length, 32);
});

test('a low-order public key makes DH fail instead of yielding zeros', async () => {
  const pair = await generateKeyPair();
  await assert.rejects(dh(pair, new Uint8Array(32)), NoiseError);
});

async function keyed() {
  const key = new Uint8Array(32).fill(5);
  const sender = new CipherState();
  const receiver = new CipherState();
  await sender.initializeKey(key);
  await receiver.initializeKey(key);
  return { sender, receiver };
}

test('a failed decryption throws NoiseDecryptError and does not advance the nonce', async () => {
  const { sender, receiver } = await keyed();
  const ciphertext = await sender.encryptWithAd(EMPTY, utf8('hello'));
  const bad = ciphertext.slice();
  bad[0] ^= 1;
  await assert.rejects(receiver.decryptWithAd(EMPTY, bad), NoiseDecryptError);
  await assert.rejects(receiver.decryptWithAd(EMPTY, new Uint8Array(15)), NoiseDecryptError);
  assert.equal(receiver.nonce, 0n);
  assert.deepEqual(await receiver.decryptWithAd(EMPTY, ciphertext), utf8('hello'));
  assert.equal(receiver.nonce, 1n);
});

test('the nonce is 4 zero bytes then a 64-bit big-endian counter', async () => {
  const key = new Uint8Array(32).fill(5);
  const cipher = new CipherState();
  await cipher.initializeKey(key);
  cipher.setNonce(0x0102030405060708n);
  const ciphertext = await cipher.encryptWithAd(EMPTY, utf8('x'));
  const webKey = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['decrypt']);
  const iv = fromHex('000000000102030405060708');
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: EMPTY }, webKey, ciphertext);
  assert.equal(new TextDecoder().decode(plain), 'x');
});

test('overlapping use of one CipherState is refused rather than racing the nonce', async () => {
  const { sender } = await keyed();
  const first = sender.encryptWithAd(EMPTY, utf8('a'));
  await assert.rejects(sender.encryptWithAd(EMPTY, utf8('b')), /overlapping/);
  await first;
  assert.equal(sender.nonce, 1n);
});

test('the last nonce is reserved', async () => {
  const { sender } = await keyed();
  sender.setNonce((1n << 64n) - 1n);
  await assert.rejects(sender.encryptWithAd(EMPTY, utf8('a')), /exhausted/);
});

test('rekey changes the key and keeps the nonce', async () => {
  const { sender, receiver } = await keyed();
  assert.deepEqual(await receiver.decryptWithAd(EMPTY, await sender.encryptWithAd(EMPTY, utf8('a'))), utf8('a'));
  await sender.rekey();
  assert.equal(sender.nonce, 1n);
  const afterRekey = await sender.encryptWithAd(EMPTY, utf8('b'));
  await assert.rejects(receiver.decryptWithAd(EMPTY, afterRekey), NoiseDecryptError, 'old key no longer works');
  await receiver.rekey();
  assert.deepEqual(await receiver.decryptWithAd(EMPTY, afterRekey), utf8('b'));
});

async function xxPair({ initiatorPrologue = 'p', responderPrologue = 'p' } = {}) {
  const [is, rs] = [await generateKeyPair(), await generateKeyPair()];
  const initiator = await HandshakeState.initialize({ protocolName: 'Noise_XX_25519_AESGCM_SHA256', initiator: true, prologue: utf8(initiatorPrologue), s: is });
  const responder = await HandshakeState.initialize({ protocolName: 'Noise_XX_25519_AESGCM_SHA256', initiator: false, prologue: utf8(responderPrologue), s: rs });
  return { initiator, responder, is, rs };
}

test('XX: both sides learn each other\'s static key, agree on h and get working ciphers', async () => {
  const { initiator, responder, is, rs } = await xxPair();
  await responder.readMessage(await initiator.writeMessage());
  assert.equal(toHex(await initiator.readMessage(await responder.writeMessage(utf8('{"d":1}')))), toHex(utf8('{"d":1}')));
  await responder.readMessage(await initiator.writeMessage(utf8('{"e":1}')));
  assert.ok(initiator.isComplete && responder.isComplete);
  assert.equal(toHex(initiator.remoteStaticPublicKey), toHex(rs.publicKey));
  assert.equal(toHex(responder.remoteStaticPublicKey), toHex(is.publicKey));
  assert.equal(toHex(initiator.getHandshakeHash()), toHex(responder.getHandshakeHash()));
  const a = initiator.split();
  const b = responder.split();
  assert.deepEqual(await b.receive.decryptWithAd(EMPTY, await a.send.encryptWithAd(EMPTY, utf8('up'))), utf8('up'));
  assert.deepEqual(await a.receive.decryptWithAd(EMPTY, await b.send.encryptWithAd(EMPTY, utf8('down'))), utf8('down'));
});

test('XX: different prologues make message 2 fail to decrypt', async () => {
  const { initiator, responder } = await xxPair({ responderPrologue: 'other' });
  await responder.readMessage(await initiator.writeMessage());
  await assert.rejects(initiator.readMessage(await responder.writeMessage()), NoiseDecryptError);
  await assert.rejects(initiator.writeMessage(), /already failed/);
});

test('XX: out-of-turn and truncated messages are refused', async () => {
  const { initiator, responder } = await xxPair();
  await assert.rejects(initiator.readMessage(new Uint8Array(32)), /not our turn/);
  await assert.rejects(responder.writeMessage(), /not our turn/);
  await assert.rejects(responder.readMessage(new Uint8Array(31)), /too short/);
});

test('the interpreter rejects names it cannot run', () => {
  assert.throws(() => parseProtocolName('Noise_XX_448_AESGCM_SHA256'), /unsupported/);
  assert.throws(() => parseProtocolName('Noise_XX_25519_ChaChaPoly_SHA256'), /unsupported/);
  assert.throws(() => parseProtocolName('Noise_ZZ_25519_AESGCM_SHA256'), /unknown handshake pattern/);
  assert.throws(() => parseProtocolName('Noise_XXfallback_25519_AESGCM_SHA256'), /unsupported modifier/);
  assert.throws(() => parseProtocolName('Noise_NNpsk3_25519_AESGCM_SHA256'), /past the last message/);
});
