/**
 * The server's content-free nudges (`GET /api/sync/events`, server-sent events, §12): each `poke`
 * asks for a sync. Read with `fetch` so the bearer token travels in a header; reconnects with
 * backoff. Correctness never depends on it.
 */
import { EVENTS_PATH } from "./http";
import { backoffDelay } from "./scheduler";

export interface NudgeOptions {
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Called when the stream says the token is no longer accepted. */
  onUnauthorized?: () => void;
}

/** Splits a server-sent-events stream into events; returns the event names as they complete. */
export class EventStreamParser {
  private buffer = "";
  private event = "";
  private hasData = false;

  push(chunk: string): string[] {
    this.buffer += chunk;
    const events: string[] = [];
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith("\r\n", newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + width);
      if (line === "") {
        if (this.hasData || this.event) events.push(this.event || "message");
        this.event = "";
        this.hasData = false;
      } else if (line.startsWith(":")) {
        continue;
      } else {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        if (field === "event") this.event = line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") this.hasData = true;
      }
    }
    return events;
  }
}

export function listenForNudges(token: () => string | null, onNudge: () => void, options: NudgeOptions = {}): () => void {
  const { minDelayMs = 2_000, maxDelayMs = 60_000 } = options;
  let stopped = false;
  let failures = 0;
  let controller: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const retry = () => {
    if (stopped) return;
    failures += 1;
    timer = setTimeout(() => void connect(), backoffDelay(failures, minDelayMs, maxDelayMs, Math.random));
  };

  const connect = async () => {
    const bearer = token();
    if (stopped || !bearer) return;
    controller = new AbortController();
    try {
      const response = await fetch(EVENTS_PATH, {
        headers: { Authorization: `Bearer ${bearer}`, Accept: "text/event-stream" },
        cache: "no-store",
        credentials: "omit",
        signal: controller.signal,
      });
      if (response.status === 401) {
        options.onUnauthorized?.();
        return;
      }
      if (!response.ok || !response.body) {
        retry();
        return;
      }
      failures = 0;
      onNudge();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new EventStreamParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (parser.push(value).some((name) => name === "poke" || name === "message")) onNudge();
      }
      retry();
    } catch {
      retry();
    }
  };

  void connect();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    controller?.abort();
  };
}
