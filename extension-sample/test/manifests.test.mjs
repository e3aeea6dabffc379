// The generated manifests: both loadable unpacked, the fixed Chromium key giving the
// expected extension id, and every file the extension loads present in each dist folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { VENDOR_DIR, build, manifestFor } from '../scripts/build-manifests.mjs';

/** Every module specifier in a source file: static imports and re-exports, bare side-effect imports, import(). */
function importsOf(source) {
  const refs = [];
  for (const pattern of [
    /^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]) {
    for (const [, ref] of source.matchAll(pattern)) refs.push(ref);
  }
  return refs;
}

/** Chromium's id for an unpacked extension with a "key": SHA-256 of the key, hex mapped 0-f -> a-p. */
function extensionIdFromKey(base64Key) {
  const hash = createHash('sha256').update(Buffer.from(base64Key, 'base64')).digest('hex').slice(0, 32);
  return [...hash].map((c) => String.fromCharCode('a'.charCodeAt(0) + parseInt(c, 16))).join('');
}

test('Chromium manifest: MV3 service worker, native messaging, key for ehcmijlhbioomifbjmghlpklegfgldmf', () => {
  const manifest = manifestFor('chromium');
  assert.equal(manifest.manifest_version, 3);
  assert.deepEqual(manifest.background, { service_worker: 'background.js', type: 'module' });
  assert.deepEqual(manifest.permissions, ['nativeMessaging', 'storage']);
  assert.equal(extensionIdFromKey(manifest.key), 'ehcmijlhbioomifbjmghlpklegfgldmf');
  assert.equal(manifest.browser_specific_settings, undefined);
  assert.ok(Number(manifest.minimum_chrome_version) >= 133, 'X25519 in Web Crypto');
});

test('Firefox manifest: MV3 background scripts, gecko id and a minimum version with X25519', () => {
  const manifest = manifestFor('firefox');
  assert.equal(manifest.manifest_version, 3);
  assert.deepEqual(manifest.background, { scripts: ['background.js'], type: 'module' });
  assert.equal(manifest.browser_specific_settings.gecko.id, 'bridgekeeper-sample@bridgekeeper.dev');
  assert.ok(parseFloat(manifest.browser_specific_settings.gecko.strict_min_version) >= 130);
  assert.equal(manifest.key, undefined);
  assert.equal(manifest.background.service_worker, undefined);
});

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('each dist folder holds everything its manifest, pages and modules refer to', () => {
  const out = mkdtempSync(join(tmpdir(), 'bk-dist-'));
  try {
    for (const dir of build(out)) {
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      assert.ok(!Object.keys(manifest).some((k) => k.startsWith('$')), 'no build-only keys left');
      const entry = manifest.background.service_worker ?? manifest.background.scripts[0];
      assert.ok(existsSync(join(dir, entry)));
      assert.ok(existsSync(join(dir, manifest.action.default_popup)));
      const html = readFileSync(join(dir, 'popup.html'), 'utf8');
      for (const [, ref] of html.matchAll(/(?:src|href)="([^"]+)"/g)) assert.ok(existsSync(join(dir, ref)), `${ref} in popup.html`);
      assert.doesNotMatch(html, /<script>[^<]/, 'no inline script (MV3 CSP)');
      const modules = filesUnder(dir).filter((f) => f.endsWith('.js'));
      assert.ok(modules.some((f) => f.includes(`${VENDOR_DIR}/`)), 'the client package is vendored');
      assert.ok(existsSync(join(dir, VENDOR_DIR, 'LICENSE')), 'with its licence');
      for (const file of modules) {
        const refs = importsOf(readFileSync(file, 'utf8'));
        if (file.endsWith('background.js')) assert.ok(refs.length > 0, 'background.js imports the client');
        for (const ref of refs) {
          // A browser resolves only relative (or absolute-path) specifiers inside an extension.
          assert.match(ref, /^\.{1,2}\//, `${ref} imported by ${file} is not a relative path`);
          const target = resolve(dirname(file), ref);
          assert.ok(target.startsWith(dir) && existsSync(target), `${ref} imported by ${file}`);
        }
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the built background module graph loads and starts the vendored client', () => {
  const out = mkdtempSync(join(tmpdir(), 'bk-dist-'));
  // Browsers load extension scripts as modules by the manifest; tell Node the same.
  writeFileSync(join(out, 'package.json'), '{"type": "module"}\n');
  try {
    for (const dir of build(out)) {
      // A separate Node process with a minimal extension API: importing dist's background.js
      // evaluates every module it reaches through the rewritten imports, in dist only.
      const script = `
        const opened = [];
        const listeners = () => ({ addListener() {} });
        globalThis.chrome = { runtime: {
          id: 'ehcmijlhbioomifbjmghlpklegfgldmf',
          getURL: (p) => 'chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/' + p,
          getManifest: () => ({ name: 'Sample', version: '0.1.0' }),
          connectNative: (name) => { opened.push(name); return { postMessage() {}, disconnect() {}, onMessage: listeners(), onDisconnect: listeners() }; },
          onConnect: listeners(), onStartup: listeners(), onInstalled: listeners(),
        } };
        globalThis.indexedDB = {};
        await import(${JSON.stringify(new URL(`file://${join(dir, 'background.js')}`).href)});
        if (!globalThis.bridgekeeperDebug) throw new Error('no debug hook');
        console.log(JSON.stringify({ opened, state: globalThis.bridgekeeperDebug.state().state }));
        process.exit(0);
      `;
      const run = () => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: out, encoding: 'utf8' }));
      assert.deepEqual(run(), { opened: ['dev.bridgekeeper.host'], state: 'connecting' }, dir);
      // Another product is the same build with another product.js: the background follows it.
      const other = { hostName: 'dev.bridgekeeper.productb', productName: 'Product B', productCommand: 'productb' };
      writeFileSync(join(dir, 'product.js'), `export default ${JSON.stringify(other)};`);
      assert.deepEqual(run(), { opened: ['dev.bridgekeeper.productb'], state: 'connecting' }, dir);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
