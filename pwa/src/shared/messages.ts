/** Messages between the page and the service worker. */

export const SKIP_WAITING_MESSAGE = "SKIP_WAITING";
export const NAVIGATE_MESSAGE = "NAVIGATE";

export type PageMessage = { type: typeof SKIP_WAITING_MESSAGE };
export type WorkerMessage = { type: typeof NAVIGATE_MESSAGE; url: string };
