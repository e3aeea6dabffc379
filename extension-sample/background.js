// Background of the sample extension (Chromium: service worker; Firefox: event page).
// It owns the BridgekeeperClient, turns its state into plain words for the popup, runs the
// "Unlock with biometrics" action and keeps a short list of recent desktop events.
//
// End-to-end tests reach it through the DevTools protocol via globalThis.bridgekeeperDebug.

import { BridgekeeperClient, extensionApi, fromBase64, wipe } from '@bridgekeeper/client';
import { serveSamplePages } from './pages.js';
// Which desktop product this build talks to (product.js; another product's build replaces it).
import product from './product.js';

const api = extensionApi();
const manifest = api.runtime.getManifest();
const MAX_EVENTS = 20;
const UNLOCK_TIMEOUT_MS = 90_000; // the desktop's prompt gives up after 60 s
const EVENT_LABELS = {
  'desktop.locked': 'Desktop locked',
  'desktop.unlocked': 'Desktop unlocked',
  'pairing.revoked': 'This browser was unpaired on the desktop',
};
// storage.session survives service-worker restarts but not browser restarts: right for a
// short "recent events" list.
const eventStorage = api.storage?.session ?? api.storage?.local;

// Inside an extension the client finds the caller id, the manifest's name and version, and keeps
// its key in IndexedDB by itself. The host name selects the product's native host (hence its
// agent); the product names go into the client's texts ("Bridgekeeper isn't running. …").
const client = new BridgekeeperClient({
  hostName: product.hostName,
  productName: product.productName,
  productCommand: product.productCommand ?? null,
  log: (level, message) => (level === 'warn' ? console.warn : console.info)(`[bridgekeeper] ${message}`),
});
// The desktop's biometric channel, checked against the desktop's version before the first call.
const biometric = client.channel('biometric', '1.0.0');

const local = {
  desktopLock: 'unknown', // 'locked' | 'unlocked' | 'unknown'
  biometrics: null, // { status, method, detail? } from biometric.status
  unlock: null, // { state: 'working' | 'done' | 'failed', text }
  events: [], // [{ topic, label, at }], newest first
};

// ---------------------------------------------------------------------------------------------
// Plain words

function describe(snapshot) {
  const { state, error, desktop, pairingCode, pairingApproved } = snapshot;
  const desktopName = desktop?.name ?? 'the desktop app';
  switch (state) {
    case 'stopped':
      return { headline: 'Stopped', detail: 'Not connecting to the desktop app.' };
    case 'connecting':
    case 'handshaking':
      return { headline: 'Connecting…', detail: `Setting up a secure connection with ${desktopName}.` };
    case 'desktop_unavailable':
      return { headline: 'Desktop app not running', detail: error.message };
    case 'pairing':
      if (pairingApproved) return { headline: 'Pairing approved', detail: 'Finishing…' };
      if (pairingCode) {
        return {
          headline: 'Pairing required',
          detail: `Check that ${desktopName} shows the same code, then approve it there.`,
        };
      }
      return { headline: 'Pairing required', detail: `Waiting for ${desktopName} to show a pairing code…` };
    case 'ready':
      return { headline: `Paired with ${desktopName}`, detail: 'Connected securely.' };
    case 'reconnecting':
      return { headline: 'Reconnecting…', detail: error?.message ?? 'Trying again shortly.' };
    case 'failed':
      return {
        headline: {
          desktop_identity_changed: 'Desktop identity changed',
          pairing_rejected: 'Pairing not approved',
          pairing_revoked: 'Unpaired',
          pairing_failed: 'Pairing failed',
          not_allowed: 'Not allowed by the desktop app',
          unsupported_browser: 'Browser not supported',
        }[error?.code] ?? 'Connection failed',
        detail: error?.message ?? 'Something went wrong.',
      };
    default:
      return { headline: state, detail: '' };
  }
}

/** What the user can do next, as button ids the popup knows. */
function actionsFor(snapshot) {
  if (snapshot.state === 'failed') {
    return snapshot.error?.code === 'desktop_identity_changed' ? ['trust-new-desktop'] : ['retry'];
  }
  if (snapshot.state === 'reconnecting' || snapshot.state === 'desktop_unavailable') return ['retry'];
  return [];
}

const BIOMETRIC_STATUS_WORDS = {
  available: 'Biometric unlock is available',
  desktop_locked: 'The desktop app is locked',
  setup_needed: 'Biometric unlock needs a one-time setup on the desktop',
  hardware_unavailable: 'No fingerprint reader or camera is available',
  platform_unsupported: 'This computer does not support biometric unlock',
  not_enabled: 'Biometric unlock is turned off in the desktop app',
};

