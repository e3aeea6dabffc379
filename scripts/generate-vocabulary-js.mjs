#!/usr/bin/env node
// Writes the JavaScript form of the protocol's wire vocabulary (vocabulary.json, the one
// machine-readable source next to docs/PROTOCOL.md) as an ES module: the limits, the envelope and
// RPC error codes, the topics and the protocol version. The Java form comes from the same file
// (protocol/src/build/java/GenerateVocabulary.java), so a limit changed there changes for both.
//
// Usage: node scripts/generate-vocabulary-js.mjs [vocabulary.json] [output.js]
//        node scripts/generate-vocabulary-js.mjs --check [vocabulary.json] <generated.js>
// Without an output path the module is written to stdout. --check compares a checked-in generated
// module with what the vocabulary gives now and exits 1 when they differ (drift), naming the fix.
// Exits 1 when the vocabulary lacks a section.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const defaultVocabulary = resolve(root, 'protocol/src/main/resources/dev/bridgekeeper/protocol/vocabulary.json');

/** maxRpcIdChars -> MAX_RPC_ID_CHARS, pairing.commit -> PAIRING_COMMIT, not_paired -> NOT_PAIRED. */
export function constantName(key) {
  const name = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]/g, '_').toUpperCase();
  if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`'${key}' does not make a constant name`);
  return name;
}

function section(vocabulary, path) {
  let value = vocabulary;
  for (const part of path.split('.')) {
    value = value?.[part];
  }
  if (value === undefined) throw new Error(`vocabulary.json has no '${path}'`);
  return value;
}

/** The module's source text for a parsed vocabulary. */
export function generate(vocabulary) {
  const limits = section(vocabulary, 'limits');
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value)) throw new Error(`limit ${key} is not an integer`);
  }
  const envelopeErrorCodes = Object.fromEntries(
    Object.keys(section(vocabulary, 'envelopeErrorCodes')).map((code) => [constantName(code), code]));
  const rpcErrorCodes = Object.fromEntries(
    Object.entries(section(vocabulary, 'rpcErrorCodes')).map(([name, entry]) => [constantName(name), entry.code]));
  const topics = {};
  for (const group of ['rpc', 'pairing', 'session', 'events']) {
    for (const topic of Object.keys(section(vocabulary, `topics.${group}`))) topics[constantName(topic)] = topic;
  }
  const frozen = (value) => `Object.freeze(${JSON.stringify(value, null, 2)})`;
  return [
    '// Generated from vocabulary.json by scripts/generate-vocabulary-js.mjs.',
    '// Do not edit: change vocabulary.json (and docs/PROTOCOL.md) instead.',
    '',
    `export const PROTOCOL_VERSION = ${JSON.stringify(section(vocabulary, 'protocolVersion'))};`,
    `export const SPEC_REVISION = ${JSON.stringify(section(vocabulary, 'specRevision'))};`,
    `export const NOISE_PROTOCOL_NAME = ${JSON.stringify(section(vocabulary, 'noise.protocolName'))};`,
    `export const PROLOGUE_PREFIX = ${JSON.stringify(section(vocabulary, 'noise.prologuePrefix'))};`,
    '',
    '/** Every limit of docs/PROTOCOL.md §8, by its key in vocabulary.json. */',
    `export const LIMITS = ${frozen(limits)};`,
    '',
    '/** The codes of the error envelope (§2.4); an unknown received code reads as INTERNAL. */',
    `export const ENVELOPE_ERROR_CODES = ${frozen(envelopeErrorCodes)};`,
    '',
    '/** The RPC error codes (§6.6), by name. */',
    `export const RPC_ERROR_CODES = ${frozen(rpcErrorCodes)};`,
    '',
    '/** The topics of §6.2 and §6.9. */',
    `export const TOPICS = ${frozen(topics)};`,
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv[2] === '--check';
  const args = process.argv.slice(check ? 3 : 2);
  const input = check && args.length === 1 ? defaultVocabulary : (args[0] ?? defaultVocabulary);
  const output = check && args.length === 1 ? args[0] : args[1];
  if (check && !output) {
    console.error('generate-vocabulary-js: --check needs the generated module to compare');
    process.exit(2);
  }
  try {
    const source = generate(JSON.parse(readFileSync(input, 'utf8')));
    if (check) {
      if (readFileSync(output, 'utf8') !== source) {
        console.error(`generate-vocabulary-js: ${output} differs from ${input}; regenerate it: `
          + `node scripts/generate-vocabulary-js.mjs ${input} ${output}`);
        process.exit(1);
      }
      console.log(`generate-vocabulary-js: ${output} matches ${input}`);
    } else if (output) {
      writeFileSync(output, source);
    } else {
      process.stdout.write(source);
    }
  } catch (error) {
    console.error(`generate-vocabulary-js: ${error.message}`);
    process.exit(1);
  }
}
