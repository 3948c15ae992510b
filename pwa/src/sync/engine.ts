/**
 * One round of sync, as `sync/PROTOCOL.md` describes it: push every queued mutation (oldest
 * first) until each has a result, then pull pages until a sequence is revealed. Network failures
 * and 503s end the round with a retry hint; the scheduler decides when to try again.
 */
import {
  MAX_MUTATIONS_PER_PUSH,
  PAGE_SIZE,
  PROTOCOL_VERSION,
  SCHEMA_VERSION,
  decodeAnswer,
  type Answer,
  type PullRequest,
  type PushRequest,
  type VersionNotSupported,
} from "./protocol";
import { Replica } from "./replica";
import type { SyncStore } from "./store";

export interface TransportReply {
  status: number;
  body: unknown;
}

/** Sends one request; throws `OfflineError` when it never reached the server. */
export interface Transport {
  push(request: PushRequest): Promise<TransportReply>;
  pull(request: PullRequest): Promise<TransportReply>;
}

export class OfflineError extends Error {
  constructor(message = "No connection to the server.") {
    super(message);
  }
}

export type RoundResult =
  | { kind: "done" }
  | { kind: "offline" }
  | { kind: "retry"; afterMs?: number; message: string }
  | { kind: "stopped"; reason: "unauthorized" | "update_required" | "forbidden" | "lost_work"; message: string };

export interface EngineOptions {
  batchSize?: number;
  pageSize?: number;
  maxPages?: number;
  onUnauthorized?: () => void;
}

type Step = { kind: "continue" } | RoundResult;

export class SyncEngine {
  readonly replica: Replica;
  private readonly batchSize: number;
  private readonly pageSize: number;
  private readonly maxPages: number;

  constructor(
    private readonly store: SyncStore,
    private readonly transport: Transport,
    private readonly clientId: string,
    private readonly options: EngineOptions = {},
  ) {
    this.batchSize = Math.min(options.batchSize ?? 100, MAX_MUTATIONS_PER_PUSH);
    this.pageSize = options.pageSize ?? PAGE_SIZE;
    this.maxPages = options.maxPages ?? 10_000;
    this.replica = new Replica(store);
  }

  /** Push, then pull; after a 410 the outbox is pushed again before the pull from the start. */
  async round(): Promise<RoundResult> {
    const sync = await this.store.sync();
    if (sync.update_required) {
      return { kind: "stopped", reason: "update_required", message: sync.update_required };
    }
    if (sync.lost_work) return { kind: "stopped", reason: "lost_work", message: sync.lost_work };
    for (let attempt = 0; attempt < 3; attempt++) {
      const pushed = await this.pushAll();
      if (pushed.kind !== "done") return this.remember(pushed);
      const pulled = await this.pull();
      if (pulled.kind === "continue") continue;
      return this.remember(pulled);
    }
    return this.remember({ kind: "retry", message: "The server asked to start over again; retrying later." });
  }

  private async remember(result: RoundResult): Promise<RoundResult> {
    if (result.kind === "retry" || result.kind === "stopped") {
      const stopped = result.kind === "stopped" ? result.reason : null;
      await this.store.updateSync({
        last_error: result.message,
        ...(stopped === "update_required" ? { update_required: result.message } : {}),
        ...(stopped === "lost_work" ? { lost_work: result.message } : {}),
      });
    }
    return result;
  }

  /** Pushes batches until no queued mutation is without a result. */
  async pushAll(): Promise<RoundResult> {
    for (;;) {
      const batch = await this.store.batch(this.batchSize);
      if (batch.length === 0) return { kind: "done" };
      const request: PushRequest = {
        protocol_version: PROTOCOL_VERSION,
        schema_version: SCHEMA_VERSION,
        client_id: this.clientId,
        mutations: batch,
      };
      const sent = await this.send(() => this.transport.push(request));
      if ("result" in sent) return sent.result;
      const answer = sent.answer;
      const ids = batch.map((m) => m.id);
      const before = new Set(await this.store.pendingIds());
      const step = await this.onPushAnswer(answer, ids);
      if (step.kind !== "continue") return step;
      const after = await this.store.pendingIds();
      if (after.length && after.every((id) => before.has(id)) && after.length === before.size) {
        return { kind: "retry", message: "The server answered without results; retrying later." };
      }
    }
  }

