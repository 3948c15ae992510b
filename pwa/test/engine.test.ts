import "fake-indexeddb/auto";

import { afterEach, describe, expect, it, vi } from "vitest";

import { openStore } from "../src/db/store";
import { OfflineError, SyncEngine, type Transport, type TransportReply } from "../src/sync/engine";
import type { PullRequest, PullResponse, PushRequest } from "../src/sync/protocol";
import { SyncScheduler, backoffDelay } from "../src/sync/scheduler";
import { SyncStore } from "../src/sync/store";
import { readRow, readRows } from "../src/sync/view";

const CLIENT = "0190b000-0000-7000-8000-00000000000b";
const V = { protocol_version: 1, schema_version: 1 };
let count = 0;

function fresh(): { store: SyncStore; name: string } {
  const name = `engine-${++count}`;
  return { store: new SyncStore(openStore(name)), name };
}

type Answer = TransportReply | "offline";

/** A server scripted step by step; records what the client sent. */
function scripted(pushes: Answer[], pulls: Answer[]) {
  const sent: { push: PushRequest[]; pull: PullRequest[] } = { push: [], pull: [] };
  const reply = (queue: Answer[]) => {
    const next = queue.shift();
    if (next === undefined) throw new Error("the script has no more answers");
    if (next === "offline") throw new OfflineError();
    return next;
  };
  const transport: Transport = {
    push: async (request) => {
      sent.push.push(structuredClone(request));
      return reply(pushes);
    },
    pull: async (request) => {
      sent.pull.push(structuredClone(request));
      return reply(pulls);
    },
  };
  return { transport, sent };
}

function page(ops: PullResponse["ops"], lastMutationId: number, cursor = "c1", more = false): TransportReply {
  return {
    status: 200,
    body: { type: "pull_response", ...V, cursor, last_mutation_id: lastMutationId, ops, has_more: more, reset: false },
  };
}

function applied(...ids: number[]): TransportReply {
  return {
    status: 200,
    body: {
      type: "push_response",
      ...V,
      results: ids.map((id) => ({ id, status: "applied", code: null, reason: null, original: null })),
      last_mutation_id: Math.max(0, ...ids),
    },
  };
}

const WO = { op: "put" as const, entity: "workorder", id: "wo-1", version: 3, data: { title: "Belt", status: "open" } };

