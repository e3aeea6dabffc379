#!/usr/bin/env node
// Builds "product B" for the two-products scenario: a second copy of the sample extension's
// Chromium build with its own key (so its own extension id), its own name and its own native
// messaging host name. Only the build output is parameterised; the sources stay the sample's.
//
//   node e2e/product-b.mjs [OUT_DIR] [--host-name dev.bridgekeeper.productb] [--name "Product B"]
//
// Reads extension-sample/dist/chromium (run `npm run build` there first), writes OUT_DIR
// (default $TMPDIR/bridgekeeper-e2e/product-b/chromium) and prints one JSON line: {dir, extensionId,
// hostName, name}. The product's identity goes into ONE small file the background reads,
// product.js ({hostName, productName, productCommand} as its default export; the sample writes product
// A's); the background passes hostName to the client and the names into its texts.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Chromium's extension id for a public key: SHA-256 of its DER SubjectPublicKeyInfo, first 16 bytes, hex digits 0-f as a-p. */
export function extensionIdOf(spkiDer) {
  const hex = createHash('sha256').update(spkiDer).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode('a'.charCodeAt(0) + parseInt(c, 16))).join('');
}

/** Same rule as SocketPaths.requireHostName and install.sh --host-name. */
export function checkHostName(name) {
  if (!/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(name) || name.length > 40) {
    throw new Error(`host name '${name}' is not a reverse-DNS name of lowercase letters, digits and underscores (at most 40 characters)`);
  }
  return name;
}

export function buildProduct({
  from = join(REPO, 'extension-sample/dist/chromium'),
  out = join(tmpdir(), 'bridgekeeper-e2e', 'product-b', 'chromium'),
  hostName = 'dev.bridgekeeper.productb',
  name = 'Product B',
  command = 'productb',
} = {}) {
  checkHostName(hostName);
  if (!existsSync(join(from, 'manifest.json'))) {
    throw new Error(`${from}/manifest.json is missing: build the sample first (cd extension-sample && npm run build)`);
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  cpSync(from, out, { recursive: true });
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  manifest.key = spki.toString('base64');
  manifest.name = name;
  if (manifest.action?.default_title) manifest.action.default_title = name;
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(out, 'product.js'), `export default ${JSON.stringify({ hostName, productName: name, productCommand: command }, null, 2)};\n`);
  return { dir: out, extensionId: extensionIdOf(spki), hostName, name };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opts = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--host-name') opts.hostName = args[++i];
    else if (args[i] === '--name') opts.name = args[++i];
    else opts.out = args[i];
  }
  try {
    console.log(JSON.stringify(buildProduct(opts)));
  } catch (e) {
    console.error(`product-b: ${e.message}`);
    process.exit(1);
  }
}
