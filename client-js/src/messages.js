// @ts-check
// Every text the client shows a person, in English, naming no product: the product's display
// name (productName, "the desktop app" by default) and its command-line name (productCommand,
// none by default) are filled in. The `messages` option of BridgekeeperClient replaces any of
// them, with a string ({product} and {command} are filled in) or a function of the context.
// Texts say what happened and what to do, not how the protocol works.

/**
 * What a message can mention.
 * @typedef {object} MessageContext
 * @property {string} product the product's display name, e.g. "the desktop app" or "Acme Vault"
 * @property {string} Product the same with a capital first letter, for the start of a sentence
 * @property {string | null} command the product's command-line name, e.g. "acme", if given
 * @property {string} [detail] technical detail of the error, if any (never a secret)
 * @property {number} [rpcCode] the numeric RPC error code, for rpc_refused
 */

/** @typedef {string | ((context: MessageContext) => string)} MessageText */

/** The product name used when the productName option is not given. */
export const DEFAULT_PRODUCT_NAME = 'the desktop app';

/**
 * @param {string} text
 * @returns {string}
 */
const capitalized = (text) => text.charAt(0).toUpperCase() + text.slice(1);

export const DEFAULT_MESSAGES = Object.freeze({
  // Error envelope codes (docs/PROTOCOL.md section 2)
  /** @type {MessageText} */
  protocol_error: ({ Product }) => `${Product} and this extension did not understand each other. Updating both usually fixes this.`,
  /** @type {MessageText} */
  frame_too_large: ({ product }) => `A message was too large to pass between the browser and ${product}.`,
  /** @type {MessageText} */
  not_allowed: ({ product, Product }) => `${Product} does not allow this browser extension to connect. Allow it in ${product}'s settings.`,
  /** @type {MessageText} */
  handshake_failed: ({ product }) => `Could not set up a secure connection with ${product}. It will be retried.`,
  /** @type {MessageText} */
  decrypt_failed: ({ product }) => `A message between the browser and ${product} was damaged or tampered with, so the connection was closed.`,
  /** @type {MessageText} */
  pairing_rejected: 'Pairing was not approved on the desktop.',
  /** @type {MessageText} */
  internal: ({ Product }) => `${Product} ran into a problem. It will be retried.`,

  // The client's own codes
  /** @type {MessageText} */
  desktop_unavailable: ({ Product }) => `${Product} isn't running. Start it and this will connect by itself.`,
  /** @type {MessageText} */
  host_not_found: ({ product }) => `The helper program of ${product} is not installed for this browser. Run ${product}'s installer, then reload the extension.`,
  /** @type {MessageText} */
  host_forbidden: ({ product }) => `The helper program of ${product} is installed but does not list this extension. Run ${product}'s installer again.`,
  /** @type {MessageText} */
  host_broken: ({ product, command }) => `The helper program of ${product} failed to start. ${command
    ? `Run \`${command} doctor\` to find out why.`
    : `Reinstalling ${product} usually fixes this.`}`,
  /** @type {MessageText} */
  disconnected: ({ product }) => `The connection to ${product} was lost. Reconnecting…`,
  /** @type {MessageText} */
  desktop_identity_changed: ({ product, Product }) => `${Product}'s identity has changed since this browser was paired. If you did not reinstall or reset ${product}, something may be impersonating it.`,
  /** @type {MessageText} */
  pairing_revoked: 'This browser was unpaired on the desktop. Pair again to reconnect.',
  /** @type {MessageText} */
  pairing_failed: ({ product }) => `Pairing failed: ${product} did not follow the pairing steps correctly.`,
  /** @type {MessageText} */
  unsupported_browser: 'This browser is too old: it lacks X25519 in Web Crypto. Update the browser.',
  /** @type {MessageText} */
  not_ready: ({ product }) => `Not connected to ${product} yet.`,
  /** @type {MessageText} */
  closed: 'The connection was closed.',
  /** @type {MessageText} */
  too_large: 'The message is too large to send.',

  // RPC errors, as explain() words them (docs/PROTOCOL.md section 6)
  /** @type {MessageText} */
  timeout: ({ Product }) => `${Product} did not answer in time. Try again.`,
  /** @type {MessageText} */
  cancelled: 'The request was cancelled.',
  /** @type {MessageText} */
  locked: ({ Product }) => `${Product} is locked, so it has no key to give. Unlock it on the desktop first.`,
  /** @type {MessageText} */
  user_cancelled: 'The prompt on the desktop was cancelled.',
  /** @type {MessageText} */
  rate_limited: 'Too many attempts. Wait a minute, then try again.',
  /** @type {MessageText} */
  not_paired: ({ product }) => `This browser is not paired with ${product} yet.`,
  /** @type {MessageText} */
  biometrics_unavailable: 'Biometric unlock is not available.',
  /** @type {MessageText} */
  version_mismatch: ({ product, Product }) => `${Product} is too old for this extension. Update ${product}, then try again.`,
  /** @type {MessageText} */
  method_not_found: ({ product, Product }) => `${Product} does not offer this. Updating ${product} may help.`,
  /** @type {MessageText} */
  rpc_refused: ({ Product, rpcCode }) => `${Product} refused the request (${rpcCode}).`,
  /** @type {MessageText} */
  rpc_malformed_error: ({ Product }) => `${Product} sent a malformed error.`,
  /** @type {MessageText} */
  unknown: 'Something went wrong.',
});

/** @typedef {keyof typeof DEFAULT_MESSAGES} MessageKey */
/** @typedef {Partial<Record<MessageKey | (string & {}), MessageText>>} Messages */

/** Resolves message keys to texts for one client. */
export class MessageCatalog {
  #texts;
  #product;
  #command;

  /**
   * @param {{ messages?: Messages, productName?: string, productCommand?: string | null }} [options]
   */
  constructor({ messages = {}, productName = DEFAULT_PRODUCT_NAME, productCommand = null } = {}) {
    if (typeof productName !== 'string' || !productName) throw new TypeError('productName must be a non-empty string');
    if (messages === null || typeof messages !== 'object') throw new TypeError('messages must be an object');
    for (const [key, text] of Object.entries(messages)) {
      if (typeof text !== 'string' && typeof text !== 'function') throw new TypeError(`messages.${key} must be a string or a function`);
    }
    /** @type {Record<string, MessageText | undefined>} */
    const texts = { ...DEFAULT_MESSAGES, ...messages };
    this.#texts = texts;
    this.#product = productName;
    this.#command = productCommand || null;
  }

  /**
   * True when there is a text for `key`.
   * @param {string} key
   */
  has(key) {
    return this.#texts[key] !== undefined;
  }

  /**
   * The text for `key` (or the `unknown` text naming the key when there is none).
   * @param {string} key
   * @param {{ detail?: string, rpcCode?: number }} [extra]
   * @returns {string}
   */
  text(key, extra = {}) {
    /** @type {MessageContext} */
    const context = { product: this.#product, Product: capitalized(this.#product), command: this.#command, ...extra };
    const text = this.#texts[key];
    if (text === undefined) return `${this.text('unknown', extra)} (${key})`;
    if (typeof text === 'function') return String(text(context));
    return text.replaceAll('{product}', context.product).replaceAll('{Product}', context.Product)
      .replaceAll('{command}', context.command ?? '');
  }
}
