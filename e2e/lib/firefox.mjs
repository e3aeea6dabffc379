// Headless Firefox ESR with the sample add-on loaded temporarily, driven over Marionette.
//
// What works on ESR here, without web-ext or geckodriver:
// - a fresh profile folder with a user.js; `-marionette` with marionette.port 0 makes Firefox
//   pick a free port and write it to <profile>/MarionetteActivePort;
// - Addon:Install {path: <unpacked folder>, temporary: true} loads the add-on as
//   about:debugging's "Load Temporary Add-on" does (unsigned is fine for temporary add-ons;
//   xpinstall.signatures.required=false is set as well, which ESR honours);
// - the add-on's internal UUID is fixed with extensions.webextensions.uuids, so the popup's
//   moz-extension:// URL is known in advance;
// - WebDriver:Navigate refuses moz-extension:// URLs, so the popup tab is opened from chrome
//   context (gBrowser.addTab with the system principal), which needs -remote-allow-system-access;
// - the host manifest comes from $HOME/.mozilla/native-messaging-hosts (install.sh --browser
//   firefox with HOME pointing at the test's home folder).
// Headless Firefox needs no X server.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Marionette } from './marionette.mjs';
import { READ_POPUP_SCRIPT } from './popup.mjs';
import { descendants, reap, startTracked, stopTracked, tail, waitUntil } from './util.mjs';

export const FIREFOX_ADDON_ID = 'bridgekeeper-sample@bridgekeeper.dev';
// Any fixed v4 UUID: it only names the add-on's moz-extension:// origin in this test profile.
const ADDON_UUID = '5f1e0c2a-8d4b-4c6e-9a71-2b3c4d5e6f70';

const PREFS = {
  'marionette.port': 0,
  'xpinstall.signatures.required': false,
  'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ADDON_ID]: ADDON_UUID }),
  'extensions.update.enabled': false,
  'app.update.disabledForTesting': true,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.page': 0,
  'browser.startup.homepage_override.mstone': 'ignore',
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'messaging-system.rsexperimentloader.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.captive-portal-service.enabled': false,
};

export async function launchFirefox({ executable, profileDir, extensionDir, env, logFile }) {
  writeFileSync(`${profileDir}/user.js`, Object.entries(PREFS)
    .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`).join('\n') + '\n');
  let output = '';
  const child = startTracked('firefox', executable, [
    '-headless', '-no-remote', '-profile', profileDir, '-marionette', '-remote-allow-system-access',
  ], { env: { ...env, MOZ_CRASHREPORTER_DISABLE: '1' }, logFile, onStderr: (text) => { output += text; } });
  const portFile = `${profileDir}/MarionetteActivePort`;
  let marionette = null;
  try {
    const port = await waitUntil(() => {
      if (child.exitCode !== null) throw new Error(`firefox exited:\n${tail(output)}`);
      return existsSync(portFile) && Number(readFileSync(portFile, 'utf8').trim());
    }, { what: 'Firefox to open Marionette', timeoutMs: 60_000, intervalMs: 100 });
    marionette = await Marionette.connect(port);
    await marionette.command('WebDriver:NewSession', { capabilities: {} });
    const installed = await marionette.command('Addon:Install', { path: extensionDir, temporary: true });
    if (installed?.value !== FIREFOX_ADDON_ID) throw new Error(`Addon:Install gave ${JSON.stringify(installed)}`);
    return new FirefoxSession(child, marionette, () => output);
  } catch (error) {
    marionette?.close();
    await stopTracked(child, 2_000);
    throw error;
  }
}

class FirefoxSession {
  #child;
  #marionette;
  #output;
  #popupOpen = false;

  constructor(child, marionette, output) {
    this.#child = child;
    this.#marionette = marionette;
    this.#output = output;
  }

  get pid() {
    return this.#child.pid;
  }

  /** Opens popup.html in a new tab and makes it the tab Marionette talks to. */
  async openPopup() {
    if (this.#popupOpen) return;
    const m = this.#marionette;
    const before = await m.command('WebDriver:GetWindowHandles');
    await m.command('Marionette:SetContext', { value: 'chrome' });
    await m.execute(`
      const win = Services.wm.getMostRecentWindow('navigator:browser');
      win.gBrowser.selectedTab = win.gBrowser.addTab(arguments[0], {
        triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal(),
      });
      return true;`, [`moz-extension://${ADDON_UUID}/popup.html`]);
    await m.command('Marionette:SetContext', { value: 'content' });
    const handle = await waitUntil(async () => {
      const after = await m.command('WebDriver:GetWindowHandles');
      return after.find((h) => !before.includes(h));
    }, { what: 'the popup tab', timeoutMs: 10_000 });
    await m.command('WebDriver:SwitchToWindow', { handle });
    await waitUntil(async () => (await m.command('WebDriver:GetCurrentURL')).value.startsWith('moz-extension://'),
      { what: 'the popup page to load', timeoutMs: 10_000 });
    this.#popupOpen = true;
  }

  async readPopup() {
    await this.openPopup();
    return this.#marionette.execute(READ_POPUP_SCRIPT);
  }

  async click(id) {
    await this.openPopup();
    await this.#marionette.execute(`document.getElementById(arguments[0]).click(); return true;`, [id]);
  }

  async screenshot(path) {
    await this.openPopup();
    // The popup's body is as wide as the toolbar popup (320 px); shoot just that element.
    const found = await this.#marionette.command('WebDriver:FindElement', { using: 'css selector', value: 'body' });
    const id = Object.values(found.value ?? found)[0];
    const { value } = await this.#marionette.command('WebDriver:TakeScreenshot', { id, full: false });
    writeFileSync(path, Buffer.from(value, 'base64'));
  }

  /**
   * Opens `url` in a new tab, waits until `script` (a function body run in the page) returns
   * something other than null, closes the tab and returns that.
   */
  async pageValue(url, script, what, timeoutMs) {
    const m = this.#marionette;
    const previous = (await m.command('WebDriver:GetWindowHandle')).value;
    const opened = await m.command('WebDriver:NewWindow', { type: 'tab' });
    await m.command('WebDriver:SwitchToWindow', { handle: opened.handle ?? opened.value?.handle });
    try {
      await m.command('WebDriver:Navigate', { url });
      return await waitUntil(() => m.execute(script), { what, timeoutMs });
    } finally {
      await m.command('WebDriver:CloseWindow');
      await m.command('WebDriver:SwitchToWindow', { handle: previous });
    }
  }

  log() {
    return this.#output();
  }

  async close() {
    const helpers = descendants(this.#child.pid);
    try {
      await this.#marionette.command('Marionette:Quit', { flags: ['eForceQuit'] });
    } catch {
      // the connection drops as Firefox quits
    }
    this.#marionette.close();
    await stopTracked(this.#child, 10_000);
    await reap(helpers);
  }
}
