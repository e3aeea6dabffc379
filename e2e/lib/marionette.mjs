// A minimal Marionette client: the remote-control protocol built into every Firefox (started
// with -marionette). It needs no geckodriver and no web-ext, and its Addon:Install command
// installs an unpacked add-on temporarily, as about:debugging's "Load Temporary Add-on" does.
//
// Wire format: each packet is "<byte length>:<JSON>". The server speaks first with
// {"applicationType":"gecko","marionetteProtocol":3}; commands are [0, id, name, params] and
// answers [1, id, error, result].

import net from 'node:net';

export class MarionetteError extends Error {
  constructor(command, error) {
    super(`${command}: ${error?.error ?? 'error'}: ${error?.message ?? JSON.stringify(error)}`);
    this.name = 'MarionetteError';
    this.code = error?.error;
  }
}

export class Marionette {
  #socket;
  #buffer = Buffer.alloc(0);
  #nextId = 1;
  #pending = new Map();
  #hello;
  #closed = null;

  /** Connects to 127.0.0.1:port and waits for the server's greeting. */
  static async connect(port, { timeoutMs = 10_000 } = {}) {
    const client = new Marionette();
    await client.#open(port, timeoutMs);
    return client;
  }

  #open(port, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#socket?.destroy();
        reject(new Error(`no Marionette greeting on port ${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#hello = (greeting) => {
        clearTimeout(timer);
        if (greeting?.marionetteProtocol !== 3) {
          reject(new Error(`unexpected Marionette greeting ${JSON.stringify(greeting)}`));
        } else {
          resolve();
        }
      };
      this.#socket = net.connect({ host: '127.0.0.1', port });
      this.#socket.on('data', (chunk) => this.#onData(chunk));
      this.#socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
        this.#failAll(error);
      });
      this.#socket.on('close', () => this.#failAll(new Error('Marionette connection closed')));
    });
  }

  #onData(chunk) {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const colon = this.#buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.#buffer.subarray(0, colon).toString('ascii'));
      if (!Number.isInteger(length) || length < 0) {
        this.#socket.destroy(new Error('malformed Marionette packet header'));
        return;
      }
      if (this.#buffer.length < colon + 1 + length) return;
      const packet = JSON.parse(this.#buffer.subarray(colon + 1, colon + 1 + length).toString('utf8'));
      this.#buffer = this.#buffer.subarray(colon + 1 + length);
      if (this.#hello) {
        const hello = this.#hello;
        this.#hello = null;
        hello(packet);
        continue;
      }
      const [type, id, error, result] = packet;
      const waiter = type === 1 ? this.#pending.get(id) : undefined;
      if (!waiter) continue;
      this.#pending.delete(id);
      if (error) waiter.reject(new MarionetteError(waiter.command, error));
      else waiter.resolve(result);
    }
  }

  #failAll(error) {
    this.#closed ??= error;
    for (const waiter of this.#pending.values()) waiter.reject(error);
    this.#pending.clear();
  }

  /** Sends one command and resolves with its result (rejects with MarionetteError). */
  command(command, params = {}) {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    const body = Buffer.from(JSON.stringify([0, id, command, params]), 'utf8');
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { command, resolve, reject });
      this.#socket.write(Buffer.concat([Buffer.from(`${body.length}:`, 'ascii'), body]));
    });
  }

  /** Runs a function body in the current browsing context; `return` gives the result. */
  async execute(script, args = []) {
    const { value } = await this.command('WebDriver:ExecuteScript', { script, args });
    return value;
  }

  close() {
    this.#socket?.destroy();
  }
}
