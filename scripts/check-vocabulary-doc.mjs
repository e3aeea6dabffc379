#!/usr/bin/env node
// Checks that the limits table of docs/PROTOCOL.md (section "8. Limits") and the "limits" object of
// vocabulary.json hold the same keys with the same values. Exits 0 when they agree, 1 on any
// mismatch (each one is printed), 2 when a file cannot be read or the table is not found.
//
// Table rows look like: | `maxFrameBytes` | 1048576 | bytes | meaning | 1.2 |
// The first cell is the key in backticks, the second a plain integer.
//
// Usage: node scripts/check-vocabulary-doc.mjs [PROTOCOL.md] [vocabulary.json]

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const docPath = process.argv[2] ?? resolve(root, 'docs/PROTOCOL.md');
const vocabPath = process.argv[3]
  ?? resolve(root, 'protocol/src/main/resources/dev/bridgekeeper/protocol/vocabulary.json');

function fail(code, message) {
  console.error(`check-vocabulary-doc: ${message}`);
  process.exit(code);
}

let doc;
let vocabulary;
try {
  doc = readFileSync(docPath, 'utf8');
  vocabulary = JSON.parse(readFileSync(vocabPath, 'utf8'));
} catch (error) {
  fail(2, error.message);
}
if (vocabulary === null || typeof vocabulary.limits !== 'object' || Array.isArray(vocabulary.limits)) {
  fail(2, `${vocabPath} has no "limits" object`);
}

// The lines of the section whose heading is "## 8. Limits", up to the next "## " heading.
const lines = doc.split(/\r?\n/);
const start = lines.findIndex((line) => /^##\s+8\.\s+Limits\b/.test(line));
if (start < 0) fail(2, `${docPath} has no "## 8. Limits" section`);
let end = lines.findIndex((line, i) => i > start && /^##\s/.test(line));
if (end < 0) end = lines.length;

const problems = [];
const table = new Map();
for (const [offset, line] of lines.slice(start + 1, end).entries()) {
  if (!line.startsWith('|')) continue;
  const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
  const key = /^`([A-Za-z][A-Za-z0-9]*)`$/.exec(cells[0] ?? '');
  if (!key) continue; // header and separator rows
  const where = `${docPath}:${start + 2 + offset}`;
  if (!/^-?\d+$/.test(cells[1] ?? '')) {
    problems.push(`${where}: value of ${key[1]} is not a plain integer: '${cells[1]}'`);
    continue;
  }
  if (table.has(key[1])) problems.push(`${where}: ${key[1]} appears twice in the table`);
  table.set(key[1], Number(cells[1]));
}
if (table.size === 0) fail(2, `no limit rows found in section 8 of ${docPath}`);

for (const [key, value] of table) {
  if (!Object.hasOwn(vocabulary.limits, key)) {
    problems.push(`${key} is in the table but not in vocabulary.json`);
  } else if (vocabulary.limits[key] !== value) {
    problems.push(`${key}: the table says ${value}, vocabulary.json says ${JSON.stringify(vocabulary.limits[key])}`);
  }
}
for (const key of Object.keys(vocabulary.limits)) {
  if (!table.has(key)) problems.push(`${key} is in vocabulary.json but not in the table`);
}

if (problems.length > 0) {
  for (const p of problems) console.error(`check-vocabulary-doc: ${p}`);
  process.exit(1);
}
console.log(`check-vocabulary-doc: ${table.size} limits agree`);
