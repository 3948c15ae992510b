/// <reference lib="webworker" />
/**
 * The service worker: serves the precached, versioned app shell (also for deep links while
 * offline), removes caches of older versions, waits for the person to accept an update, and
 * turns Web Push messages into notifications that open the work order. API calls are never
 * cached here: the app's data lives in IndexedDB.
 */
import { cacheNames, clientsClaim } from "workbox-core";
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from "workbox-precaching";
import { NavigationRoute, registerRoute } from "workbox-routing";

import { notificationFor, parsePushData } from "../shared/push";
import { NAVIGATE_MESSAGE, SKIP_WAITING_MESSAGE, type PageMessage } from "../shared/messages";

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
};

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

registerRoute(
  new NavigationRoute(createHandlerBoundToURL("index.html"), {
    denylist: [/^\/api(\/|$)/, /^\/schema(\/|$)/],
  }),
);

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const keep = cacheNames.precache;
      for (const name of await caches.keys()) {
        if (name !== keep) await caches.delete(name);
      }
    })(),
  );
});
clientsClaim();

self.addEventListener("message", (event) => {
  const data = event.data as PageMessage | undefined;
  if (data?.type === SKIP_WAITING_MESSAGE) void self.skipWaiting();
});

self.addEventListener("push", (event) => {
  const spec = notificationFor(parsePushData(event.data?.text() ?? null));
  keepAlive(
    event,
    self.registration.showNotification(spec.title, {
      body: spec.body,
      tag: spec.tag,
      icon: "/icons/icon-192.png",
      badge: "/icons/badge-96.png",
      data: { url: spec.url },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data as { url?: unknown } | null;
  const url = typeof data?.url === "string" ? data.url : "/";
  keepAlive(event, openInApp(url));
});

/** Focus an open window of the app and route it to `url`; open a new one when there is none. */
async function openInApp(url: string): Promise<void> {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const own = windows.filter((client) => new URL(client.url).origin === self.location.origin);
  const target = own.find((client) => client.focused) ?? own[0];
  if (target) {
    target.postMessage({ type: NAVIGATE_MESSAGE, url });
    await target.focus().catch(() => undefined);
    return;
  }
  await self.clients.openWindow(url);
}

/** Keeps the worker alive for `work`; an event not dispatched by the browser cannot be extended. */
function keepAlive(event: ExtendableEvent, work: Promise<unknown>): void {
  try {
    event.waitUntil(work);
  } catch {
    void work;
  }
}
