/** Service worker registration and the "new version — reload" flow (applied only when accepted). */
import { Workbox } from "workbox-window";

import { NAVIGATE_MESSAGE, type WorkerMessage } from "../shared/messages";
import { appPath } from "../shared/routes";
import { navigate } from "./router";
import { updateReady } from "./state";

const CHECK_EVERY_MS = 60 * 60 * 1000;
let workbox: Workbox | null = null;

export function registerServiceWorker(): void {
  if (!("serviceWorker" in navigator) || !import.meta.env.PROD) return;
  workbox = new Workbox("/sw.js", { scope: "/" });
  workbox.addEventListener("waiting", () => {
    updateReady.value = true;
  });
  navigator.serviceWorker.addEventListener("message", (event: MessageEvent<WorkerMessage | undefined>) => {
    if (event.data?.type === NAVIGATE_MESSAGE) navigate(appPath(event.data.url));
  });
  void workbox.register();
  setInterval(() => void checkForUpdate(), CHECK_EVERY_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void checkForUpdate();
  });
}

export async function checkForUpdate(): Promise<void> {
  try {
    await workbox?.update();
  } catch {
    // offline: try again later
  }
}

/** Activates the waiting version and reloads into it once it controls the page. */
export function applyUpdate(): void {
  if (!workbox) return;
  workbox.addEventListener("controlling", () => location.reload());
  workbox.messageSkipWaiting();
}
