// Which web pages may use this extension, and for what (docs/PROTOCOL.md section 10). Nothing
// else may: an origin not listed is refused with `not_allowed`.
//
// Sample only: any port on http://127.0.0.1 is allowed, because the sample page and the
// end-to-end test serve it on a free port. A real extension lists its exact https origins.
// The content script also runs on http://localhost, which is not listed here, so the refusal
// by the background (`not_allowed`) can be seen for real.

import { servePages } from '@bridgekeeper/client';

export const SAMPLE_PAGE_POLICY = Object.freeze([
  Object.freeze({
    origin: 'http://127.0.0.1:*',
    methods: ['biometric.status'],
    topics: ['desktop.locked', 'desktop.unlocked'],
    ratePerSecond: 5,
    burst: 20,
  }),
]);

/**
 * Serves the allowed pages through the extension's own client.
 * @param {import('@bridgekeeper/client').BridgekeeperClient} client
 * @param {any} api the WebExtension API object
 */
export function serveSamplePages(client, api) {
  return servePages(client, { api, allow: [...SAMPLE_PAGE_POLICY] });
}
