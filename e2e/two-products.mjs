// Two products side by side in one HOME and one Chromium: the sample (product A, host
// dev.bridgekeeper.host) and a second build of it (product B, e2e/product-b.mjs: its own key, id,
// host name and texts). Both are installed with installer/install.sh; A's agent is the reference
// agent as the other scenarios start it, B's runs with exactly the command line of the systemd
// user unit install.sh wrote. Each extension must reach only its own agent; after
// `uninstall.sh --host-name B` product A must still work.
//
// The browser runs WITHOUT BRIDGEKEEPER_SOCKET (that override would send every product's host to
// one socket): each host finds its own product's socket under XDG_RUNTIME_DIR, as installed.

import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Agent } from './lib/agent.mjs';
import { CHROMIUM_EXTENSION_ID, launchChromium } from './lib/chromium.mjs';
import { buildProduct } from './product-b.mjs';
import { check, run, startTracked, stopTracked, tail, waitUntil } from './lib/util.mjs';

const HOST_A = 'dev.bridgekeeper.host';
const HOST_B = 'dev.bridgekeeper.productb';
const NAME_B = 'Product B';
const DESKTOP_B = 'Product B Desktop';
const DESKTOP_A = 'Bridgekeeper reference agent'; // the reference agent's own name

/** The words of a systemd ExecStart= line as install.sh quotes them ("…" with \, ", $$ and %% escaped). */
export function execStartWords(unitText) {
  const line = unitText.split('\n').find((l) => l.startsWith('ExecStart='));
  check(line, `no ExecStart= in the unit:\n${unitText}`);
  const words = [...line.slice('ExecStart='.length).matchAll(/"((?:[^"\\]|\\.)*)"/g)]
    .map(([, word]) => word.replace(/\\(.)/g, '$1').replace(/\$\$/g, '$').replace(/%%/g, '%'));
  check(words.length > 1, `cannot read the command of ${line}`);
  return words;
}

/**
 * @param {object} deps what run.mjs already has: REPO, WORK, dirs, env, CHROMIUM, ctx, agent
 *   (the other scenarios' reference agent, stopped here), AUTHENTICATOR, launcher
 */
