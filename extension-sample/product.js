// Which desktop product this build talks to: its native messaging host name and the names its
// texts use. Another product's build replaces this one file (see e2e/product-b.mjs); the code
// stays the same. A JavaScript module, not JSON: Chromium restarts a stopped service worker from
// the scripts it stored at install, and a JSON module import is not among them.
export default {
  hostName: 'dev.bridgekeeper.host',
  productName: 'Bridgekeeper',
  productCommand: 'bridgekeeper',
};
