// Stand-ins for the page leg: a window shared by a page and its content script (postMessage
// delivered asynchronously as a structured clone, with `source` set to the posting window),
// and a runtime whose connect() gives the content script one end of a port pair and hands the
// other end, with the browser-provided `sender`, to the background's onConnect listeners.

function listenerList() {
  const listeners = [];
  return {
    listeners,
    event: {
      addListener: (fn) => listeners.push(fn),
      removeListener: (fn) => {
        const at = listeners.indexOf(fn);
        if (at >= 0) listeners.splice(at, 1);
      },
    },
  };
}

export class FakeWindow {
  #listeners = [];
  constructor(origin) {
    this.location = { origin };
  }

  addEventListener(type, fn) {
    if (type === 'message') this.#listeners.push(fn);
  }

  removeEventListener(type, fn) {
    const at = this.#listeners.indexOf(fn);
    if (at >= 0) this.#listeners.splice(at, 1);
  }

  /** A message posted by code in this window (the page or its content script). */
  postMessage(data, targetOrigin) {
    this.deliver(data, this, targetOrigin);
  }

  /** A message from `source` (another frame when not this window). */
  deliver(data, source, targetOrigin = '*') {
    if (targetOrigin !== '*' && targetOrigin !== this.location.origin) return;
    const copy = structuredClone(data);
    setImmediate(() => {
      for (const fn of [...this.#listeners]) fn({ data: copy, source, origin: source.location?.origin });
    });
  }
}

class PortEnd {
  #messages = listenerList();
  #disconnects = listenerList();
  peer = null;
  connected = true;
  constructor(name, sender) {
    this.name = name;
    if (sender) this.sender = sender;
  }

  get onMessage() {
    return this.#messages.event;
  }

  get onDisconnect() {
    return this.#disconnects.event;
  }

  postMessage(message) {
    if (!this.connected) throw new Error('Attempting to use a disconnected port object');
    const copy = JSON.parse(JSON.stringify(message));
    const peer = this.peer;
    setImmediate(() => {
      if (peer.connected) for (const fn of [...peer.onMessageListeners()]) fn(copy, peer);
    });
  }

  onMessageListeners() {
    return this.#messages.listeners;
  }

  disconnect() {
    if (!this.connected) return;
    this.connected = false;
    const peer = this.peer;
    setImmediate(() => {
      if (!peer.connected) return;
      peer.connected = false;
      for (const fn of [...peer.onDisconnectListeners()]) fn(peer);
    });
  }

  onDisconnectListeners() {
    return this.#disconnects.listeners;
  }
}

/** The extension API seen by the background: runtime.onConnect. */
export class FakeRuntime {
  #connects = listenerList();
  /** Background ends of every port opened, for assertions. */
  ports = [];
  runtime = {
    onConnect: this.#connects.event,
  };

  /** The API a content script in a page of `url` sees: runtime.connect with that sender. */
  contentScriptApi(url) {
    return {
      runtime: {
        connect: ({ name }) => {
          const sender = { url, origin: new URL(url).origin, tab: { id: 1 } };
          const script = new PortEnd(name);
          const background = new PortEnd(name, sender);
          script.peer = background;
          background.peer = script;
          this.ports.push(background);
          setImmediate(() => {
            for (const fn of [...this.#connects.listeners]) fn(background);
          });
          return script;
        },
      },
    };
  }
}
