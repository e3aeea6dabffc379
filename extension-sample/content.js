// Content script on the allowed pages (manifest "content_scripts"): relays the page's
// window.postMessage requests to the background over a runtime port and the answers back.
// Content scripts are classic scripts, so the vendored client module is loaded with import()
// (listed in "web_accessible_resources" for the same pages).
(async () => {
  const api = globalThis.browser?.runtime ? globalThis.browser : globalThis.chrome;
  const { relayPage } = await import(api.runtime.getURL('vendor/bridgekeeper-client/src/page.js'));
  relayPage({ api, window });
})().catch((error) => console.warn(`[bridgekeeper] page relay failed to start: ${error?.message}`));
