// Popup: shows what the background reports and sends it the user's commands. It holds no
// connection state of its own and never sees a key.
const api = globalThis.browser?.runtime ? globalThis.browser : globalThis.chrome;
const port = api.runtime.connect({ name: 'popup' });
const $ = (id) => document.getElementById(id);

const LOCK_WORDS = { locked: 'Locked', unlocked: 'Unlocked', unknown: 'Lock state not known yet' };

function render(view) {
  $('headline').textContent = view.headline;
  $('detail').textContent = view.detail;
  document.body.dataset.state = view.state;

  const code = view.state === 'pairing' && !view.pairingApproved ? view.pairingCode : null;
  $('pairing').hidden = !code;
  $('pairing-code').textContent = code ? code.display : '';

  $('retry').hidden = !view.actions.includes('retry');
  $('retry').textContent = view.error?.code === 'pairing_revoked' || view.error?.code === 'pairing_rejected' ? 'Pair again' : 'Try again';
  const canTrust = view.actions.includes('trust-new-desktop');
  $('trust-new-desktop').hidden = !canTrust || !$('trust-confirm').hidden;
  if (!canTrust) $('trust-confirm').hidden = true;

  const ready = view.state === 'ready';
  $('session').hidden = !ready;
  $('desktop-lock').textContent = LOCK_WORDS[view.desktopLock] ?? view.desktopLock;
  $('biometrics').textContent = view.biometrics
    ? (view.biometrics.detail ? `${view.biometrics.text}: ${view.biometrics.detail}` : view.biometrics.text)
    : 'Checking…';
  const working = view.unlock?.state === 'working';
  $('unlock').disabled = !ready || working;
  $('unlock-result').textContent = view.unlock?.text ?? '';
  $('unlock-result').dataset.state = view.unlock?.state ?? '';

  const list = $('events');
  list.replaceChildren(...view.events.map((event) => {
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.dateTime = event.at;
    time.textContent = new Date(event.at).toLocaleTimeString();
    item.append(time, ` ${event.label}`);
    return item;
  }));
  $('no-events').hidden = view.events.length > 0;
}

port.onMessage.addListener((message) => {
  if (message?.type === 'view') render(message.view);
});
port.onDisconnect.addListener(() => {
  $('headline').textContent = 'The extension restarted';
  $('detail').textContent = 'Close and reopen this window.';
});

$('unlock').addEventListener('click', () => port.postMessage({ cmd: 'unlock' }));
$('retry').addEventListener('click', () => port.postMessage({ cmd: 'retry' }));
// Trusting a new desktop key is the one risky action, so it takes a second, explained click.
$('trust-new-desktop').addEventListener('click', () => {
  $('trust-new-desktop').hidden = true;
  $('trust-confirm').hidden = false;
});
$('trust-no').addEventListener('click', () => {
  $('trust-confirm').hidden = true;
  $('trust-new-desktop').hidden = false;
});
$('trust-yes').addEventListener('click', () => {
  $('trust-confirm').hidden = true;
  port.postMessage({ cmd: 'trust-new-desktop' });
});
