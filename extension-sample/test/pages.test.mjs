// The page leg in the sample: the policy, the content script's import target and the built page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { originMatches } from '@bridgekeeper/client';
import { PAGE_DIR, VENDOR_DIR, build, manifestFor } from '../scripts/build-manifests.mjs';
import { SAMPLE_PAGE_POLICY } from '../pages.js';

test('the sample allows http://127.0.0.1 on any port for biometric.status only', () => {
  const allowed = (origin) => SAMPLE_PAGE_POLICY.some((entry) => originMatches(entry.origin, origin));
  assert.ok(allowed('http://127.0.0.1:8080'));
  for (const origin of ['http://localhost:8080', 'https://127.0.0.1:8080', 'http://127.0.0.1.example:80', 'null']) {
    assert.ok(!allowed(origin), origin);
  }
  assert.deepEqual(SAMPLE_PAGE_POLICY.flatMap((entry) => entry.methods), ['biometric.status']);
});

test('content script, web-accessible client and the built page fit together', () => {
  const out = mkdtempSync(join(tmpdir(), 'bk-dist-'));
  try {
    for (const dir of build(out)) {
      const manifest = manifestFor(dir.endsWith('firefox') ? 'firefox' : 'chromium');
      // The relay also runs on localhost, which the policy does not allow: the background refuses it.
      assert.deepEqual(manifest.content_scripts[0].matches, ['http://127.0.0.1/*', 'http://localhost/*']);
      assert.ok(existsSync(join(dir, 'content.js')));
      assert.match(readFileSync(join(dir, 'content.js'), 'utf8'), new RegExp(`${VENDOR_DIR}/src/page\\.js`));
      assert.ok(existsSync(join(dir, VENDOR_DIR, 'src', 'page.js')));
      assert.deepEqual(manifest.web_accessible_resources[0].matches, manifest.content_scripts[0].matches);
    }
    const page = join(out, PAGE_DIR);
    const app = readFileSync(join(page, 'app.js'), 'utf8');
    const [, ref] = /from '([^']+)'/.exec(app);
    assert.match(ref, /^\.\//);
    assert.ok(existsSync(resolve(dirname(join(page, 'app.js')), ref)), ref);
    assert.match(readFileSync(join(page, 'index.html'), 'utf8'), /src="app\.js"/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
