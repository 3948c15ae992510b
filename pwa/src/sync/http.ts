/** The sync endpoints over fetch, with the device's bearer token. */
import { OfflineError, type Transport, type TransportReply } from "./engine";
import type { PullRequest, PushRequest } from "./protocol";

export const PUSH_PATH = "/api/sync/push";
export const PULL_PATH = "/api/sync/pull";
export const EVENTS_PATH = "/api/sync/events";

export function httpTransport(token: () => string | null, timeoutMs = 30_000): Transport {
  const post = async (path: string, body: unknown): Promise<TransportReply> => {
    const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
    const bearer = token();
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response: Response;
    try {
      response = await fetch(path, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
        signal: controller.signal,
      });
    } catch {
      throw new OfflineError();
    } finally {
      clearTimeout(timer);
    }
    const text = await response.text().catch(() => "");
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed };
  };
  return {
    push: (request: PushRequest) => post(PUSH_PATH, request),
    pull: (request: PullRequest) => post(PULL_PATH, request),
  };
}
