// End-to-end scenarios of the sample extension in real browsers with the real host and agent.
//
// Normally started by scripts/e2e.sh, which prepares the machine (packages, builds, a test
// user, a private system bus with polkitd) and runs this as that user. It can also run on its
// own as any user: BK_E2E_WORK=<empty folder> node e2e/run.mjs (then with the `none`
// authenticator unless BK_E2E_AUTHENTICATOR=polkit and polkit is set up for this user).
//
// Environment:
//   BK_E2E_WORK           work folder (home, profiles, logs, screenshots); required
//   BK_E2E_AUTHENTICATOR  polkit (a real polkitd says yes for this user) or none (default)
//   BK_E2E_ONLY           run only scenarios whose name contains this text
//   BK_E2E_CHROMIUM, BK_E2E_FIREFOX  browser executables (/usr/bin/chromium, /usr/bin/firefox-esr)
//   BK_E2E_SYSTEM_HOST=1  use the installed package (system manifests, /usr/bin/bridgekeeper)
//                         instead of installing per user with installer/install.sh
//
// Prints one line per scenario (PASS/FAIL name (seconds): reason), then "N passed, M failed";
// exits 1 when any scenario failed. Every process it starts is stopped by its pid at the end.

import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from './lib/agent.mjs';
import { CHROMIUM_EXTENSION_ID, launchChromium } from './lib/chromium.mjs';
import { FIREFOX_ADDON_ID, launchFirefox } from './lib/firefox.mjs';
import { twoProductScenarios } from './two-products.mjs';
import { check, killAllTracked, run, sleep, startTracked, stopTracked, tail, waitUntil } from './lib/util.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORK = process.env.BK_E2E_WORK;
if (!WORK) {
  console.error('run.mjs: set BK_E2E_WORK to an empty folder this user can write (scripts/e2e.sh does)');
  process.exit(2);
}
const AUTHENTICATOR = process.env.BK_E2E_AUTHENTICATOR === 'polkit' ? 'polkit' : 'none';
const ONLY = process.env.BK_E2E_ONLY ?? '';
const CHROMIUM = process.env.BK_E2E_CHROMIUM ?? '/usr/bin/chromium';
const FIREFOX = process.env.BK_E2E_FIREFOX ?? '/usr/bin/firefox-esr';
const CHROMIUM_CALLER = `chrome-extension://${CHROMIUM_EXTENSION_ID}/`;
const FIREFOX_CALLER = `moz-extension:${FIREFOX_ADDON_ID}`;
const EXTENSION_NAME = 'Bridgekeeper Sample';
const USER = process.env.USER ?? process.env.LOGNAME ?? '';

const dirs = {
  home: path.join(WORK, 'home'),
  tmp: path.join(WORK, 'tmp'),
  logs: path.join(WORK, 'logs'),
  shots: path.join(WORK, 'artifacts'),
  agentData: path.join(WORK, 'agent-data'),
  firefoxProfile: path.join(WORK, 'firefox-profile'),
};
for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true, mode: 0o700 });
// Playwright and Node put their temporary files under TMPDIR; /tmp may not be usable.
process.env.TMPDIR = dirs.tmp;

// Browsers, hosts, the agent and the CLI all get this environment: a home of their own, and the
// agent's socket (the host finds it through BRIDGEKEEPER_SOCKET, as SocketPaths documents).
const SOCKET = path.join(WORK, 'agent.sock');
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: dirs.home,
  TMPDIR: dirs.tmp,
  USER,
  LANG: 'C.UTF-8',
  BRIDGEKEEPER_SOCKET: SOCKET,
  ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}),
  ...(process.env.DBUS_SYSTEM_BUS_ADDRESS ? { DBUS_SYSTEM_BUS_ADDRESS: process.env.DBUS_SYSTEM_BUS_ADDRESS } : {}),
};
const SYSTEM_HOST = process.env.BK_E2E_SYSTEM_HOST === '1';
const PACKAGE_DIR = '/opt/bridgekeeper';
const launcher = SYSTEM_HOST ? '/usr/bin/bridgekeeper' : path.join(dirs.home, '.local/share/bridgekeeper/bin/bridgekeeper');
const agent = new Agent({
  launcher,
  socket: SOCKET,
  dataDir: dirs.agentData,
  allow: [CHROMIUM_CALLER, FIREFOX_CALLER],
  authenticator: AUTHENTICATOR,
  env,
  logFile: path.join(dirs.logs, 'agent.log'),
});
const shot = (name) => path.join(dirs.shots, `${name}.png`);

// ---------------------------------------------------------------------------------------------
// Shared steps

/** Waits for the Chromium background to report a state matching `predicate`. */
function chromiumState(browser, predicate, what, timeoutMs) {
  return waitUntil(async () => {
    const state = await browser.state();
    return predicate(state) ? state : null;
  }, { what: `Chromium: ${what}`, timeoutMs });
}

/** Firefox with the sample add-on, on the test's profile. */
function startFirefox() {
  return launchFirefox({
    executable: FIREFOX,
    profileDir: dirs.firefoxProfile,
    extensionDir: path.join(REPO, 'extension-sample/dist/firefox'),
    env,
    logFile: path.join(dirs.logs, 'firefox.log'),
  });
}