export function twoProductScenarios({ REPO, WORK, dirs, env, CHROMIUM, ctx, agent, AUTHENTICATOR, launcher }) {
  const runtimeDir = path.join(WORK, 'run');
  const { BRIDGEKEEPER_SOCKET: _override, ...plainEnv } = env;
  // XDG_DATA_HOME: the agents' default data folders go into this HOME (Java takes the home from
  // the user database, not from $HOME).
  const productEnv = { ...plainEnv, XDG_RUNTIME_DIR: runtimeDir, XDG_DATA_HOME: path.join(dirs.home, '.local/share') };
  const socketOf = (folder) => path.join(runtimeDir, folder, 'agent.sock');
  const callerA = `chrome-extension://${CHROMIUM_EXTENSION_ID}/`;
  const s = { product: null, agentA: null, agentB: null, childB: null, stderrB: '' };

  const stateOf = (id, predicate, what, timeoutMs = 60_000) => waitUntil(async () => {
    const state = await ctx.chromium.state(id);
    return predicate(state) ? state : null;
  }, { what: `${id === CHROMIUM_EXTENSION_ID ? 'product A' : 'product B'}: ${what}`, timeoutMs, intervalMs: 300 });

  /** Approves the one pending request of `caller` at `agent`, once it is listed. */
  async function approveAt(agentOf, caller) {
    const request = await waitUntil(async () => (await agentOf.pairings()).pending.find((p) => p.callerId === caller),
      { what: `a pairing request from ${caller}`, timeoutMs: 60_000, intervalMs: 300 });
    await agentOf.approve(request.code);
    return request;
  }

  /** Brings product A to ready (it may be paired already from earlier scenarios, or not). */
  async function readyA() {
    let state = await stateOf(CHROMIUM_EXTENSION_ID, (x) => ['ready', 'failed'].includes(x.state) || (x.state === 'pairing' && x.pairingCode),
      'ready or a pairing code');
    if (state.state === 'failed') {
      await ctx.chromium.debug('retry');
      state = await stateOf(CHROMIUM_EXTENSION_ID, (x) => x.state === 'ready' || (x.state === 'pairing' && x.pairingCode), 'ready or a pairing code');
    }
    if (state.state === 'pairing') await approveAt(s.agentA, callerA);
    return stateOf(CHROMIUM_EXTENSION_ID, (x) => x.state === 'ready' && x.biometrics, 'ready with biometric.status');
  }

  async function cleanUp() {
    await stopTracked(s.childB);
    await s.agentA?.stop();
  }

  return [
    {
      name: 'two products: product B installed beside A in one HOME (install.sh --host-name, --systemd-user)',
      needs: ['install'],
      async run() {
        mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
        s.product = buildProduct({ out: path.join(WORK, 'product-b', 'chromium'), hostName: HOST_B, name: NAME_B });
        const result = await run('bash', [path.join(REPO, 'installer/install.sh'), '--browser', 'chromium', '--no-cds',
          '--jar', path.join(REPO, 'cli/target/bridgekeeper.jar'), '--host-name', HOST_B, '--display-name', DESKTOP_B,
          '--chrome-id', s.product.extensionId, '--systemd-user'], { env: productEnv, timeoutMs: 120_000 });
        check(result.code === 0, `install.sh --host-name ${HOST_B} failed (${result.code}):\n${tail(result.stderr + result.stdout)}`);
        const hosts = path.join(dirs.home, '.config/chromium/NativeMessagingHosts');
        for (const host of [HOST_A, HOST_B]) check(existsSync(path.join(hosts, `${host}.json`)), `no ${host}.json in ${hosts}`);
        const manifestB = JSON.parse(readFileSync(path.join(hosts, `${HOST_B}.json`), 'utf8'));
        check(JSON.stringify(manifestB.allowed_origins) === JSON.stringify([`chrome-extension://${s.product.extensionId}/`]),
          `${HOST_B}.json allows ${JSON.stringify(manifestB.allowed_origins)}`);
      },
    },
    {
      name: 'two products: each extension reaches only its own agent; B\'s agent runs the systemd unit\'s command',
      needs: ['two products: product B installed'],
      async before() {
        // One browser with both extensions and the per-product sockets: the earlier browsers
        // and the agent on the override socket make way (same profile, same pairing store).
        for (const key of ['chromium', 'firefox']) {
          await ctx[key]?.close();
          ctx[key] = null;
        }
        if (agent.running) await agent.stop();
      },
      async run() {
        try {
          ctx.chromium = await launchChromium({
            executable: CHROMIUM,
            userDataDir: path.join(dirs.home, '.config/chromium'),
            extensionDir: path.join(REPO, 'extension-sample/dist/chromium'),
            extraExtensionDirs: [s.product.dir],
            env: productEnv,
            logFile: path.join(dirs.logs, 'chromium-two-products.log'),
          });
          const idB = s.product.extensionId;
          const callerB = `chrome-extension://${idB}/`;
          // B's own texts (from its product.js) while its agent is not running yet.
          const downB = await stateOf(idB, (x) => x.state === 'desktop_unavailable', 'desktop_unavailable before its agent runs');
          check(downB.error?.message?.startsWith(`${NAME_B} isn't running`), `product B says "${downB.error?.message}"`);
          check((await ctx.chromium.debug('product', idB)).hostName === HOST_B, 'product B does not use its own host name');

          mkdirSync(path.dirname(socketOf('bridgekeeper')), { recursive: true, mode: 0o700 });
          s.agentA = new Agent({ launcher, socket: socketOf('bridgekeeper'), dataDir: dirs.agentData, allow: [callerA],
            authenticator: AUTHENTICATOR, env: productEnv, logFile: path.join(dirs.logs, 'agent-a-two-products.log') });
          await s.agentA.start();
          await readyA();

          // Product B's agent: exactly the unit's ExecStart (its --host-name and --allow included).
          const unit = path.join(dirs.home, '.config/systemd/user', `${HOST_B}-agent.service`);
          check(existsSync(unit), `install.sh --systemd-user wrote no ${unit}`);
          const [command, ...args] = execStartWords(readFileSync(unit, 'utf8'));
          check(args.includes(`--allow`) && args.includes(callerB), `the unit does not allow ${callerB}: ${args.join(' ')}`);
          s.childB = startTracked('agent-b', command, args, {
            env: productEnv, logFile: path.join(dirs.logs, 'agent-b.log'), onStderr: (t) => { s.stderrB += t; },
          });
          let exitB = null;
          s.childB.exited.then((how) => { exitB = how; });
          const startB = await waitUntil(() => exitB ?? /agent ready on/.test(s.stderrB),
            { what: 'product B\'s agent to start', timeoutMs: 60_000 });
          check(startB === true, `product B's agent exited (${JSON.stringify(startB)}):\n${tail(s.stderrB)}`);
          check(s.stderrB.includes(socketOf(HOST_B)), `product B's agent is not on ${socketOf(HOST_B)}:\n${tail(s.stderrB)}`);
          // The CLI reaches B's agent on B's socket (same launcher, same admin commands).
          s.agentB = new Agent({ launcher: command, socket: socketOf(HOST_B), env: productEnv });

          // B's host connects by itself once its agent is there.
          await stateOf(idB, (x) => x.state === 'pairing' && x.pairingCode, 'a pairing code from its own agent', 90_000);
          const requestB = await approveAt(s.agentB, callerB);
          check(requestB.name === NAME_B, `B's agent shows "${requestB.name}"`);
          const readyB = await stateOf(idB, (x) => x.state === 'ready' && x.biometrics, 'ready with biometric.status');
          check(readyB.headline === `Paired with ${DESKTOP_B}`, `product B: "${readyB.headline}"`);
          const stateA = await ctx.chromium.state();
          check(stateA.headline === `Paired with ${DESKTOP_A}`, `product A: "${stateA.headline}"`);

          // Neither agent ever saw the other product's extension.
          const atA = await s.agentA.pairings();
          check(![...atA.pending, ...atA.pairings].some((p) => p.callerId === callerB), `A's agent knows B: ${JSON.stringify(atA)}`);
          const atB = await s.agentB.pairings();
          check(![...atB.pending, ...atB.pairings].some((p) => p.callerId === callerA), `B's agent knows A: ${JSON.stringify(atB)}`);
          check(atB.pairings.length === 1 && atB.pairings[0].callerId === callerB, `B's pairings: ${JSON.stringify(atB.pairings)}`);
          check(!s.agentA.log().includes(idB), `A's agent log mentions B's extension ${idB}`);
        } catch (error) {
          await cleanUp();
          throw error;
        }
      },
    },
    {
      name: 'two products: uninstall.sh --host-name B removes B; product A still works',
      needs: ['two products: each extension'],
      async run() {
        try {
          await stopTracked(s.childB); // the unit is not enabled here (no systemd user session)
          const result = await run('bash', [path.join(REPO, 'installer/uninstall.sh'), '--host-name', HOST_B],
            { env: productEnv, timeoutMs: 120_000 });
          check(result.code === 0, `uninstall.sh --host-name ${HOST_B} failed (${result.code}):\n${tail(result.stderr + result.stdout)}`);
          const hosts = path.join(dirs.home, '.config/chromium/NativeMessagingHosts');
          check(!existsSync(path.join(hosts, `${HOST_B}.json`)), `${HOST_B}.json is still installed`);
          check(existsSync(path.join(hosts, `${HOST_A}.json`)), `uninstalling B removed ${HOST_A}.json`);
          check(!existsSync(path.join(dirs.home, '.config/systemd/user', `${HOST_B}-agent.service`)), 'B\'s unit is still there');
          // A reconnects from scratch (a new host through A's launcher) and answers again.
          await ctx.chromium.debug('retry');
          const state = await readyA();
          check(state.headline === `Paired with ${DESKTOP_A}`, `product A: "${state.headline}"`);
          // B's extension now reaches no desktop (its manifest and agent are gone): an error, never ready.
          await ctx.chromium.debug('retry', s.product.extensionId);
          const stateB = await stateOf(s.product.extensionId, (x) => x.state !== 'ready' && x.error?.code, 'an error after the uninstall');
          check(stateB.headline !== `Paired with ${DESKTOP_B}`, `product B: ${JSON.stringify(stateB)}`);
        } finally {
          await cleanUp();
        }
      },
    },
  ];
}
