// Headless Chromium with the sample extension unpacked, driven over the DevTools protocol with
// playwright-core (connectOverCDP, so this code owns the browser process and its flags).
//
// The profile folder is $HOME/.config/chromium: installer/install.sh --browser chromium put the
// host manifest into its NativeMessagingHosts folder, which is where Chromium looks for a
// profile given with --user-data-dir.

import { descendants, reap, sleep, startTracked, stopTracked, tail, waitUntil } from './util.mjs';
import { POPUP_SIZE, readPopup } from './popup.mjs';

export const CHROMIUM_EXTENSION_ID = 'ehcmijlhbioomifbjmghlpklegfgldmf';

/** `extraExtensionDirs`: more unpacked extensions beside the sample (e.g. a second product). */
export async function launchChromium({ executable, userDataDir, extensionDir, extraExtensionDirs = [], env, logFile }) {
  const extensions = [extensionDir, ...extraExtensionDirs].join(',');
  let stderr = '';
  const args = [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-default-browser-check', '--password-store=basic',
    `--user-data-dir=${userDataDir}`,
    `--load-extension=${extensions}`, `--disable-extensions-except=${extensions}`,
    '--remote-debugging-port=0', 'about:blank',
  ];
  const child = startTracked('chromium', executable, args, {
    env, logFile, onStderr: (text) => { stderr += text; },
  });
  try {
    const endpoint = await waitUntil(() => {
      if (child.exitCode !== null) throw new Error(`chromium exited:\n${tail(stderr)}`);
      return /DevTools listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
    }, { what: 'Chromium to start', timeoutMs: 30_000, intervalMs: 50 });
    // Imported here, not at the top: Playwright reads TMPDIR when it loads, after run.mjs set it.
    const { chromium } = await import('playwright-core');
    const browser = await chromium.connectOverCDP(endpoint);
    return new ChromiumSession(child, browser, () => stderr);
  } catch (error) {
    await stopTracked(child, 2_000);
    throw error;
  }
}

class ChromiumSession {
  #child;
  #browser;
  #context;
  #popup = null;
  #otherPopups = new Map();
  #stderr;

  constructor(child, browser, stderr) {
    this.#child = child;
    this.#browser = browser;
    this.#context = browser.contexts()[0];
    this.#stderr = stderr;
  }

  get pid() {
    return this.#child.pid;
  }

  /**
   * The extension's service worker. Chromium stops an idle worker and starts a new one on the
   * next event, so this finds the current one (waking it through the popup page if needed).
   */
  async worker(extensionId = CHROMIUM_EXTENSION_ID) {
    const prefix = `chrome-extension://${extensionId}/`;
    return waitUntil(async () => {
      const worker = this.#context.serviceWorkers().find((w) => w.url().startsWith(prefix));
      if (worker) return worker;
      if (extensionId === CHROMIUM_EXTENSION_ID) {
        if (this.#popup) await this.#popup.reload();
      } else {
        // Another extension (a second product): its own popup page wakes its worker.
        let page = this.#otherPopups.get(extensionId);
        if (!page) {
          page = await this.#context.newPage();
          this.#otherPopups.set(extensionId, page);
          await page.goto(`chrome-extension://${extensionId}/popup.html`);
        } else {
          await page.reload();
        }
      }
      return null;
    }, { what: 'the extension service worker', timeoutMs: 20_000 });
  }

  /** Calls globalThis.bridgekeeperDebug.<name>() in the service worker. */
  async debug(name, extensionId = CHROMIUM_EXTENSION_ID) {
    for (let attempt = 0; ; attempt++) {
      const worker = await this.worker(extensionId);
      try {
        return await worker.evaluate((fn) => globalThis.bridgekeeperDebug[fn](), name);
      } catch (error) {
        // The worker was stopped between finding and calling it; find the new one.
        if (attempt >= 2 || !/closed|destroyed|Target/i.test(error.message)) throw error;
        await sleep(200);
      }
    }
  }

  state(extensionId = CHROMIUM_EXTENSION_ID) {
    return this.debug('state', extensionId);
  }

  /** popup.html opened as a tab at popup size; it stays open for the whole session. */
  async popup() {
    if (!this.#popup) {
      this.#popup = await this.#context.newPage();
      await this.#popup.setViewportSize(POPUP_SIZE);
      await this.#popup.goto(`chrome-extension://${CHROMIUM_EXTENSION_ID}/popup.html`);
    }
    return this.#popup;
  }

  async readPopup() {
    return (await this.popup()).evaluate(readPopup);
  }

  async click(id) {
    await (await this.popup()).click(`#${id}`);
  }

  async screenshot(path) {
    // The popup's body is as wide as the toolbar popup (320 px); shoot just that element.
    await (await this.popup()).locator('body').screenshot({ path });
  }

  log() {
    return this.#stderr();
  }

  async close() {
    const helpers = descendants(this.#child.pid);
    try {
      await this.#browser.close();
    } catch {
      // the process may be gone already
    }
    await stopTracked(this.#child, 5_000);
    await reap(helpers);
  }
}