  private async onPushAnswer(answer: Answer, ids: number[]): Promise<Step> {
    switch (answer.type) {
      case "push_response":
        await this.store.applyResults(answer.results, ids);
        return { kind: "continue" };
      case "out_of_order": {
        await this.store.applyResults(answer.results, ids);
        if (await this.store.lost(answer.expected)) {
          return {
            kind: "stopped",
            reason: "lost_work",
            message:
              `The server no longer has changes it had confirmed (it expects change ${answer.expected}; ` +
              "it was probably restored from a backup). Sync is stopped and your unsent changes are kept: tell your administrator.",
          };
        }
        return { kind: "continue" };
      }
      case "version_not_supported":
        await this.store.applyResults(answer.results, ids);
        return this.versionRefused(answer);
      default:
        return this.onError(answer);
    }
  }

  /** Pulls pages until a sequence is revealed (`continue` means: push again, then pull). */
  async pull(): Promise<Step> {
    const sync = await this.store.sync();
    if (sync.reset_after !== null && sync.reset_after !== undefined) {
      const pending = await this.store.pendingIds();
      const cutoff = sync.reset_after;
      if (pending.some((id) => id <= cutoff)) {
        return { kind: "retry", message: "Waiting to send every change before starting over." };
      }
      await this.replica.forgetCursor();
      await this.store.updateSync({ reset_after: null });
    }
    let cursor = await this.replica.nextCursor();
    for (let page = 0; page < this.maxPages; page++) {
      const request: PullRequest = {
        protocol_version: PROTOCOL_VERSION,
        schema_version: SCHEMA_VERSION,
        client_id: this.clientId,
        cursor,
        page_size: this.pageSize,
      };
      const sent = await this.send(() => this.transport.pull(request));
      if ("result" in sent) return sent.result;
      const answer = sent.answer;
      if (answer.type === "pull_response") {
        const revealed = await this.replica.receive(answer);
        if (revealed) return { kind: "done" };
        cursor = answer.cursor;
        continue;
      }
      if (answer.type === "reset_required") {
        this.replica.dropStaging();
        await this.store.updateSync({ reset_after: (await this.store.nextId()) - 1 });
        return { kind: "continue" };
      }
      if (answer.type === "version_not_supported") return this.versionRefused(answer);
      return this.onError(answer);
    }
    return { kind: "retry", message: "The first sync is larger than expected; continuing later." };
  }

  private async send(call: () => Promise<TransportReply>): Promise<{ answer: Answer } | { result: RoundResult }> {
    let reply: TransportReply;
    try {
      reply = await call();
    } catch (error) {
      if (error instanceof OfflineError) return { result: { kind: "offline" } };
      throw error;
    }
    try {
      return { answer: decodeAnswer(reply.body) };
    } catch {
      if (reply.status === 401) return { result: this.unauthorized("This device is no longer signed in.") };
      return { result: { kind: "retry", message: `The server answered ${reply.status}; retrying later.` } };
    }
  }

  /** The app is behind: ask for an update. The server is behind (older than the app): try later. */
  private versionRefused(answer: VersionNotSupported): RoundResult {
    if (answer.got > answer.max_supported) {
      return { kind: "retry", message: answer.message || "The server is older than this app; retrying later." };
    }
    return {
      kind: "stopped",
      reason: "update_required",
      message: answer.message || "This version of the app is too old for the server: reload to update.",
    };
  }

  private unauthorized(message: string): RoundResult {
    this.options.onUnauthorized?.();
    return { kind: "stopped", reason: "unauthorized", message: message || "This device is no longer signed in." };
  }

  private onError(answer: Answer): RoundResult {
    switch (answer.type) {
      case "unauthorized":
        return this.unauthorized(answer.message);
      case "forbidden":
        return { kind: "stopped", reason: "forbidden", message: answer.message || "This device may not sync." };
      case "unavailable":
        return { kind: "retry", afterMs: answer.retry_after_ms, message: answer.message || "The server is busy." };
      case "bad_request":
        return { kind: "retry", message: `The server could not read a sync request: ${answer.message}` };
      default:
        return { kind: "retry", message: `Unexpected sync answer: ${answer.type}` };
    }
  }
}
