// The sample page: the same call/channel/on API an extension uses, through the extension.
import { PageClient } from '@bridgekeeper/client/page';

const client = new PageClient();
const show = (id, text) => {
  document.getElementById(id).textContent = text;
};

for (const topic of ['desktop.locked', 'desktop.unlocked']) {
  client.on(topic, () => {
    const item = document.createElement('li');
    item.textContent = `${new Date().toLocaleTimeString()} ${topic}`;
    document.getElementById('events').prepend(item);
  });
}

async function main() {
  const { desktop, origin } = await client.ready({ signal: AbortSignal.timeout(60_000) });
  show('status', `connected to ${desktop?.name ?? 'the desktop'} as ${origin}`);
  const status = await client.channel('biometric', '1.0.0').status({}, { timeoutMs: 30_000 });
  show('biometrics', JSON.stringify(status));
  globalThis.bridgekeeperPage = { status, origin };
}

main().catch((error) => {
  show('status', `${error.code ?? error.name}: ${error.message}`);
  globalThis.bridgekeeperPage = { error: { code: error.code ?? error.name, message: error.message } };
});
