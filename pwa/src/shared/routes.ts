/** Client routes, shared by the page (router) and the service worker (notification targets). */

export type Route =
  | { name: "work" }
  | { name: "scan" }
  | { name: "inbox" }
  | { name: "settings" }
  | { name: "line" }
  | { name: "asset"; token: string }
  | { name: "part"; token: string }
  | { name: "bin"; token: string }
  | { name: "workorder"; id: string }
  | { name: "notfound"; path: string };

const TOKEN = /^[A-Za-z0-9_-]{8,64}$/;
const ID = /^[A-Za-z0-9-]{1,64}$/;

export function parseRoute(path: string): Route {
  const clean = path.split(/[?#]/, 1)[0] ?? "/";
  const parts = clean.split("/").filter(Boolean).map(safeDecode);
  const [head, arg, extra] = parts;
  if (extra !== undefined) return { name: "notfound", path: clean };
  if (head === undefined) return { name: "work" };
  if (arg === undefined) {
    if (head === "scan") return { name: "scan" };
    if (head === "inbox") return { name: "inbox" };
    if (head === "settings") return { name: "settings" };
    if (head === "work") return { name: "work" };
    if (head === "line") return { name: "line" };
  } else {
    if (head === "a" && TOKEN.test(arg)) return { name: "asset", token: arg };
    if (head === "p" && TOKEN.test(arg)) return { name: "part", token: arg };
    if (head === "b" && TOKEN.test(arg)) return { name: "bin", token: arg };
    if (head === "wo" && ID.test(arg)) return { name: "workorder", id: arg };
  }
  return { name: "notfound", path: clean };
}

export function routePath(route: Route): string {
  switch (route.name) {
    case "work":
      return "/";
    case "scan":
      return "/scan";
    case "inbox":
      return "/inbox";
    case "settings":
      return "/settings";
    case "line":
      return "/line";
    case "asset":
      return `/a/${encodeURIComponent(route.token)}`;
    case "part":
      return `/p/${encodeURIComponent(route.token)}`;
    case "bin":
      return `/b/${encodeURIComponent(route.token)}`;
    case "workorder":
      return `/wo/${encodeURIComponent(route.id)}`;
    case "notfound":
      return route.path;
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * The label token in what a scanner or a person produced: a label URL
 * (`https://host/a/{token}`, any host, since labels carry the public base URL),
 * a bare path (`/a/{token}`) or the token itself. Null when it is none of these.
 */
export function labelToken(text: string): string | null {
  const value = text.trim();
  if (TOKEN.test(value)) return value;
  const match = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/\s]+)?\/a\/([A-Za-z0-9_-]{8,64})\/?(?:[?#].*)?$/i.exec(value);
  return match?.[1] ?? null;
}

export type LabelKind = "asset" | "part" | "bin";
export interface ScannedLabel {
  kind: LabelKind;
  token: string;
}

const KIND_OF: Record<string, LabelKind> = { a: "asset", p: "part", b: "bin" };

/**
 * What a scanned QR code points at: an asset (`/a/`), a part (`/p/`) or a bin (`/b/`) label of any
 * host, or a bare path. A bare token is taken as `fallback` (what the screen is asking for).
 */
export function scanTarget(text: string, fallback: LabelKind | null = "asset"): ScannedLabel | null {
  const value = text.trim();
  if (TOKEN.test(value)) return fallback ? { kind: fallback, token: value } : null;
  const match = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/\s]+)?\/([apb])\/([A-Za-z0-9_-]{8,64})\/?(?:[?#].*)?$/i.exec(value);
  if (!match) return null;
  const kind = KIND_OF[match[1]!.toLowerCase()];
  return kind ? { kind, token: match[2]! } : null;
}

/** The app path a scanned label opens. */
export function labelPath(label: ScannedLabel): string {
  const prefix = label.kind === "asset" ? "a" : label.kind === "part" ? "p" : "b";
  return `/${prefix}/${encodeURIComponent(label.token)}`;
}

/** Keeps only same-origin app paths (a push payload must not send the app elsewhere). */
export function appPath(url: unknown): string {
  if (typeof url !== "string" || !url.startsWith("/") || url.startsWith("//")) return "/";
  return parseRoute(url).name === "notfound" ? "/" : url;
}
