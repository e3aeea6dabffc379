// Small helpers for driving a BridgekeeperClient against the DesktopSimulator.

import { BridgekeeperClient } from '../../src/client.js';
import { MemoryKeyStore } from '../../src/keystore.js';
import { DesktopSimulator } from './desktop-simulator.mjs';

export const CALLER_ID = 'chrome-extension://ehcmijlhbioomifbjmghlpklegfgldmf/';

/**
 * A client wired to a simulated desktop with short test timeouts. `connect` defaults to the
 * desktop's port factory; pass your own to switch desktops between connections.
 */
export async function setup({ desktop, keyStore, callerId = CALLER_ID, connect, ...options } = {}) {
  desktop ??= await DesktopSimulator.create();
  keyStore ??= new MemoryKeyStore();
  const client = new BridgekeeperClient({
    connect: connect ?? desktop.portFactory(callerId),
    callerId,
    name: 'Test Extension',
    version: '1.2.3',
    keyStore,
    handshakeTimeoutMs: 30_000, // a deadline, not a measurement: generous for a loaded machine
    reconnectBaseMs: 5,
    reconnectMaxMs: 20,
    ...options,
  });
  return { desktop, keyStore, client };
}

/** Resolves once `predicate(snapshot)` holds (checked now and on every state change). */
export function waitFor(client, predicate, what = 'condition', timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    if (predicate(client.snapshot())) return resolve(client.snapshot());
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}; state is ${JSON.stringify(client.snapshot())}`));
    }, timeoutMs);
    const off = client.on('state', (snapshot) => {
      if (!predicate(snapshot)) return;
      clearTimeout(timer);
      off();
      resolve(snapshot);
    });
  });
}

export function waitForState(client, state, timeoutMs) {
  return waitFor(client, (s) => s.state === state, `state ${state}`, timeoutMs);
}

/** Resolves with the arguments of the next `name` notification from the client. */
export function nextEvent(client, name, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${name}`));
    }, timeoutMs);
    const off = client.on(name, (...args) => {
      clearTimeout(timer);
      off();
      resolve(args.length > 1 ? args : args[0]);
    });
  });
}

/** Polls `check()` until it is truthy (for things the simulator records). */
export async function eventually(check, what = 'condition', timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A client that has paired with its desktop and is ready. */
export async function pairedClient(options) {
  const context = await setup(options);
  context.client.start();
  await waitForState(context.client, 'ready');
  return context;
}
