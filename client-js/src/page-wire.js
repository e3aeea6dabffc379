// @ts-check
// The page leg's names on the window and the runtime port (docs/PROTOCOL.md section 10), shared
// by the page, the content-script relay and the background.

/** Marks the page's messages on the window, and the runtime port's name. */
export const PAGE_PORT_NAME = 'bridgekeeper.page';
/** The key a page's message is wrapped in on the window. */
export const TO_EXTENSION = 'bridgekeeper:page';
/** The key the extension's answers are wrapped in on the window. */
export const TO_PAGE = 'bridgekeeper:extension';
/** The params key the background puts the page's origin under; a page may not send it. */
export const PAGE_ORIGIN_PARAM = '$page';
/** Largest page message the background accepts, as JSON characters. */
export const DEFAULT_PAGE_MESSAGE_LIMIT = 64 * 1024;
/** A channel or method name part a page may use. */
export const CHANNEL_NAME = /^[A-Za-z0-9_-]+$/;
