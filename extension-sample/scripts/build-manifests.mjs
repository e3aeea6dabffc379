#!/usr/bin/env node
// Builds dist/chromium and dist/firefox, each loadable unpacked: the manifest is
// manifest.base.json with its "$targets.<browser>" section merged in (the "$" keys dropped),
// and the files listed in "$files" are copied beside it. No bundler: the extension ships
// the same ES modules the tests run.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const base = JSON.parse(readFileSync(join(root, 'manifest.base.json'), 'utf8'));
const { $targets: targets, $files: files, ...common } = base;

export function manifestFor(browser) {
  const target = targets[browser];
  if (!target) throw new Error(`no target ${browser} in manifest.base.json`);
  return { ...common, ...target };
}

export function build(outDir = join(root, 'dist')) {
  const built = [];
  for (const browser of Object.keys(targets)) {
    const dir = join(outDir, browser);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const file of files) cpSync(join(root, file), join(dir, file), { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifestFor(browser), null, 2)}\n`);
    built.push(dir);
  }
  return built;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const dir of build(process.argv[2])) console.log(`built ${dir}`);
}
