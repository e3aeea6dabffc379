#!/usr/bin/env node
// Builds dist/chromium and dist/firefox, each loadable unpacked: the manifest is
// manifest.base.json with its "$targets.<browser>" section merged in (the "$" keys dropped),
// and the files listed in "$files" are copied beside it. No bundler: the extension ships
// the same ES modules the tests run.
//
// The client library comes from the @bridgekeeper/client package, as any extension would get
// it. Browsers cannot resolve a bare specifier such as '@bridgekeeper/client' inside an
// extension, so the build copies the package's JavaScript (and its LICENSE) into
// vendor/bridgekeeper-client/ and rewrites each `from '@bridgekeeper/client…'` in the copied
// sources to a relative path, following the package's own "exports" map.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const base = JSON.parse(readFileSync(join(root, 'manifest.base.json'), 'utf8'));
const { $targets: targets, $files: files, ...common } = base;

export const CLIENT_PACKAGE = '@bridgekeeper/client';
/** Where the package's files go inside each dist folder. */
export const VENDOR_DIR = 'vendor/bridgekeeper-client';

export function manifestFor(browser) {
  const target = targets[browser];
  if (!target) throw new Error(`no target ${browser} in manifest.base.json`);
  return { ...common, ...target };
}

/** The installed package's folder and its package.json (resolved like any import would be). */
function clientPackage() {
  const manifestPath = fileURLToPath(import.meta.resolve(`${CLIENT_PACKAGE}/package.json`));
  return { dir: dirname(manifestPath), manifest: JSON.parse(readFileSync(manifestPath, 'utf8')) };
}

/** Import specifier -> file inside the package, from its "exports" map (only JS entries). */
function exportTargets(manifest) {
  const targetsBySpecifier = new Map();
  for (const [key, value] of Object.entries(manifest.exports ?? {})) {
    const target = typeof value === 'string' ? value : value.import ?? value.default;
    if (typeof target !== 'string' || !target.endsWith('.js')) continue;
    targetsBySpecifier.set(key === '.' ? CLIENT_PACKAGE : `${CLIENT_PACKAGE}/${key.slice(2)}`, target.replace(/^\.\//, ''));
  }
  return targetsBySpecifier;
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Copies the package's JavaScript and LICENSE (from its "files" allow-list) into `vendorDir`. */
function vendorClient(vendorDir, { dir, manifest }) {
  for (const entry of manifest.files ?? []) {
    const from = join(dir, entry);
    if (!existsSync(from)) continue;
    const sources = statSync(from).isDirectory() ? filesUnder(from) : [from];
    for (const file of sources) {
      const name = relative(dir, file);
      if (file.endsWith('.js') || /^LICENSE/.test(name)) cpSync(file, join(vendorDir, name));
    }
  }
}

/** Rewrites bare '@bridgekeeper/client…' imports in one copied source file to relative paths. */
function rewriteImports(file, distDir, targetsBySpecifier) {
  const text = readFileSync(file, 'utf8');
  const rewritten = text.replace(/(\bfrom\s*|\bimport\s*\(?\s*)(['"])(@bridgekeeper\/client(?:\/[^'"]*)?)\2/g, (match, lead, quote, specifier) => {
    const target = targetsBySpecifier.get(specifier);
    if (!target) throw new Error(`${relative(distDir, file)}: ${specifier} is not exported by ${CLIENT_PACKAGE}`);
    let path = relative(dirname(file), join(distDir, VENDOR_DIR, target)).split(sep).join(posix.sep);
    if (!path.startsWith('.')) path = `./${path}`;
    return `${lead}${quote}${path}${quote}`;
  });
  if (rewritten !== text) writeFileSync(file, rewritten);
}

export function build(outDir = join(root, 'dist')) {
  const client = clientPackage();
  const targetsBySpecifier = exportTargets(client.manifest);
  const built = [];
  for (const browser of Object.keys(targets)) {
    const dir = join(outDir, browser);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const file of files) cpSync(join(root, file), join(dir, file), { recursive: true });
    vendorClient(join(dir, VENDOR_DIR), client);
    for (const file of files.map((f) => join(dir, f)).flatMap((f) => (statSync(f).isDirectory() ? filesUnder(f) : [f]))) {
      if (file.endsWith('.js') || file.endsWith('.mjs')) rewriteImports(file, dir, targetsBySpecifier);
    }
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifestFor(browser), null, 2)}\n`);
    built.push(dir);
  }
  return built;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const dir of build(process.argv[2])) console.log(`built ${dir}`);
}
