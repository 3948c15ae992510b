/** A small history router: the current route as a signal, in-app links without reloads. */
import { signal } from "@preact/signals";

import { parseRoute, type Route } from "../shared/routes";

export const route = signal<Route>(parseRoute(location.pathname));

export function navigate(path: string, replace = false): void {
  const url = new URL(path, location.origin);
  if (url.origin !== location.origin) {
    location.assign(url.href);
    return;
  }
  const target = url.pathname + url.search + url.hash;
  if (target !== location.pathname + location.search + location.hash) {
    if (replace) history.replaceState(null, "", target);
    else history.pushState(null, "", target);
  }
  route.value = parseRoute(url.pathname);
}

export function startRouter(): void {
  addEventListener("popstate", () => {
    route.value = parseRoute(location.pathname);
  });
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.("a[href]");
    if (!(anchor instanceof HTMLAnchorElement) || anchor.target || anchor.hasAttribute("download")) return;
    const url = new URL(anchor.href);
    if (url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
}
