/** Web Push for this device: permission, the server's VAPID key, the subscription. */
import { setMeta } from "../db/store";
import type { PushStatus } from "../db/schema";
import { ApiError, api, errorText } from "./api";
import { pushStatus } from "./state";

const READY_TIMEOUT_MS = 10_000;

export function pushSupported(): boolean {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

/** Asks for permission when still undecided, then subscribes and registers with the server. */
export async function enablePush(ask: boolean): Promise<PushStatus> {
  const status = await subscribe(ask);
  pushStatus.value = status;
  await setMeta("push", status);
  return status;
}

async function subscribe(ask: boolean): Promise<PushStatus> {
  if (!pushSupported()) {
    return {
      state: "unsupported",
      detail: "This browser cannot receive push notifications here. On iPhone and iPad, add Gemba to the Home Screen first.",
    };
  }
  let permission = Notification.permission;
  if (permission === "default" && ask) permission = await Notification.requestPermission();
  if (permission === "denied") {
    return {
      state: "denied",
      detail: "Notifications are blocked for Gemba. New work orders still appear in My work; allow notifications in the browser settings to be alerted.",
    };
  }
  if (permission !== "granted") {
    return { state: "default", detail: "Notifications are off. Turn them on to be alerted to new work orders." };
  }
  let key: string;
  try {
    key = vapidKey(await api<unknown>("/api/push/vapid-public-key"));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405 || error.status === 501)) {
      return { state: "unavailable", detail: "This server does not send push notifications." };
    }
    return { state: "failed", detail: `Could not reach the push service: ${errorText(error)}` };
  }
  let subscription: PushSubscription;
  try {
    const registration = await withTimeout(navigator.serviceWorker.ready, READY_TIMEOUT_MS);
    subscription =
      (await registration.pushManager.getSubscription()) ??
      (await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: base64UrlToBytes(key),
      }));
  } catch (error) {
    return {
      state: "failed",
      detail: `This browser could not create a push subscription (${errorText(error)}). The app works without it.`,
    };
  }
  const json = subscription.toJSON();
  try {
    await api("/api/push/subscriptions", {
      method: "POST",
      body: { endpoint: subscription.endpoint, keys: { p256dh: json.keys?.p256dh, auth: json.keys?.auth } },
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return { state: "unavailable", detail: "This server does not send push notifications." };
    }
    return { state: "failed", detail: `The server did not register this device: ${errorText(error)}` };
  }
  return { state: "subscribed", at: new Date().toISOString() };
}

function vapidKey(answer: unknown): string {
  if (typeof answer === "string") return answer;
  if (typeof answer === "object" && answer !== null) {
    for (const name of ["public_key", "publicKey", "key", "vapid_public_key"]) {
      const value = (answer as Record<string, unknown>)[name];
      if (typeof value === "string") return value;
    }
  }
  throw new Error("the server's VAPID key has an unknown shape");
}

export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const padded = value.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(value.length / 4) * 4, "=");
  const binary = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the service worker is not active")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
