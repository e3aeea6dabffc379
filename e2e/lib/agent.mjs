// The real desktop agent (`bridgekeeper agent`) and its admin commands, run through the
// `bridgekeeper` launcher that installer/install.sh installed.

import { readFileSync } from 'node:fs';
import { check, run, startTracked, stopTracked, tail, waitUntil } from './util.mjs';

export class Agent {
  #child = null;
  #stderr = '';

  /**
   * @param {object} options
   * @param {string} options.launcher the installed `bridgekeeper` launcher
   * @param {string} options.socket agent socket path (the browsers' hosts get it through BRIDGEKEEPER_SOCKET)
   * @param {string} options.dataDir the agent's identity and pairings; kept across restarts
   * @param {string[]} options.allow caller ids allowed to connect
   * @param {string} options.authenticator polkit or none
   * @param {object} options.env environment of the agent and the CLI
   * @param {string} options.logFile where the agent's stderr goes
   */
  constructor({ launcher, socket, dataDir, allow, authenticator, env, logFile }) {
    Object.assign(this, { launcher, socket, dataDir, allow, authenticator, env, logFile });
  }

  get running() {
    return this.#child !== null;
  }

  get pid() {
    return this.#child?.pid;
  }

  /** Starts the agent and waits for its "ready" line. */
  async start() {
    check(!this.#child, 'agent already running');
    this.#stderr = '';
    const args = ['agent', '--socket', this.socket, '--data-dir', this.dataDir, '--authenticator', this.authenticator];
    for (const caller of this.allow) args.push('--allow', caller);
    const child = startTracked('agent', this.launcher, args, {
      env: this.env,
      logFile: this.logFile,
      onStderr: (text) => { this.#stderr += text; },
    });
    this.#child = child;
    child.exited.then(() => { if (this.#child === child) this.#child = null; });
    await waitUntil(() => {
      if (!this.#child) throw new Error(`the agent exited:\n${tail(this.#stderr)}`);
      return /agent ready on/.test(this.#stderr);
    }, { what: 'the agent to start', timeoutMs: 60_000 });
  }

  /** Stops the agent the way a user quitting the app does (SIGTERM; shutdown hook closes it). */
  async stop() {
    const child = this.#child;
    this.#child = null;
    await stopTracked(child);
  }

  /** Runs `bridgekeeper <args> --socket P` and returns its stdout; throws on failure. */
  async cli(...args) {
    const result = await run(this.launcher, [...args, '--socket', this.socket], { env: this.env });
    if (result.code !== 0) {
      throw new Error(`bridgekeeper ${args.join(' ')} failed (${result.code}): ${tail(result.stderr, 5)}`);
    }
    return result.stdout;
  }

  /** `pairings list --json`: { pending: [{code, callerId, name, ...}], pairings: [{id, callerId, ...}] }. */
  async pairings() {
    return JSON.parse(await this.cli('pairings', 'list', '--json'));
  }

  async approve(code) {
    const out = await this.cli('pairings', 'approve', code.replace(/\s/g, ''));
    check(/approved 1 /.test(out), `approving ${code} did not approve one request: ${out.trim()}`);
  }

  async revoke(id) {
    return this.cli('pairings', 'revoke', id);
  }

  /** The agent's log so far (for failure reports). */
  log() {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return this.#stderr;
    }
  }
}
