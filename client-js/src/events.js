// @ts-check
// Listeners for the client's own notifications and for desktop event topics. A listener that
// throws is logged and does not stop the others.

/** @typedef {(...args: any[]) => void} Listener */

export class Emitter {
  /** @type {Map<string, Set<Listener>>} */
  #listeners = new Map();
  #log;

  /** @param {(level: string, message: string) => void} log */
  constructor(log) {
    this.#log = log;
  }

  /**
   * Adds a listener; returns a function that removes it.
   * @param {string} name
   * @param {Listener} fn
   * @returns {() => void}
   */
  on(name, fn) {
    if (typeof fn !== 'function') throw new TypeError('listener must be a function');
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(fn);
    return () => this.off(name, fn);
  }

  /**
   * @param {string} name
   * @param {Listener} fn
   */
  off(name, fn) {
    this.#listeners.get(name)?.delete(fn);
  }

  /**
   * Calls every listener of `name` with `args`, in the order they were added.
   * @param {string} name
   * @param {...unknown} args
   */
  emit(name, ...args) {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (error) {
        this.#log('warn', `listener for ${name} threw: ${/** @type {Error} */ (error)?.message}`);
      }
    }
  }
}
