// The client's protocol constants against the protocol's one machine-readable vocabulary
// (protocol/src/main/resources/dev/bridgekeeper/protocol/vocabulary.json, which the Java build
// generates its constants from): a drift between the two fails `npm test`. When this fails,
// change the constant here or, if the protocol changed, vocabulary.json and docs/PROTOCOL.md.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as protocol from '../src/protocol.js';
import { MAX_MESSAGE_LENGTH, MAX_PLAINTEXT_LENGTH } from '../src/noise.js';

const vocabulary = JSON.parse(readFileSync(
  new URL('../../protocol/src/main/resources/dev/bridgekeeper/protocol/vocabulary.json', import.meta.url), 'utf8'));
const limits = vocabulary.limits;
const sorted = (values) => [...values].sort();

test('protocol version, Noise name and prologue prefix are the vocabulary\'s', () => {
  assert.equal(protocol.PROTOCOL_VERSION, vocabulary.protocolVersion);
  assert.equal(protocol.NOISE_PROTOCOL_NAME, vocabulary.noise.protocolName);
  assert.equal(protocol.PROLOGUE_PREFIX, vocabulary.noise.prologuePrefix);
  assert.equal(protocol.PAIRING_COMMIT_LABEL, vocabulary.pairing.commitLabel);
  assert.equal(protocol.PAIRING_CODE_LABEL, vocabulary.pairing.codeLabel);
});

test('limits are the vocabulary\'s', () => {
  assert.equal(protocol.MAX_HOST_FRAME_BYTES, limits.maxFrameToBrowserBytes);
  assert.equal(protocol.DEFAULT_MAX_MESSAGE_BYTES, limits.maxMessageBytes);
  assert.equal(protocol.HANDSHAKE_TIMEOUT_MS, limits.handshakeTimeoutSeconds * 1000);
  assert.equal(protocol.PAIRING_APPROVAL_TIMEOUT_MS, limits.pairingApprovalSeconds * 1000);
  assert.equal(protocol.PAIRING_NONCE_LENGTH, limits.pairingNonceBytes);
  assert.equal(MAX_MESSAGE_LENGTH, limits.maxNoiseMessageBytes);
  assert.equal(MAX_PLAINTEXT_LENGTH, limits.maxFragmentPlaintextBytes);
});

test('envelope types, status states and envelope error codes are the vocabulary\'s', () => {
  for (const type of protocol.ENVELOPE_TYPES) {
    assert.ok(Object.hasOwn(vocabulary.envelopeTypes, type), `envelope type ${type}`);
  }
  assert.deepEqual(sorted(protocol.STATUS_STATES), sorted(Object.keys(vocabulary.statusStates)));
  assert.deepEqual(sorted(protocol.ENVELOPE_ERROR_CODES), sorted(Object.keys(vocabulary.envelopeErrorCodes)));
});

test('RPC error codes are the vocabulary\'s, name for name and number for number', () => {
  const expected = Object.fromEntries(Object.entries(vocabulary.rpcErrorCodes).map(([name, e]) => [name, e.code]));
  assert.deepEqual({ ...protocol.RPC_ERROR_CODES }, expected);
});

test('topics, reserved topics and desktop events are the vocabulary\'s', () => {
  const { topics } = vocabulary;
  const known = new Set([
    ...Object.keys(topics.rpc), ...Object.keys(topics.pairing), ...Object.keys(topics.session), ...Object.keys(topics.events),
  ]);
  for (const topic of Object.values(protocol.TOPICS)) assert.ok(known.has(topic), `topic ${topic}`);
  for (const topic of [...Object.keys(topics.rpc), ...Object.keys(topics.pairing), ...Object.keys(topics.session)]) {
    assert.ok(Object.values(protocol.TOPICS).includes(topic), `TOPICS lacks ${topic}`);
  }
  assert.deepEqual(sorted(protocol.RESERVED_TOPICS), sorted(topics.reservedExact));
  assert.deepEqual(sorted(protocol.RESERVED_TOPIC_PREFIXES), sorted(topics.reservedPrefixes));
  for (const event of protocol.DESKTOP_EVENTS) assert.ok(known.has(event), `desktop event ${event}`);
});

test('channels and biometric statuses are the vocabulary\'s', () => {
  const versions = Object.fromEntries(Object.entries(vocabulary.channels).map(([name, c]) => [name, c.version]));
  assert.deepEqual({ ...protocol.CHANNEL_VERSIONS }, versions);
  assert.ok(Object.hasOwn(vocabulary.channels.ipc.methods, protocol.DISCOVER_METHOD));
  assert.deepEqual(sorted(protocol.BIOMETRIC_STATUSES), sorted(vocabulary.biometricStatus));
});