describe("sync engine", () => {
  it("leaves the outbox alone when offline", async () => {
    const { store } = fresh();
    await store.enqueue({ name: "workorder.edit", version: 1, args: { id: "wo-1" } });
    const { transport } = scripted(["offline"], []);
    expect(await new SyncEngine(store, transport, CLIENT).round()).toEqual({ kind: "offline" });
    expect(await store.pendingIds()).toEqual([1]);
  });

  it("pushes oldest first, then pulls, and forgets entries the pull confirms", async () => {
    const { store } = fresh();
    for (let i = 0; i < 3; i++) await store.enqueue({ name: "stock.adjust", version: 1, args: { id: "st-1", delta: -1 } });
    const { transport, sent } = scripted([applied(1, 2), applied(3)], [page([{ op: "clear" }, WO], 3)]);
    const engine = new SyncEngine(store, transport, CLIENT, { batchSize: 2 });
    expect(await engine.round()).toEqual({ kind: "done" });
    expect(sent.push.map((r) => r.mutations.map((m) => m.id))).toEqual([[1, 2], [3]]);
    expect(sent.push[0]?.client_id).toBe(CLIENT);
    expect(sent.pull[0]?.cursor).toBeNull();
    expect(await store.pendingIds()).toEqual([]);
    expect(await (await store.db()).count("outbox")).toBe(0);
    expect((await store.sync()).cursor).toBe("c1");
    expect((await readRow("workorder", "wo-1", await store.db()))?.data.status).toBe("open");
  });

  it("shows a queued change over the server's row until it is confirmed or refused", async () => {
    const { store } = fresh();
    const db = await store.db();
    await store.reveal([WO], "c0", 0);
    await store.enqueue({
      name: "workorder.edit",
      version: 1,
      args: { id: "wo-1", fields: { status: { value: "in_progress", base_version: 3 } } },
      effects: [{ op: "patch", entity: "workorder", id: "wo-1", fields: { status: "in_progress" } }],
    });
    expect(await readRow("workorder", "wo-1", db)).toMatchObject({ data: { status: "in_progress" }, pending: true });
    const refusal: TransportReply = {
      status: 200,
      body: {
        type: "push_response",
        ...V,
        results: [{ id: 1, status: "rejected", code: "closed", reason: "the work order is closed", original: null }],
        last_mutation_id: 1,
      },
    };
    const { transport } = scripted([refusal], [page([], 1)]);
    await new SyncEngine(store, transport, CLIENT).round();
    expect(await readRow("workorder", "wo-1", db)).toMatchObject({ data: { status: "open" }, pending: false });
    const [refused] = await db.getAll("outbox");
    expect(refused).toMatchObject({ state: "rejected", result: { reason: "the work order is closed" } });
  });

  it("keeps an applied change on screen until a revealed pull includes it", async () => {
    const { store } = fresh();
    const db = await store.db();
    await store.reveal([WO], "c0", 0);
    await store.enqueue({
      name: "workorder.edit",
      version: 1,
      args: { id: "wo-1", fields: { status: { value: "in_progress", base_version: 3 } } },
      effects: [{ op: "patch", entity: "workorder", id: "wo-1", fields: { status: "in_progress" } }],
    });
    await store.applyResults([{ id: 1, status: "applied", code: null, reason: null, original: null }]);
    expect(await readRow("workorder", "wo-1", db)).toMatchObject({ data: { status: "in_progress" } });
    await store.reveal([{ ...WO, version: 4, data: { ...WO.data, status: "in_progress" } }], "c1", 1);
    expect(await readRow("workorder", "wo-1", db)).toMatchObject({ data: { status: "in_progress" }, pending: false });
  });

  it("lays new rows and deletions of queued changes over the list", async () => {
    const { store } = fresh();
    const db = await store.db();
    await store.reveal([WO, { ...WO, id: "wo-2" }], "c0", 0);
    await store.enqueue({
      name: "comment.add",
      version: 1,
      args: {},
      effects: [
        { op: "put", entity: "workorder", id: "wo-3", data: { title: "New" } },
        { op: "del", entity: "workorder", id: "wo-2" },
      ],
    });
    expect((await readRows("workorder", db)).map((r) => r.id).sort()).toEqual(["wo-1", "wo-3"]);
  });

  it("keeps the outbox across a restart (a new connection to the same database)", async () => {
    const { store, name } = fresh();
    await store.enqueue({ name: "stock.adjust", version: 1, args: { id: "st-1", delta: 2 } });
    (await store.db()).close();
    const reopened = new SyncStore(openStore(name));
    expect(await reopened.pendingIds()).toEqual([1]);
    expect(await reopened.nextId()).toBe(2);
  });

  it("waits as the server says on 503 and applies nothing", async () => {
    const { store } = fresh();
    await store.enqueue({ name: "stock.adjust", version: 1, args: {} });
    const busy: TransportReply = {
      status: 503,
      body: { type: "unavailable", ...V, retry_after_ms: 2000, message: "down" },
    };
    const { transport } = scripted([busy], []);
    expect(await new SyncEngine(store, transport, CLIENT).round()).toMatchObject({ kind: "retry", afterMs: 2000 });
    expect(await store.pendingIds()).toEqual([1]);
  });

  it("after a 410 pushes the whole outbox, then pulls from the start", async () => {
    const { store } = fresh();
    await store.reveal([WO], "old", 0);
    await store.enqueue({ name: "stock.adjust", version: 1, args: {} });
    const gone: TransportReply = { status: 410, body: { type: "reset_required", ...V, reason: "retention", message: "" } };
    await store.enqueue({ name: "stock.adjust", version: 1, args: {} });
    const { transport: t2, sent: s2 } = scripted([applied(1, 2)], [gone, page([{ op: "clear" }, WO], 2, "fresh")]);
    expect(await new SyncEngine(store, t2, CLIENT).round()).toEqual({ kind: "done" });
    expect(s2.pull.map((r) => r.cursor)).toEqual(["old", null]);
    expect((await store.sync()).cursor).toBe("fresh");
  });

  it("stops for an app update on 426 and keeps what the server did not take", async () => {
    const { store } = fresh();
    await store.enqueue({ name: "stock.adjust", version: 1, args: {} });
    await store.enqueue({ name: "workorder.edit", version: 1, args: {} });
    const old: TransportReply = {
      status: 426,
      body: {
        type: "version_not_supported",
        ...V,
        kind: "mutation",
        got: 1,
        min_supported: 2,
        max_supported: 3,
        name: "workorder.edit",
        message: "mutation workorder.edit@1 is not supported (supported: 2..3); update the app",
        results: [{ id: 1, status: "applied", code: null, reason: null, original: null }],
        last_mutation_id: 1,
      },
    };
    const { transport } = scripted([old], []);
    const engine = new SyncEngine(store, transport, CLIENT);
    expect(await engine.round()).toMatchObject({ kind: "stopped", reason: "update_required" });
    expect(await store.pendingIds()).toEqual([2]);
    expect((await store.sync()).update_required).toContain("update the app");
    expect(await engine.round()).toMatchObject({ kind: "stopped", reason: "update_required" });
  });

  it("retries later when the server is older than the app", async () => {
    const { store } = fresh();
    await store.enqueue({ name: "workorder.edit", version: 4, args: {} });
    const newer: TransportReply = {
      status: 426,
      body: {
        type: "version_not_supported",
        ...V,
        kind: "mutation",
        got: 4,
        min_supported: 1,
        max_supported: 3,
        name: "workorder.edit",
        message: "this server is older than the app; retry later",
        results: [],
        last_mutation_id: 0,
      },
    };
    const { transport } = scripted([newer], []);
    expect(await new SyncEngine(store, transport, CLIENT).round()).toMatchObject({ kind: "retry" });
    expect((await store.sync()).update_required).toBeNull();
  });

  it("reports a revoked device", async () => {
    const { store } = fresh();
    const onUnauthorized = vi.fn();
    const { transport } = scripted([], [{ status: 401, body: { status: 401, title: "Unauthorized" } }]);
    const result = await new SyncEngine(store, transport, CLIENT, { onUnauthorized }).round();
    expect(result).toMatchObject({ kind: "stopped", reason: "unauthorized" });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it("stops and keeps the outbox when the server expects a change it had already confirmed", async () => {
    const { store } = fresh();
    await store.enqueue({ name: "stock.adjust", version: 1, args: {} });
    await store.enqueue({ name: "stock.adjust", version: 1, args: {} });
    await store.applyResults([{ id: 1, status: "applied" }]);
    const gap: TransportReply = {
      status: 409,
      body: { type: "out_of_order", ...V, expected: 1, got: 2, last_mutation_id: 0, results: [] },
    };
    const { transport } = scripted([gap], []);
    const engine = new SyncEngine(store, transport, CLIENT);
    expect(await engine.round()).toMatchObject({ kind: "stopped", reason: "lost_work" });
    expect((await store.sync()).lost_work).toContain("expects change 1");
    expect(await store.pendingIds()).toEqual([2]);
    expect(await engine.round()).toMatchObject({ kind: "stopped", reason: "lost_work" });
  });

  it("reveals a first sync of several pages only at the end", async () => {
    const { store } = fresh();
    const db = await store.db();
    const pulls: Answer[] = [
      page([{ op: "clear" }, WO], 0, "p1", true),
      page([{ ...WO, id: "wo-2" }], 0, "p2", true),
      "offline",
    ];
    const { transport, sent } = scripted([], pulls);
    const engine = new SyncEngine(store, transport, CLIENT);
    expect(await engine.round()).toEqual({ kind: "offline" });
    expect(await db.count("entities")).toBe(0);
    const { transport: again, sent: sentAgain } = scripted([], [page([{ ...WO, id: "wo-3" }], 0, "p3")]);
    const resumed = new SyncEngine(store, again, CLIENT);
    expect(await resumed.round()).toEqual({ kind: "done" });
    expect(sent.pull.map((r) => r.cursor)).toEqual([null, "p1", "p2"]);
    expect(sentAgain.pull[0]?.cursor).toBeNull();
    expect((await readRows("workorder", db)).map((r) => r.id)).toEqual(["wo-3"]);
  });
});

describe("sync scheduler", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("backs off exponentially up to a ceiling", () => {
    const half = () => 1;
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, 1000, 8000, half))).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(backoffDelay(1, 1000, 8000, () => 0)).toBe(500);
  });

  it("coalesces requests during a round and retries failures later", async () => {
    vi.useFakeTimers();
    const results = [{ kind: "retry" as const, message: "x" }, { kind: "done" as const }, { kind: "done" as const }];
    const runner = { round: vi.fn(async () => results.shift() ?? { kind: "done" as const }) };
    const scheduler = new SyncScheduler(runner, { minDelayMs: 1000, random: () => 1, periodMs: 60_000 });
    scheduler.request();
    scheduler.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(runner.round).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(runner.round).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runner.round).toHaveBeenCalledTimes(2);
    expect(scheduler.failureCount).toBe(0);
    scheduler.stop();
  });
});
