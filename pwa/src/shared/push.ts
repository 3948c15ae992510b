/** The server's Web Push payload and the notification the service worker shows for it. */
import { appPath } from "./routes";

export interface PushPayload {
  type: string;
  title?: string;
  body?: string;
  url?: string;
  work_order_id?: string;
  number?: string | number;
  priority?: string;
  asset?: { code?: string; name?: string };
}

export interface NotificationSpec {
  title: string;
  body: string;
  tag: string;
  url: string;
}

const TYPE_TITLES: Record<string, string> = {
  "work_order.assigned": "New work order",
  "work_order.updated": "Work order updated",
  "work_order.overdue": "Work order overdue",
};

export function parsePushData(text: string | null): PushPayload {
  if (!text) return { type: "unknown" };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && typeof (value as PushPayload).type === "string") {
      return value as PushPayload;
    }
  } catch {
    return { type: "message", body: text };
  }
  return { type: "unknown" };
}

export function notificationFor(payload: PushPayload): NotificationSpec {
  const url = payload.url
    ? appPath(payload.url)
    : payload.work_order_id
      ? appPath(`/wo/${payload.work_order_id}`)
      : "/";
  const number = payload.number !== undefined ? String(payload.number) : "";
  const asset = payload.asset ? [payload.asset.code, payload.asset.name].filter(Boolean).join(" · ") : "";
  const known = TYPE_TITLES[payload.type];
  const priority = payload.priority ? `Priority: ${payload.priority}` : "";
  let title: string;
  let body: string;
  if (known) {
    title = number ? `${known}: ${number}` : known;
    body = payload.body ?? [payload.title, asset, priority].filter(Boolean).join("\n");
  } else {
    title = payload.title ?? "Gemba";
    body = payload.body ?? asset;
  }
  return {
    title,
    body: body || "Open Gemba for details.",
    tag: payload.work_order_id ? `wo-${payload.work_order_id}` : payload.type,
    url,
  };
}
