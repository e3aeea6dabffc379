// Reads what the sample extension's popup shows, the way a person would see it. The same
// function runs in Chromium (Playwright page.evaluate) and Firefox (Marionette ExecuteScript),
// so it must be self-contained.

export function readPopup() {
  const text = (id) => document.getElementById(id)?.textContent?.trim() ?? null;
  const shown = (id) => {
    const el = document.getElementById(id);
    return Boolean(el) && !el.hidden && !el.closest('[hidden]');
  };
  return {
    state: document.body.dataset.state ?? null,
    headline: text('headline'),
    detail: text('detail'),
    pairingCode: shown('pairing') ? text('pairing-code') : null,
    retryButton: shown('retry') ? text('retry') : null,
    session: shown('session'),
    desktopLock: text('desktop-lock'),
    biometrics: text('biometrics'),
    unlockEnabled: shown('unlock') && !document.getElementById('unlock').disabled,
    unlockResult: text('unlock-result'),
    unlockState: document.getElementById('unlock-result')?.dataset.state ?? null,
    events: [...document.querySelectorAll('#events li')].map((li) => li.textContent.trim()),
  };
}

/** The same, as a script body for Marionette's ExecuteScript. */
export const READ_POPUP_SCRIPT = `return (${readPopup.toString()})();`;

/** Popup window size used for screenshots: about what the toolbar popup gets. */
export const POPUP_SIZE = { width: 380, height: 520 };