/** The client's words for the error, except where the biometric status says more. */
function explainUnlockError(error) {
  if (error?.code === 'biometrics_unavailable') {
    const status = error.data?.status;
    const words = BIOMETRIC_STATUS_WORDS[status] ?? 'Biometric unlock is not available';
    return error.data?.detail ? `${words}: ${error.data.detail}` : `${words}.`;
  }
  return client.explain(error);
}

function view() {
  const snapshot = client.snapshot();
  return {
    ...snapshot,
    ...describe(snapshot),
    actions: actionsFor(snapshot),
    desktopLock: local.desktopLock,
    biometrics: local.biometrics
      ? { ...local.biometrics, text: BIOMETRIC_STATUS_WORDS[local.biometrics.status] ?? local.biometrics.status }
      : null,
    unlock: local.unlock,
    events: local.events.slice(),
  };
}

// ---------------------------------------------------------------------------------------------
// Popup connections

const popups = new Set();

function broadcast() {
  const message = { type: 'view', view: view() };
  for (const port of popups) {
    try {
      port.postMessage(message);
    } catch {
      popups.delete(port);
    }
  }
}

api.runtime.onConnect.addListener((port) => {
  if (port.name !== 'popup' || port.sender?.id !== api.runtime.id) return;
  popups.add(port);
  port.onDisconnect.addListener(() => popups.delete(port));
  port.onMessage.addListener((message) => {
    switch (message?.cmd) {
      case 'unlock': unlock(); break;
      case 'retry': client.reconnect(); break;
      case 'trust-new-desktop': client.forgetDesktop(); break;
      default: break;
    }
  });
  port.postMessage({ type: 'view', view: view() });
});

// ---------------------------------------------------------------------------------------------
// Actions and events

async function unlock() {
  if (local.unlock?.state === 'working') return local.unlock;
  local.unlock = { state: 'working', text: 'Confirm on the desktop (fingerprint, face or password)…' };
  broadcast();
  try {
    const result = await biometric.unlock({ reason: `Unlock ${manifest.name}` }, { timeoutMs: UNLOCK_TIMEOUT_MS });
    const key = fromBase64(result?.key);
    const length = key.length;
    wipe(key); // the sample only proves it received a key; it never keeps or shows it
    local.unlock = { state: 'done', text: `Unlocked: key received (${length} bytes)${result?.user ? ` for ${result.user}` : ''}` };
    local.desktopLock = 'unlocked';
  } catch (error) {
    if (error?.code === 'locked') local.desktopLock = 'locked';
    local.unlock = { state: 'failed', text: explainUnlockError(error) };
  }
  broadcast();
  return local.unlock;
}

async function refreshBiometricStatus() {
  try {
    const result = await biometric.status({});
    // The desktop's detail is for fixing a problem; when unlock works, the headline says enough.
    const showDetail = result?.detail && result?.status !== 'available';
    local.biometrics = { status: result?.status, method: result?.method, ...(showDetail ? { detail: result.detail } : {}) };
  } catch (error) {
    local.biometrics = null;
    console.info(`[bridgekeeper] biometric.status failed: ${error?.code}`);
  }
  broadcast();
}

function recordEvent(topic) {
  local.events.unshift({ topic, label: EVENT_LABELS[topic] ?? topic, at: new Date().toISOString() });
  local.events.length = Math.min(local.events.length, MAX_EVENTS);
  eventStorage?.set({ recentEvents: local.events }).catch(() => {});
}

client.on('*', ({ topic }) => {
  if (topic === 'desktop.locked' || topic === 'desktop.unlocked') {
    local.desktopLock = topic === 'desktop.locked' ? 'locked' : 'unlocked';
    local.unlock = null; // An earlier unlock result no longer describes the desktop.
    refreshBiometricStatus();
  }
  recordEvent(topic);
  broadcast();
});
client.on('ready', () => refreshBiometricStatus());
client.on('state', (snapshot) => {
  if (snapshot.state !== 'ready') local.biometrics = null;
  if (snapshot.state === 'pairing' || snapshot.state === 'failed') local.unlock = null;
  broadcast();
});

// Starting the background at browser start-up is what opens the connection early.
api.runtime.onStartup?.addListener(() => {});
api.runtime.onInstalled?.addListener(() => {});

eventStorage?.get('recentEvents').then((stored) => {
  if (Array.isArray(stored?.recentEvents) && local.events.length === 0) {
    local.events = stored.recentEvents.slice(0, MAX_EVENTS);
    broadcast();
  }
}).catch(() => {});

// Web pages on the allowed origins reach the desktop through this client (pages.js).
serveSamplePages(client, api);

client.start();

/** For end-to-end tests over the DevTools protocol; exposes no keys. */
globalThis.bridgekeeperDebug = {
  state: () => view(),
  unlock: () => unlock(),
  events: () => local.events.slice(),
  retry: () => client.reconnect(),
  product: () => ({ ...product }),
};
