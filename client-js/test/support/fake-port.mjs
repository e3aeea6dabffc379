// A stand-in for a runtime.Port opened by runtime.connectNative: messages are copied through
// JSON (as the browser does) and delivered asynchronously; disconnect() by one side fires
// onDisconnect only on the other side, as in the browsers.

function listenerList() {
  const listeners = [];
  return {
    listeners,
    event: { addListener: (fn) => listeners.push(fn), removeListener: (fn) => listeners.splice(listeners.indexOf(fn), 1) },
  };
}

export class FakePort {
  #messages = listenerList();
  #disconnects = listenerList();
  /** Set by the host side: receives what the extension posts. */
  onHostMessage = () => {};
  /** Set by the host side: called when the extension disconnects. */
  onHostDisconnect = () => {};
  error = undefined;
  /** Every envelope the extension posted, in order (for assertions). */
  sent = [];
  #closedByExtension = false;
  #closedByHost = false;

  get connected() {
    return !this.#closedByExtension && !this.#closedByHost;
  }

  get onMessage() {
    return this.#messages.event;
  }

  get onDisconnect() {
    return this.#disconnects.event;
  }

  // --- the extension's side (runtime.Port API)

  postMessage(message) {
    if (!this.connected) throw new Error('Attempting to use a disconnected port object');
    const copy = JSON.parse(JSON.stringify(message));
    this.sent.push(copy);
    setImmediate(() => {
      if (!this.#closedByHost) this.onHostMessage(copy);
    });
  }

  disconnect() {
    if (!this.connected) return;
    this.#closedByExtension = true;
    setImmediate(() => this.onHostDisconnect());
  }

  // --- the host's side

  /**
   * Delivers an envelope to the extension. Like a pipe, whatever the host wrote before it
   * exited still arrives; nothing arrives after the extension disconnected.
   */
  deliver(message) {
    if (!this.connected) return;
    const copy = JSON.parse(JSON.stringify(message));
    setImmediate(() => {
      if (this.#closedByExtension) return;
      for (const fn of [...this.#messages.listeners]) fn(copy);
    });
  }

  /** The host went away (exited, crashed, was never found): the extension sees onDisconnect. */
  close(errorMessage) {
    if (!this.connected) return;
    this.#closedByHost = true;
    if (errorMessage) this.error = { message: errorMessage };
    setImmediate(() => {
      if (this.#closedByExtension) return;
      for (const fn of [...this.#disconnects.listeners]) fn(this);
    });
  }
}
