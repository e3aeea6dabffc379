#!/usr/bin/env bash
# Proves the published shape of @bridgekeeper/client: packs it as `npm publish` would, checks
# the tarball holds exactly the allowed files, installs it into a fresh project, imports it
# by name, and compiles a TypeScript consumer (test/consumer/consumer.ts) with --strict against
# the shipped declarations. Needs only the npm registry (for this package's own devDependency,
# TypeScript, when node_modules is missing). Run from anywhere.
set -euo pipefail

PKG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bk-pack-proof.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

say() { printf 'pack-proof: %s\n' "$*"; }
fail() {
    printf 'pack-proof: FAIL: %s\n' "$*" >&2
    exit 1
}

cd "$PKG_DIR"
[ -x node_modules/.bin/tsc ] || npm ci --no-audit --no-fund --loglevel=error
TSC=$PKG_DIR/node_modules/.bin/tsc

# ---- 1. pack (prepack builds types/) ----------------------------------------------------------
npm pack --pack-destination "$WORK" --loglevel=error >"$WORK/pack.out"
tarball=$(find "$WORK" -maxdepth 1 -name '*.tgz' -print -quit)
[ -n "$tarball" ] || fail "npm pack wrote no tarball"
name=$(node -p "require('./package.json').name")
version=$(node -p "require('./package.json').version")
[ "$(basename "$tarball")" = "bridgekeeper-client-$version.tgz" ] || fail "unexpected tarball name $(basename "$tarball")"

# ---- 2. the file list against the allow-list -------------------------------------------------
tar -tzf "$tarball" | sed 's#^package/##' | sort >"$WORK/files.txt"
# Allowed: the manifest, README, LICENSE, the library's modules and their declarations.
if grep -Ev '^(package\.json|README\.md|LICENSE|src/[a-z-]+\.js|types/[a-z-]+\.d\.ts)$' "$WORK/files.txt" >"$WORK/extra.txt"; then
    fail "files outside the allow-list: $(tr '\n' ' ' <"$WORK/extra.txt")"
fi
for required in package.json README.md LICENSE src/index.js types/index.d.ts src/noise.js types/noise.d.ts src/protocol.js types/protocol.d.ts; do
    grep -qx "$required" "$WORK/files.txt" || fail "missing from the tarball: $required"
done
# Every module ships with its declarations, and every source module is shipped.
for js in $(grep '^src/' "$WORK/files.txt"); do
    base=${js#src/}
    grep -qx "types/${base%.js}.d.ts" "$WORK/files.txt" || fail "no declarations for $js"
done
for js in src/*.js; do
    grep -qx "$js" "$WORK/files.txt" || fail "$js is not in the tarball"
done

# ---- 3. install into a fresh project and import by name --------------------------------------
mkdir "$WORK/consumer"
cd "$WORK/consumer"
npm init -y >/dev/null
npm pkg set type=module private=true
npm install --no-audit --no-fund --loglevel=error "$tarball"
[ -z "$(find node_modules -mindepth 1 -maxdepth 1 ! -name '@bridgekeeper' ! -name '.package-lock.json')" ] ||
    fail "installing the package brought other packages: it must have no runtime dependencies"
node --input-type=module -e "
import('$name').then((m) => {
  const wanted = ['BridgekeeperClient', 'BridgekeeperError', 'RpcError', 'MemoryKeyStore', 'IndexedDbKeyStore',
    'CLIENT_STATES', 'CLIENT_EVENTS', 'DEFAULT_MESSAGES', 'RPC_ERROR_CODES', 'detectCallerId', 'nativePortFactory'];
  const missing = wanted.filter((k) => m[k] === undefined);
  if (missing.length) throw new Error('missing exports: ' + missing.join(', '));
  if (typeof m.BridgekeeperClient !== 'function') throw new Error('BridgekeeperClient is not a class');
  return Promise.all([import('$name/noise'), import('$name/protocol')]);
}).then(([noise, protocol]) => {
  if (typeof noise.HandshakeState !== 'function') throw new Error('noise entry lacks HandshakeState');
  if (protocol.NATIVE_HOST_NAME !== 'dev.bridgekeeper.host') throw new Error('protocol entry lacks NATIVE_HOST_NAME');
  console.log('pack-proof: import by name: ok');
}).catch((error) => { console.error('pack-proof: FAIL: ' + error.message); process.exit(1); });
"
# A deep import outside the exports map must be refused.
if node --input-type=module -e "await import('$name/src/client.js')" 2>/dev/null; then
    fail "a deep import outside the exports map resolved"
fi

# ---- 4. a strict TypeScript consumer against the shipped declarations ------------------------
cp "$PKG_DIR/test/consumer/consumer.ts" .
for resolution in NodeNext Bundler; do
    module=NodeNext
    [ "$resolution" = Bundler ] && module=ESNext
    cat >tsconfig.json <<JSON
{
  "compilerOptions": {
    "target": "ES2022", "lib": ["ES2022", "DOM"], "types": [],
    "module": "$module", "moduleResolution": "$resolution", "skipLibCheck": false
  },
  "files": ["consumer.ts"]
}
JSON
    "$TSC" -p tsconfig.json --strict --noEmit ||
        fail "consumer.ts does not compile against the shipped declarations (moduleResolution $resolution)"
done
say "TypeScript consumer (strict, NodeNext and Bundler resolution): ok"

# ---- 5. report -------------------------------------------------------------------------------
size=$(wc -c <"$tarball")
unpacked=$(tar -xzOf "$tarball" | wc -c)
say "$(basename "$tarball"): $size bytes packed, $unpacked bytes unpacked, $(wc -l <"$WORK/files.txt") files:"
sed 's/^/  /' "$WORK/files.txt"
say "all checks passed"
