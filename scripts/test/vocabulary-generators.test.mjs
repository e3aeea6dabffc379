// The Java and the JavaScript vocabulary generators read the same vocabulary.json: a limit
// changed there changes in both outputs. Runs the real Java generator with the JDK's source
// launcher (as the Maven build does) and the JavaScript one, on a copy with one limit changed.
// Run: node --test scripts/test/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generate, constantName } from '../generate-vocabulary-js.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const vocabularyPath = join(root, 'protocol/src/main/resources/dev/bridgekeeper/protocol/vocabulary.json');
const javaGenerator = join(root, 'protocol/src/build/java/GenerateVocabulary.java');
const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';

function runBoth(vocabulary, dir) {
  mkdirSync(dir, { recursive: true });
  const input = join(dir, 'vocabulary.json');
  writeFileSync(input, JSON.stringify(vocabulary, null, 2));
  execFileSync(java, [javaGenerator, input, join(dir, 'java')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const jsPath = join(dir, 'vocabulary.mjs');
  writeFileSync(jsPath, generate(JSON.parse(readFileSync(input, 'utf8'))));
  const javaLimits = readFileSync(join(dir, 'java/dev/bridgekeeper/protocol/Limits.java'), 'utf8');
  return { javaLimits, jsPath };
}

function javaConstant(source, name) {
  const match = new RegExp(`public static final (?:int|long) ${name} = (-?\\d+)L?;`).exec(source);
  assert.ok(match, `${name} in the generated Limits.java`);
  return Number(match[1]);
}

test('one limit changed in vocabulary.json changes in the Java and the JavaScript output alike', async () => {
  const original = JSON.parse(readFileSync(vocabularyPath, 'utf8'));
  const changed = structuredClone(original);
  changed.limits.maxRpcIdChars = original.limits.maxRpcIdChars + 1;
  const dir = mkdtempSync(join(tmpdir(), 'bk-vocabulary-'));
  try {
    const before = runBoth(original, join(dir, 'before'));
    const after = runBoth(changed, join(dir, 'after'));
    const jsBefore = await import(pathToFileURL(before.jsPath).href);
    const jsAfter = await import(pathToFileURL(after.jsPath).href);

    assert.equal(javaConstant(before.javaLimits, 'MAX_RPC_ID_CHARS'), original.limits.maxRpcIdChars);
    assert.equal(jsBefore.LIMITS.maxRpcIdChars, original.limits.maxRpcIdChars);
    assert.equal(javaConstant(after.javaLimits, 'MAX_RPC_ID_CHARS'), changed.limits.maxRpcIdChars);
    assert.equal(jsAfter.LIMITS.maxRpcIdChars, changed.limits.maxRpcIdChars);

    // Every other limit is the same in both languages and unchanged.
    for (const [key, value] of Object.entries(changed.limits)) {
      assert.equal(javaConstant(after.javaLimits, constantName(key)), value, `Java ${key}`);
      assert.equal(jsAfter.LIMITS[key], value, `JavaScript ${key}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the JavaScript module carries the vocabulary: codes, topics, limits', async () => {
  const vocabulary = JSON.parse(readFileSync(vocabularyPath, 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'bk-vocabulary-'));
  try {
    const path = join(dir, 'vocabulary.mjs');
    writeFileSync(path, generate(vocabulary));
    const m = await import(pathToFileURL(path).href);
    assert.equal(m.PROTOCOL_VERSION, 1);
    assert.equal(m.LIMITS.maxRpcIdChars, 128);
    assert.equal(m.LIMITS.jsonMaxNestingDepth, 64);
    assert.equal(m.ENVELOPE_ERROR_CODES.HANDSHAKE_FAILED, 'handshake_failed');
    assert.equal(m.RPC_ERROR_CODES.TOO_LARGE, -32008);
    assert.equal(m.TOPICS.PAIRING_COMMIT, 'pairing.commit');
    assert.deepEqual(Object.keys(m.ENVELOPE_ERROR_CODES).length, Object.keys(vocabulary.envelopeErrorCodes).length);
    assert.ok(Object.isFrozen(m.LIMITS));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a vocabulary without a limits section is refused, not half-generated', () => {
  assert.throws(() => generate({ protocolVersion: 1 }), /no 'limits'/);
  assert.throws(() => generate({ limits: { maxFrameBytes: 1.5 } }), /not an integer/);
});

test('--check passes for a current generated module and fails with the fix once the vocabulary changed', () => {
  const script = join(root, 'scripts/generate-vocabulary-js.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'bk-vocabulary-'));
  try {
    const vocabulary = JSON.parse(readFileSync(vocabularyPath, 'utf8'));
    const input = join(dir, 'vocabulary.json');
    const generated = join(dir, 'vocabulary.js');
    writeFileSync(input, JSON.stringify(vocabulary));
    execFileSync(process.execPath, [script, input, generated]);
    execFileSync(process.execPath, [script, '--check', input, generated]);

    vocabulary.limits.maxTopicChars += 1;
    writeFileSync(input, JSON.stringify(vocabulary));
    const run = spawnSync(process.execPath, [script, '--check', input, generated], { encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /differs from .*regenerate it/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