/** Waits for the popup (either browser) to show something matching `predicate`. */
function popupShows(browser, predicate, what, timeoutMs) {
  return waitUntil(async () => {
    const popup = await browser.readPopup();
    return predicate(popup) ? popup : null;
  }, { what: `the popup to show ${what}`, timeoutMs });
}

/** The one pending request for `callerId`, once the agent lists it. */
function pendingRequest(callerId) {
  return waitUntil(async () => {
    const list = await agent.pairings();
    const mine = list.pending.filter((p) => p.callerId === callerId);
    check(mine.length <= 1, `more than one pending request for ${callerId}: ${JSON.stringify(mine)}`);
    return mine[0];
  }, { what: `the agent to list a pairing request from ${callerId}`, timeoutMs: 20_000, intervalMs: 300 });
}

async function pairingsOf(callerId) {
  return (await agent.pairings()).pairings.filter((p) => p.callerId === callerId);
}

const UNLOCKED_TEXT = /^Unlocked: key received \(32 bytes\) for (\S+)$/;

// ---------------------------------------------------------------------------------------------
// Scenarios, in order; each names the scenarios it needs.

/** With the package installed: its system manifests are what the browsers will find. */
function systemHostScenarios() {
  const manifests = {
    chromium: '/etc/chromium/native-messaging-hosts/dev.bridgekeeper.host.json',
    firefox: '/usr/lib/mozilla/native-messaging-hosts/dev.bridgekeeper.host.json',
  };
  return [{
    name: 'install: the package\'s system manifests name its host, and no user manifest exists',
    async run() {
      for (const [browser, file] of Object.entries(manifests)) {
        check(existsSync(file), `${browser}: ${file} is missing (is the bridgekeeper package installed?)`);
        const manifest = JSON.parse(readFileSync(file, 'utf8'));
        check(manifest.name === path.basename(file, '.json'), `${browser}: ${file} has the name ${manifest.name}`);
        check(manifest.path === `${PACKAGE_DIR}/bin/bridgekeeper-host`, `${browser}: ${file} names ${manifest.path}`);
      }
      for (const file of ['.config/chromium/NativeMessagingHosts', '.mozilla/native-messaging-hosts']) {
        check(!existsSync(path.join(dirs.home, file, 'dev.bridgekeeper.host.json')), `a per-user manifest exists in ${file}`);
      }
    },
  }];
}

const ctx = { chromium: null, firefox: null };

