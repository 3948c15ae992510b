/** What this device calls itself at login: a readable name and a kind the server knows. */
import type { DeviceKind } from "./api";

export function deviceName(userAgent: string): string {
  const ua = userAgent;
  const os = /iPad/.test(ua)
    ? "iPad"
    : /iPhone/.test(ua)
      ? "iPhone"
      : /Android/.test(ua)
        ? (/Android[^;)]*;\s*([^;)]+?)(?:\s+Build|\))/.exec(ua)?.[1]?.trim() ?? "Android")
        : /Windows/.test(ua)
          ? "Windows"
          : /Mac OS X|Macintosh/.test(ua)
            ? "Mac"
            : /CrOS/.test(ua)
              ? "ChromeOS"
              : /Linux/.test(ua)
                ? "Linux"
                : "Device";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /SamsungBrowser/.test(ua)
      ? "Samsung Internet"
      : /Firefox|FxiOS/.test(ua)
        ? "Firefox"
        : /Chrome|Chromium|CriOS/.test(ua)
          ? "Chrome"
          : /Safari/.test(ua)
            ? "Safari"
            : "browser";
  const android = os !== "Android" && /Android/.test(ua) ? "Android " : "";
  return `${android}${os} · ${browser}`.slice(0, 120);
}

/** Phone below 600 CSS px on the short side, tablet up to 1366 px on the long side with touch. */
export function deviceKind(width: number, height: number, touch: boolean): DeviceKind {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  if (short < 600) return "phone";
  if (touch && long <= 1366) return "tablet";
  return touch ? "tablet" : "desktop";
}

/** iOS Safari in a browser tab (not the installed Home Screen app). */
export function isIosBrowserTab(userAgent: string, standalone: boolean, maxTouchPoints: number): boolean {
  const ios = /iPad|iPhone|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
  const safari = /Safari/.test(userAgent) && !/CriOS|FxiOS|EdgiOS/.test(userAgent);
  return ios && safari && !standalone;
}