const scenarios = [
  ...(SYSTEM_HOST ? systemHostScenarios() : [{
    name: 'install: install.sh puts the launcher and both browsers\' manifests into a fresh HOME',
    async run() {
      const result = await run('bash', [path.join(REPO, 'installer/install.sh'), '--browser', 'chromium', '--browser', 'firefox',
        '--no-cds', '--jar', path.join(REPO, 'cli/target/bridgekeeper.jar')], { env, timeoutMs: 120_000 });
      check(result.code === 0, `install.sh failed (${result.code}):\n${tail(result.stderr + result.stdout)}`);
      check(/chromium: .*\/\.config\/chromium\/NativeMessagingHosts\/dev\.bridgekeeper\.host\.json/.test(result.stdout),
        `install.sh did not install the Chromium manifest:\n${result.stdout}`);
      check(/firefox: .*\/\.mozilla\/native-messaging-hosts\/dev\.bridgekeeper\.host\.json/.test(result.stdout),
        `install.sh did not install the Firefox manifest:\n${result.stdout}`);
    },
  }]),
  {
    name: 'chromium: desktop not running is shown in plain words (desktop_unavailable)',
    needs: ['install'],
    async run() {
      ctx.chromium = await launchChromium({
        executable: CHROMIUM,
        userDataDir: path.join(dirs.home, '.config/chromium'),
        extensionDir: path.join(REPO, 'extension-sample/dist/chromium'),
        env,
        logFile: path.join(dirs.logs, 'chromium.log'),
      });
      const state = await chromiumState(ctx.chromium, (s) => s.state === 'desktop_unavailable', 'desktop_unavailable', 20_000);
      check(state.error?.code === 'desktop_unavailable', `error code ${state.error?.code}`);
      check(state.headline === 'Desktop app not running', `headline "${state.headline}"`);
      const popup = await popupShows(ctx.chromium, (p) => p.state === 'desktop_unavailable', 'desktop_unavailable', 10_000);
      check(popup.headline === 'Desktop app not running', `popup headline "${popup.headline}"`);
      check(/isn't running/.test(popup.detail), `popup detail "${popup.detail}"`);
      check(popup.retryButton === 'Try again', `retry button: ${popup.retryButton}`);
      await ctx.chromium.screenshot(shot('chromium-1-desktop-unavailable'));
    },
  },
  {
    name: 'chromium: agent starts, pairing approved with `pairings approve CODE`',
    needs: ['chromium: desktop not running'],
    async run() {
      await agent.start();
      const state = await chromiumState(ctx.chromium, (s) => s.state === 'pairing' && s.pairingCode,
        'a pairing code (the host connects by itself when the agent appears)', 30_000);
      const request = await pendingRequest(CHROMIUM_CALLER);
      check(request.code === state.pairingCode.display,
        `the agent shows code ${request.code}, the extension ${state.pairingCode.display}`);
      check(request.name === EXTENSION_NAME, `the agent shows extension name "${request.name}"`);
      const popup = await popupShows(ctx.chromium, (p) => p.pairingCode, 'the pairing code', 10_000);
      check(popup.pairingCode === request.code, `popup code ${popup.pairingCode}`);
      await ctx.chromium.screenshot(shot('chromium-2-pairing-code'));
      await agent.approve(request.code);
      const ready = await chromiumState(ctx.chromium, (s) => s.state === 'ready', 'ready after approval', 20_000);
      check(ready.headline.startsWith('Paired with'), `headline "${ready.headline}"`);
      check(ready.paired === true, 'not marked paired');
      const stored = await pairingsOf(CHROMIUM_CALLER);
      check(stored.length === 1 && stored[0].name === EXTENSION_NAME, `agent pairings: ${JSON.stringify(stored)}`);
      check((await agent.pairings()).pending.length === 0, 'a request is still pending');
    },
  },
  {
    name: AUTHENTICATOR === 'polkit'
      ? 'chromium: unlock through real polkit returns the 32-byte key'
      : 'chromium: unlock with the none authenticator is refused as biometrics_unavailable',
    needs: ['chromium: agent starts'],
    async run() {
      const state = await chromiumState(ctx.chromium, (s) => s.biometrics, 'biometric.status', 15_000);
      if (AUTHENTICATOR === 'polkit') {
        check(state.biometrics.status === 'available' && state.biometrics.method === 'polkit',
          `biometric.status ${JSON.stringify(state.biometrics)}`);
        const result = await ctx.chromium.debug('unlock');
        const match = UNLOCKED_TEXT.exec(result.text ?? '');
        check(result.state === 'done' && match, `unlock gave ${JSON.stringify(result)}`);
        check(match[1] === USER, `key released for "${match[1]}", expected the agent's user "${USER}"`);
      } else {
        const result = await ctx.chromium.debug('unlock');
        check(result.state === 'failed', `unlock gave ${JSON.stringify(result)}`);
        // The background turns error.code biometrics_unavailable + data.status into these words.
        check(result.text.startsWith(state.biometrics.text), `unlock text "${result.text}" vs status "${state.biometrics.text}"`);
      }
      const popup = await popupShows(ctx.chromium, (p) => p.unlockResult, 'the unlock result', 10_000);
      check(popup.unlockResult === (await ctx.chromium.state()).unlock.text, `popup unlock text "${popup.unlockResult}"`);
      await ctx.chromium.screenshot(shot('chromium-3-unlock'));
    },
  },
  ...(SYSTEM_HOST ? [{
    name: 'package: the browser\'s host runs on the package\'s bundled runtime',
    needs: ['chromium: agent starts'],
    async run() {
      const hosts = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).flatMap((pid) => {
        try {
          const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          return cmdline.includes('bridgekeeper-host.jar') ? [{ pid, exe: readlinkSync(`/proc/${pid}/exe`), cmdline }] : [];
        } catch {
          return []; // gone, or not ours
        }
      });
      check(hosts.length > 0, 'no running host process (bridgekeeper-host.jar) found while Chromium is connected');
      for (const host of hosts) {
        check(host.exe === `${PACKAGE_DIR}/lib/runtime/bin/java`,
          `host ${host.pid} runs ${host.exe}, not the bundled runtime (${host.cmdline.split('\0').join(' ')})`);
      }
    },
  }] : []),
  {
    name: 'chromium: `bridgekeeper lock|unlock` arrive as desktop.locked / desktop.unlocked',
    needs: ['chromium: agent starts'],
    async run() {
      await agent.cli('lock');
      const locked = await chromiumState(ctx.chromium, (s) => s.events[0]?.topic === 'desktop.locked', 'desktop.locked', 15_000);
      check(locked.desktopLock === 'locked', `desktopLock ${locked.desktopLock}`);
      const refused = await ctx.chromium.debug('unlock');
      check(refused.state === 'failed' && /locked/.test(refused.text), `unlock while locked gave ${JSON.stringify(refused)}`);
      await agent.cli('unlock');
      const unlocked = await chromiumState(ctx.chromium, (s) => s.events[0]?.topic === 'desktop.unlocked', 'desktop.unlocked', 15_000);
      check(unlocked.desktopLock === 'unlocked', `desktopLock ${unlocked.desktopLock}`);
      const popup = await popupShows(ctx.chromium, (p) => p.events.length >= 2, 'two events', 10_000);
      check(/Desktop unlocked/.test(popup.events[0]) && /Desktop locked/.test(popup.events[1]), `popup events ${JSON.stringify(popup.events)}`);
      await ctx.chromium.screenshot(shot('chromium-4-events'));
    },
  },
  {
    name: 'chromium: agent restart reconnects by itself without re-pairing',
    needs: ['chromium: agent starts'],
    async run() {
      const before = await pairingsOf(CHROMIUM_CALLER);
      check(before.length === 1, `expected one pairing, have ${JSON.stringify(before)}`);
      const seen = new Set();
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          try {
            seen.add((await ctx.chromium.state()).state);
          } catch {
            // a poll may fail while the worker restarts; the next one counts
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      try {
        await agent.stop();
        await chromiumState(ctx.chromium, (s) => s.state === 'desktop_unavailable', 'desktop_unavailable after the agent stopped', 15_000);
        await agent.start();
        const ready = await chromiumState(ctx.chromium, (s) => s.state === 'ready', 'ready after the agent restarted', 30_000);
        check(ready.pairingCode === null, 'a pairing code was shown');
      } finally {
        watching = false;
        await watcher;
      }
      check(!seen.has('pairing'), `the extension went through pairing again (states seen: ${[...seen].join(', ')})`);
      const after = await agent.pairings();
      check(after.pending.length === 0, `the agent asked for pairing: ${JSON.stringify(after.pending)}`);
      const mine = after.pairings.filter((p) => p.callerId === CHROMIUM_CALLER);
      check(mine.length === 1 && mine[0].id === before[0].id, `pairings changed: ${JSON.stringify(mine)}`);
      if (AUTHENTICATOR === 'polkit') {
        const result = await ctx.chromium.debug('unlock');
        check(result.state === 'done' && UNLOCKED_TEXT.test(result.text), `unlock after restart gave ${JSON.stringify(result)}`);
      }
    },
  },
  {
    name: 'chromium: `pairings revoke ID` forces re-pairing',
    needs: ['chromium: agent starts'],
    async run() {
      const [old] = await pairingsOf(CHROMIUM_CALLER);
      check(old, 'no pairing to revoke');
      await agent.revoke(old.id);
      const revoked = await chromiumState(ctx.chromium, (s) => s.state === 'failed', 'the revoked state', 15_000);
      check(revoked.error?.code === 'pairing_revoked', `error ${JSON.stringify(revoked.error)}`);
      check(revoked.headline === 'Unpaired', `headline "${revoked.headline}"`);
      check(revoked.events.some((e) => e.topic === 'pairing.revoked'), 'no pairing.revoked event');
      const popup = await popupShows(ctx.chromium, (p) => p.state === 'failed', 'the revoked state', 10_000);
      check(popup.retryButton === 'Pair again', `button "${popup.retryButton}"`);
      await ctx.chromium.screenshot(shot('chromium-5-revoked'));
      check((await agent.pairings()).pending.length === 0, 'the extension asked to pair again without the user');

      await ctx.chromium.click('retry'); // what the user does: "Pair again"
      const state = await chromiumState(ctx.chromium, (s) => s.state === 'pairing' && s.pairingCode, 'a new pairing code', 20_000);
      const request = await pendingRequest(CHROMIUM_CALLER);
      check(request.code === state.pairingCode.display, `codes differ: ${request.code} / ${state.pairingCode.display}`);
      await agent.approve(request.code);
      await chromiumState(ctx.chromium, (s) => s.state === 'ready', 'ready after re-pairing', 20_000);
      const now = await pairingsOf(CHROMIUM_CALLER);
      check(now.length === 1 && now[0].id !== old.id, `pairings after re-pairing: ${JSON.stringify(now)}`);
    },
  },
  {
    name: 'firefox: desktop not running is shown in plain words (desktop_unavailable)',
    needs: ['install'],
    async before() {
      // Firefox starts against a stopped agent; Chromium is done by now.
      await ctx.chromium?.close();
      ctx.chromium = null;
      await agent.stop();
    },
    async run() {
      ctx.firefox = await startFirefox();
      const popup = await popupShows(ctx.firefox, (p) => p.state === 'desktop_unavailable', 'desktop_unavailable', 30_000);
      check(popup.headline === 'Desktop app not running', `popup headline "${popup.headline}"`);
      check(/isn't running/.test(popup.detail), `popup detail "${popup.detail}"`);
      await ctx.firefox.screenshot(shot('firefox-1-desktop-unavailable'));
    },
  },
  {
    name: 'firefox: agent starts, pairing approved with `pairings approve CODE`',
    needs: ['firefox: desktop not running'],
    async run() {
      await agent.start();
      const popup = await popupShows(ctx.firefox, (p) => p.state === 'pairing' && p.pairingCode, 'a pairing code', 30_000);
      const request = await pendingRequest(FIREFOX_CALLER);
      check(request.code === popup.pairingCode, `the agent shows ${request.code}, Firefox ${popup.pairingCode}`);
      await ctx.firefox.screenshot(shot('firefox-2-pairing-code'));
      await agent.approve(request.code);
      const ready = await popupShows(ctx.firefox, (p) => p.state === 'ready', 'ready', 20_000);
      check(ready.headline.startsWith('Paired with'), `headline "${ready.headline}"`);
      check((await pairingsOf(FIREFOX_CALLER)).length === 1, 'the agent did not store the Firefox pairing');
    },
  },
  {
    name: AUTHENTICATOR === 'polkit'
      ? 'firefox: unlock through real polkit returns the 32-byte key'
      : 'firefox: unlock with the none authenticator is refused as biometrics_unavailable',
    needs: ['firefox: agent starts'],
    async run() {
      const status = await popupShows(ctx.firefox, (p) => p.session && p.biometrics !== 'Checking…', 'biometric status', 15_000);
      await ctx.firefox.click('unlock');
      const popup = await popupShows(ctx.firefox, (p) => p.unlockState === 'done' || p.unlockState === 'failed', 'the unlock result', 30_000);
      if (AUTHENTICATOR === 'polkit') {
        check(status.biometrics.startsWith('Biometric unlock is available'), `biometrics "${status.biometrics}"`);
        const match = UNLOCKED_TEXT.exec(popup.unlockResult);
        check(popup.unlockState === 'done' && match && match[1] === USER, `unlock result "${popup.unlockResult}"`);
      } else {
        check(popup.unlockState === 'failed' && popup.unlockResult.startsWith(status.biometrics.split(':')[0]),
          `unlock result "${popup.unlockResult}" (status "${status.biometrics}")`);
      }
      await ctx.firefox.screenshot(shot('firefox-3-unlock'));
    },
  },
];

// ---------------------------------------------------------------------------------------------
// The sample Swing app (examples/desktop-app) instead of the reference agent: its own pairing
// dialog, clicked for real. Only when scripts/e2e.sh built the app and started an X server.

const DESKTOP_APP_JAR = process.env.BK_E2E_DESKTOP_APP ?? '';
const DESKTOP_APP_DISPLAY = process.env.BK_E2E_DISPLAY ?? '';
const DIALOG_TITLE_PREFIX = 'Pairing request'; // ApprovalDialog.TITLE_PREFIX
const sampleApp = { child: null, stderr: '', buttons: path.join(dirs.logs, 'desktop-app-buttons.jsonl') };

/** Starts Sample Notes on the agent's socket and data directory (so the extension knows its key). */
async function startSampleApp() {
  sampleApp.stderr = '';
  sampleApp.child = startTracked('desktop-app', 'java', [`-Dsample.notes.uiProbe=${sampleApp.buttons}`, '-jar',
    DESKTOP_APP_JAR, '--socket', SOCKET, '--data-dir', dirs.agentData, '--allow', CHROMIUM_CALLER], {
    env: { ...env, DISPLAY: DESKTOP_APP_DISPLAY },
    logFile: path.join(dirs.logs, 'desktop-app.log'),
    onStderr: (text) => { sampleApp.stderr += text; },
  });
  await waitUntil(() => {
    check(sampleApp.child.exitCode === null, `the sample app exited:\n${tail(sampleApp.stderr)}`);
    return /is serving on/.test(sampleApp.stderr);
  }, { what: 'the sample app to start', timeoutMs: 60_000 });
}

/**
 * Brings Chromium to a fresh pairing request and answers it by clicking `button` (approve or
 * reject) in the app's dialog: the app reports where its buttons are in its window, and xdotool
 * moves the pointer there and clicks, as a person does. Returns the extension's state afterwards.
 */
async function pairThroughSampleAppDialog(button) {
  const now = await chromiumState(ctx.chromium, (s) => s.state === 'ready' || (s.state === 'pairing' && s.pairingCode)
    || s.state === 'failed', 'ready, pairing or failed with the sample app', 45_000);
  if (now.state === 'ready') {
    for (const p of await pairingsOf(CHROMIUM_CALLER)) await agent.revoke(p.id); // the app answers the CLI too
    await chromiumState(ctx.chromium, (s) => s.state === 'failed', 'unpaired', 15_000);
  }
  if ((await ctx.chromium.state()).state === 'failed') await ctx.chromium.click('retry');
  const state = await chromiumState(ctx.chromium, (s) => s.state === 'pairing' && s.pairingCode, 'a pairing code', 30_000);
  const dialog = await waitUntil(() => {
    let lines = [];
    try {
      lines = readFileSync(sampleApp.buttons, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    } catch {
      return null;
    }
    return lines.find((d) => d.code === state.pairingCode.display) ?? null;
  }, { what: `the app's dialog showing ${state.pairingCode.display}`, timeoutMs: 30_000 });
  await clickInDialog(dialog[button]);
  return state;
}

/**
 * Clicks at `[x, y]` within the app's dialog window, once the X server shows it (a click before the
 * window is mapped goes to whatever is under it). The dialog closes when a button is clicked; if it
 * stays open, the failure says where the click went.
 */
async function clickInDialog([x, y]) {
  const xenv = { ...env, DISPLAY: DESKTOP_APP_DISPLAY };
  const dialogWindow = async () => {
    const found = await run('xdotool', ['search', '--onlyvisible', '--name', `^${DIALOG_TITLE_PREFIX}`], { env: xenv });
    return found.code === 0 ? found.stdout.trim().split('\n')[0] : null;
  };
  const window = await waitUntil(dialogWindow, { what: 'the X server to show the app\'s dialog', timeoutMs: 15_000 });
  const click = await run('xdotool', ['mousemove', '--sync', '--window', window, String(x), String(y), 'click', '1'],
    { env: xenv });
  check(click.code === 0, `xdotool failed (${click.code}): ${click.stderr}`);
  try {
    await waitUntil(async () => (await dialogWindow()) === null, { what: 'the dialog to close after the click', timeoutMs: 10_000 });
  } catch (error) {
    const where = await run('bash', ['-c', `xdotool getwindowgeometry ${window}; xdotool getmouselocation`], { env: xenv });
    throw new Error(`${error.message}; clicked at ${x},${y} in window ${window}: ${where.stdout.trim().replace(/\s+/g, ' ')}`);
  }
}

if (DESKTOP_APP_JAR && DESKTOP_APP_DISPLAY) {
  scenarios.push(
    {
      name: 'desktop-app: pairing approved by clicking Approve in the sample app\'s dialog',
      needs: ['install'],
      async before() {
        await ctx.firefox?.close();
        ctx.firefox = null;
        await agent.stop();
        ctx.chromium ??= await launchChromium({
          executable: CHROMIUM,
          userDataDir: path.join(dirs.home, '.config/chromium'),
          extensionDir: path.join(REPO, 'extension-sample/dist/chromium'),
          env,
          logFile: path.join(dirs.logs, 'chromium.log'),
        });
      },
      async run() {
        await startSampleApp();
        await pairThroughSampleAppDialog('approve');
        const ready = await chromiumState(ctx.chromium, (s) => s.state === 'ready', 'ready after Approve', 20_000);
        check(ready.headline === 'Paired with Sample Notes', `headline "${ready.headline}"`);
        const stored = await pairingsOf(CHROMIUM_CALLER);
        check(stored.length === 1 && stored[0].name === EXTENSION_NAME, `app pairings: ${JSON.stringify(stored)}`);
        await ctx.chromium.screenshot(shot('desktop-app-1-approved'));
      },
    },
    {
      name: 'desktop-app: pairing rejected by clicking Reject in the sample app\'s dialog',
      needs: ['desktop-app: pairing approved'],
      async run() {
        try {
          await checkRejectedInSampleApp();
        } finally {
          await stopTracked(sampleApp.child); // as a user quits it; the runner's kill is for failures
        }
      },
    },
  );
}

/** The rejected pairing, as the extension and the app show it. */
async function checkRejectedInSampleApp() {
  await pairThroughSampleAppDialog('reject');
  const rejected = await chromiumState(ctx.chromium, (s) => s.state === 'failed', 'failed after Reject', 20_000);
  check(rejected.error?.code === 'pairing_rejected', `error ${JSON.stringify(rejected.error)}`);
  check(rejected.headline === 'Pairing not approved', `headline "${rejected.headline}"`);
  const popup = await popupShows(ctx.chromium, (p) => p.state === 'failed', 'the rejected state', 10_000);
  check(popup.retryButton === 'Pair again', `button "${popup.retryButton}"`);
  await ctx.chromium.screenshot(shot('desktop-app-2-rejected'));
  check((await pairingsOf(CHROMIUM_CALLER)).length === 0, 'a rejected pairing was stored');
  check((await agent.pairings()).pending.length === 0, 'a request is still pending');
}

// ---------------------------------------------------------------------------------------------
// Runner

const results = [];
const failed = new Set();

// ---------------------------------------------------------------------------------------------
// Page leg (docs/PROTOCOL.md section 10): a web page served here on 127.0.0.1 calls the desktop
// through the sample extension's content script and background; the same page on localhost
// (content script present, origin not allowed by the extension) is refused; the same two in
// Firefox. Added after every other scenario, so each sets up what it needs: the agent, a paired
// browser, the page server.
// BK_E2E_PAGE_LEG=0 leaves these scenarios out.

const pageLeg = { server: null, port: 0 };

/** Serves extension-sample/dist/page on 127.0.0.1 (any free port); resolves with the port. */
async function servePageFolder() {
  const { createServer } = await import('node:http');
  const root = path.join(REPO, 'extension-sample/dist/page');
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
  pageLeg.server = createServer((request, response) => {
    const file = path.join(root, path.normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(/^\/+/, '') || 'index.html');
    if (!file.startsWith(root) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise((resolve) => pageLeg.server.listen(0, '127.0.0.1', resolve));
  pageLeg.port = pageLeg.server.address().port;
}

/** Opens the sample page at `origin` in Chromium and waits for its answer or error. */
async function pageOutcome(origin) {
  const context = (await ctx.chromium.popup()).context();
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/index.html`);
    await page.waitForFunction(() => globalThis.bridgekeeperPage !== undefined, null, { timeout: 60_000 });
    return {
      outcome: await page.evaluate(() => globalThis.bridgekeeperPage),
      status: await page.locator('#status').textContent(),
      biometrics: await page.locator('#biometrics').textContent(),
    };
  } finally {
    await page.close();
  }
}

/** Before a page-leg scenario: the other browser and the sample app gone, the agent up, the page served. */
async function stagePageLeg(otherBrowser) {
  await ctx[otherBrowser]?.close();
  ctx[otherBrowser] = null;
  if (sampleApp.child && sampleApp.child.exitCode === null) await stopTracked(sampleApp.child);
  if (!agent.running) await agent.start();
  if (!pageLeg.server) await servePageFolder();
}

/**
 * Waits (with `shows(predicate, what)`, either browser's view) until the extension is ready,
 * approving its pairing with the agent first if it asks for one.
 */
async function readyApprovingPairing(shows, callerId) {
  const now = await shows((s) => s.state === 'ready' || (s.state === 'pairing' && s.pairingCode), 'ready or a pairing code');
  if (now.state === 'pairing') await agent.approve((await pendingRequest(callerId)).code);
  await shows((s) => s.state === 'ready', 'ready');
}

/**
 * The sample page at `origin` got the desktop's biometric.status, with the origin the browser
 * reported, and shows the same answer (the extension's own view of it is the same call).
 */
function checkPageAnswered(origin, { outcome, status, biometrics }) {
  check(!outcome.error, `the page got an error: ${JSON.stringify(outcome.error)}`);
  check(outcome.origin === origin, `the extension reported origin ${outcome.origin}, expected ${origin}`);
  check(outcome.status && typeof outcome.status === 'object', `biometric.status answered ${JSON.stringify(outcome.status)}`);
  check(/^connected to /.test(status) && biometrics === JSON.stringify(outcome.status), `page shows "${status}" / "${biometrics}"`);
}

/** The sample page was refused as an origin the extension does not allow. */
function checkPageRefused({ outcome, status }) {
  check(outcome.error?.code === 'not_allowed', `expected not_allowed, got ${JSON.stringify(outcome)}`);
  check(status.startsWith('not_allowed'), `page shows "${status}"`);
}

if (process.env.BK_E2E_PAGE_LEG !== '0') {
  scenarios.push(
    {
      name: 'chromium page-leg: a page on http://127.0.0.1 calls biometric.status through the extension',
      needs: ['install'],
      async before() {
        await stagePageLeg('firefox');
        ctx.chromium ??= await launchChromium({
          executable: CHROMIUM,
          userDataDir: path.join(dirs.home, '.config/chromium'),
          extensionDir: path.join(REPO, 'extension-sample/dist/chromium'),
          env,
          logFile: path.join(dirs.logs, 'chromium.log'),
        });
        const state = await chromiumState(ctx.chromium, (s) => ['ready', 'failed'].includes(s.state) || (s.state === 'pairing' && s.pairingCode),
          'ready or a pairing code', 30_000);
        if (state.state === 'failed') await ctx.chromium.debug('retry');
        await readyApprovingPairing((predicate, what) => chromiumState(ctx.chromium, predicate, what, 30_000), CHROMIUM_CALLER);
      },
      async run() {
        const origin = `http://127.0.0.1:${pageLeg.port}`;
        checkPageAnswered(origin, await pageOutcome(origin));
      },
    },
    {
      name: 'chromium page-leg: a page that floods is rate limited and the extension keeps working',
      needs: ['chromium page-leg: a page on http://127.0.0.1'],
      async run() {
        const origin = `http://127.0.0.1:${pageLeg.port}`;
        const context = (await ctx.chromium.popup()).context();
        const page = await context.newPage();
        let tally;
        try {
          await page.goto(`${origin}/index.html`);
          await page.waitForFunction(() => globalThis.bridgekeeperPage !== undefined, null, { timeout: 60_000 });
          // A hostile page does not use PageClient: it posts raw page messages as fast as it can.
          tally = await page.evaluate(async (count) => {
            const answers = new Map();
            window.addEventListener('message', (event) => {
              const answer = event.data?.['bridgekeeper:extension'];
              if (typeof answer?.id === 'string' && answer.id.startsWith('flood-')) answers.set(answer.id, answer);
            });
            for (let i = 0; i < count; i++) {
              window.postMessage({ 'bridgekeeper:page': { type: 'call', id: `flood-${i}`, method: 'biometric.status', params: {} } }, location.origin);
            }
            const deadline = Date.now() + 60_000;
            while (answers.size < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
            const codes = {};
            for (const answer of answers.values()) {
              const key = answer.type === 'result' ? 'result' : answer.error?.code ?? 'unknown';
              codes[key] = (codes[key] ?? 0) + 1;
            }
            return { answered: answers.size, codes };
          }, 200);
        } finally {
          await page.close();
        }
        check(tally.answered === 200, `${tally.answered} of 200 flood messages were answered: ${JSON.stringify(tally.codes)}`);
        check((tally.codes.rate_limited ?? 0) > 0, `nothing was rate limited: ${JSON.stringify(tally.codes)}`);
        // How many get through depends on how fast the background drains the flood (burst 20, then
        // 5 per second): only that some did and the rest were refused is certain.
        check((tally.codes.result ?? 0) > 0, `no call of the flood reached the desktop: ${JSON.stringify(tally.codes)}`);
        check(Object.keys(tally.codes).every((code) => code === 'result' || code === 'rate_limited'), `unexpected answers: ${JSON.stringify(tally.codes)}`);
        const state = await ctx.chromium.state();
        check(state.state === 'ready', `the extension's own session is ${state.state} after the flood`);
        // Once its bucket refills, the same page is served again.
        await sleep(5_000);
        const { outcome } = await pageOutcome(origin);
        check(!outcome.error && outcome.status, `after the flood the page got ${JSON.stringify(outcome)}`);
        console.log(`      flood of 200: ${JSON.stringify(tally.codes)}`);
      },
    },
    {
      name: 'chromium page-leg: the same page on http://localhost is refused with not_allowed',
      needs: ['chromium page-leg: a page on http://127.0.0.1'],
      async run() {
        checkPageRefused(await pageOutcome(`http://localhost:${pageLeg.port}`));
        const state = await ctx.chromium.state();
        check(state.state === 'ready', `the extension's own session is ${state.state} after the refusal`);
      },
    },
    {
      name: 'firefox page-leg: a page on http://127.0.0.1 calls biometric.status through the add-on',
      needs: ['install'],
      async before() {
        await stagePageLeg('chromium');
        ctx.firefox ??= await startFirefox();
        // The add-on was loaded again (temporarily): it may have kept its pairing or need a new one.
        await readyApprovingPairing((predicate, what) => popupShows(ctx.firefox, predicate, what, 30_000), FIREFOX_CALLER);
      },
      async run() {
        const origin = `http://127.0.0.1:${pageLeg.port}`;
        checkPageAnswered(origin, await firefoxPageOutcome(origin));
      },
    },
    {
      name: 'firefox page-leg: the same page on http://localhost is refused with not_allowed',
      needs: ['firefox page-leg: a page on http://127.0.0.1'],
      async run() {
        checkPageRefused(await firefoxPageOutcome(`http://localhost:${pageLeg.port}`));
        const popup = await ctx.firefox.readPopup();
        check(popup.state === 'ready', `the add-on's own session is ${popup.state} after the refusal`);
      },
    },
  );
}

/** Opens the sample page at `origin` in Firefox and waits for its answer or error. */
function firefoxPageOutcome(origin) {
  return ctx.firefox.pageValue(`${origin}/index.html`, `
    if (globalThis.bridgekeeperPage === undefined) return null;
    return {
      outcome: globalThis.bridgekeeperPage,
      status: document.querySelector('#status').textContent,
      biometrics: document.querySelector('#biometrics').textContent,
    };`, `the page at ${origin} to get an answer`, 60_000);
}

// Two products in one HOME (e2e/two-products.mjs); per-user installs only.
if (!SYSTEM_HOST) scenarios.push(...twoProductScenarios({ REPO, WORK, dirs, env, CHROMIUM, ctx, agent, AUTHENTICATOR, launcher }));

async function runAll() {
  for (const scenario of scenarios) {
    if (ONLY && !scenario.name.includes(ONLY) && !scenario.name.startsWith('install')) continue;
    const started = Date.now();
    const blocked = (scenario.needs ?? []).filter((need) => [...failed].some((f) => f.startsWith(need)));
    let error = null;
    if (blocked.length) {
      error = new Error(`not run: needs "${blocked.join('", "')}", which failed`);
    } else {
      try {
        await scenario.before?.();
        await scenario.run();
      } catch (caught) {
        error = caught;
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (error) failed.add(scenario.name);
    results.push({ name: scenario.name, ok: !error, seconds, error: error?.message });
    const line = `${error ? 'FAIL' : 'PASS'}  ${scenario.name} (${seconds} s)`;
    console.log(error ? `${line}\n      ${error.message.split('\n').join('\n      ')}` : line);
  }
}

async function shutdown() {
  for (const browser of [ctx.chromium, ctx.firefox]) {
    try {
      await browser?.close();
    } catch {
      // stopped below by pid
    }
  }
  await agent.stop().catch(() => {});
  pageLeg.server?.close();
  killAllTracked();
}

// Generous: a loaded two-core machine runs the scenarios several times slower than a quiet one.
const watchdog = setTimeout(() => {
  console.log('FAIL  the whole run took longer than 20 minutes; stopping');
  killAllTracked();
  process.exit(1);
}, 20 * 60_000);

// An error no scenario awaited (a late stream event, a helper's socket) fails the run with its
// message instead of crashing it half-way and leaving browsers behind.
const stray = [];
const onStray = (error) => {
  const message = error instanceof Error ? error.stack ?? error.message : String(error);
  stray.push(message);
  console.log(`FAIL  error outside any scenario's await:\n      ${message.split('\n').join('\n      ')}`);
};
process.on('uncaughtException', onStray);
process.on('unhandledRejection', onStray);

process.on('SIGTERM', () => {
  killAllTracked();
  process.exit(143);
});

try {
  console.log(`e2e: authenticator ${AUTHENTICATOR}, user ${USER}, work folder ${WORK}`);
  await runAll();
} finally {
  await shutdown();
  clearTimeout(watchdog);
}
if (failed.size) {
  console.log(`\nlogs: ${dirs.logs} (agent.log, chromium.log, firefox.log)`);
  for (const file of ['agent.log']) {
    console.log(`--- tail of ${file}\n${tail(agent.log(), 20)}`);
  }
}
const passed = results.filter((r) => r.ok).length;
console.log(`\n${passed} passed, ${results.length - passed + stray.length} failed`);
process.exit(failed.size || stray.length ? 1 : 0);
