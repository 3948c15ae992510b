/**
 * The shared vectors in `sync/vectors/`, run against the client: the IndexedDB outbox and replica
 * (on fake-indexeddb), the merge rules, and cursor handling. Every vector file is either run here
 * or declared server-only, so a new file cannot be silently ignored.
 */
import "fake-indexeddb/auto";

import { readFileSync, readdirSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { openStore } from "../src/db/store";
import type { GembaDB } from "../src/db/schema";
import { SyncEngine, type TransportReply } from "../src/sync/engine";
import { LWW, SURFACE, mergeField, mergeRow, orderedStates, type FieldPolicy } from "../src/sync/merge";
import { decodeAnswer, outcomeOf, type MutationResult, type PullRequest, type PullResponse } from "../src/sync/protocol";
import { Replica } from "../src/sync/replica";
import { SyncStore } from "../src/sync/store";

const VECTORS = new URL("../../sync/vectors/", import.meta.url);
const RUN_HERE = ["client.json", "cursor.json", "merge.json", "transcripts.json"];
const SERVER_ONLY = ["ledger.json"];

type Json = any;

function load(name: string): Json {
  return JSON.parse(readFileSync(new URL(name, VECTORS), "utf8"));
}

let databases = 0;
async function freshStore(): Promise<{ db: GembaDB; store: SyncStore }> {
  const db = await openStore(`vectors-${++databases}`);
  return { db, store: new SyncStore(Promise.resolve(db)) };
}

describe("vector files", () => {
  it("are each run by the client or declared server-only", () => {
    const files = readdirSync(VECTORS).filter((f) => f.endsWith(".json")).sort();
    expect(files).toEqual([...RUN_HERE, ...SERVER_ONLY].sort());
    for (const name of SERVER_ONLY) expect(load(name).about).toMatch(/\(server\)/);
  });
});

describe("client vectors: reveal", () => {
  const cases: Json[] = load("client.json").reveal;
  it.each(cases.map((c) => [c.name, c]))("%s", async (_name, vector: Json) => {
    const { db, store } = await freshStore();
    const initial = vector.initial;
    for (const [entity, id, version, data] of initial.rows) {
      await db.put("entities", { type: entity, id, version, data });
    }
    await store.updateSync({ cursor: initial.cursor, last_mutation_id: initial.last_mutation_id });
    const replica = new Replica(store);
    expect(replica.staging).toBe(initial.staging);
    expect(await replica.nextCursor()).toBe(initial.next_cursor);
    for (const event of vector.events) {
      let left: unknown = undefined;
      if (event.page) {
        const revealed = await replica.receive(event.page as PullResponse);
        left = revealed?.left;
      }
      if (event.crash) replica.dropStaging();
      const want = event.expect;
      if (!want) continue;
      const sync = await store.sync();
      expect(await store.rows()).toEqual(want.rows);
      expect(sync.cursor).toBe(want.cursor);
      expect(sync.last_mutation_id).toBe(want.last_mutation_id);
      expect(replica.staging).toBe(want.staging);
      expect(await replica.nextCursor()).toBe(want.next_cursor);
      if ("left" in want) expect(left).toEqual(want.left);
    }
  });
});

describe("client vectors: outbox", () => {
  const cases: Json[] = load("client.json").outbox;
  it.each(cases.map((c) => [c.name, c]))("%s", async (_name, vector: Json) => {
    const { store } = await freshStore();
    const ids: number[] = [];
    for (const event of vector.events) {
      if (event.enqueue) ids.push((await store.enqueue(event.enqueue)).id);
      if (event.results) await store.applyResults(event.results as MutationResult[]);
      if (event.confirm !== undefined) await store.confirm(event.confirm);
    }
    const want = vector.expect;
    expect(await store.pendingIds()).toEqual(want.pending);
    expect(await store.overlayIds()).toEqual(want.overlay);
    expect((await store.batch(want.batch.limit)).map((m) => m.id)).toEqual(want.batch.ids);
    const outcomes: Record<string, string> = {};
    for (const id of ids) {
      const outcome = await store.outcome(id);
      if (outcome) outcomes[String(id)] = outcome;
    }
    expect(outcomes).toEqual(want.outcomes);
    for (const [id, result] of Object.entries(want.results ?? {})) {
      expect(await store.result(Number(id))).toEqual(result);
    }
    for (const [id, lost] of Object.entries(want.lost ?? {})) {
      expect(await store.lost(Number(id))).toBe(lost);
    }
  });

  it("numbers mutations in the same transaction that records them, across store handles", async () => {
    const { db } = await freshStore();
    const a = new SyncStore(Promise.resolve(db));
    const b = new SyncStore(Promise.resolve(db));
    const made = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).enqueue({ name: "stock.adjust", version: 1, args: { i } })),
    );
    expect(made.map((m) => m.id).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});

describe("merge vectors", () => {
  const file = load("merge.json");
  const rules: Record<string, FieldPolicy> = {};
  for (const [name, spec] of Object.entries(file.rules as Record<string, Json>)) {
    expect(spec.kind).toBe("ordered_states");
    rules[name] = { kind: "rule", rule: orderedStates(spec.order, spec.terminal) };
  }
  const policy = (spec: Json): FieldPolicy => {
    if (spec === "lww") return LWW;
    if (spec === "surface") return SURFACE;
    const rule = rules[spec.rule];
    if (!rule) throw new Error(`unknown rule ${JSON.stringify(spec)}`);
    return rule;
  };
  const state = (s: Json) => (s === null ? { value: null, version: 0, writer: null } : s);

  it.each((file.cases as Json[]).map((c) => [c.name, c]))("%s", (_name, c: Json) => {
    const run = () =>
      mergeField({
        entity: c.entity,
        entityId: c.entity_id,
        field: c.field,
        policy: policy(c.policy),
        server: state(c.server),
        edit: c.edit,
        rowVersion: c.row_version,
        clientId: c.client_id,
        mutationId: c.mutation_id,
      });
    if (c.expect.error) {
      expect(run).toThrow(expect.objectContaining({ code: c.expect.error }));
      return;
    }
    const { field: _field, ...decision } = run();
    expect(decision).toEqual(c.expect);
  });

  it.each((file.row_cases as Json[]).map((c) => [c.name, c]))("%s", (_name, c: Json) => {
    const policies: Record<string, FieldPolicy> = {};
    for (const [field, spec] of Object.entries(c.fields_policy)) policies[field] = policy(spec);
    const fields: Record<string, Json> = {};
    for (const [field, s] of Object.entries(c.server)) fields[field] = state(s);
    const decisions = mergeRow({
      entity: c.entity,
      entityId: c.entity_id,
      policies,
      fields,
      edits: c.edits,
      rowVersion: c.row_version,
      clientId: c.client_id,
      mutationId: c.mutation_id,
    });
    const got: Record<string, Json> = {};
    for (const [field, { field: _f, ...rest }] of Object.entries(decisions)) got[field] = rest;
    expect(got).toEqual(c.expect);
  });
});

describe("cursor vectors (opaque to the client)", () => {
  const file = load("cursor.json");
  const tokens: string[] = [
    ...(file.encoding as Json[]).map((c) => c.token),
    ...(file.unreadable as Json[]).map((c) => c.token),
  ].filter((t): t is string => typeof t === "string");

  it("has tokens to try", () => {
    expect(tokens.length).toBeGreaterThan(0);
  });

  it.each(tokens.map((t) => [t]))("echoes %s unchanged on the next pull", async (token) => {
    const { store } = await freshStore();
    const sent: PullRequest[] = [];
    const pages: PullResponse[] = [
      { type: "pull_response", protocol_version: 1, schema_version: 1, cursor: token, last_mutation_id: 0, ops: [], has_more: true, reset: false },
      { type: "pull_response", protocol_version: 1, schema_version: 1, cursor: token, last_mutation_id: 0, ops: [], has_more: false, reset: false },
    ];
    const engine = new SyncEngine(
      store,
      {
        push: async (): Promise<TransportReply> => ({ status: 200, body: null }),
        pull: async (request) => {
          sent.push(request);
          return { status: 200, body: pages[Math.min(sent.length - 1, pages.length - 1)] };
        },
      },
      "0190b000-0000-7000-8000-00000000000b",
    );
    expect(await engine.round()).toEqual({ kind: "done" });
    expect(sent.map((r) => r.cursor)).toEqual([null, token]);
    expect((await store.sync()).cursor).toBe(token);
    await engine.round();
    expect(sent[2]?.cursor).toBe(token);
  });
});

const STATUS_OF: Record<string, number> = {
  push_response: 200,
  pull_response: 200,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  out_of_order: 409,
  reset_required: 410,
  version_not_supported: 426,
  unavailable: 503,
};

describe("transcript vectors (the server's answers, as the client reads them)", () => {
  const transcripts: Json[] = load("transcripts.json").transcripts;

  it.each(transcripts.map((t) => [t.name, t]))("%s", async (_name, transcript: Json) => {
    for (const step of transcript.steps as Json[]) {
      if (!step.expect) continue;
      const answer = decodeAnswer(step.expect);
      expect(STATUS_OF[answer.type]).toBe(step.status);
      if (step.push && typeof step.push === "object" && "results" in answer) {
        const { store } = await freshStore();
        const mutations: Json[] = step.push.mutations ?? [];
        for (const m of mutations) {
          while ((await store.nextId()) < m.id) await store.enqueue({ name: "noop.fill", version: 1, args: {} });
          if ((await store.nextId()) === m.id) await store.enqueue({ name: m.name, version: m.version, args: m.args });
        }
        await store.applyResults(answer.results as MutationResult[]);
        for (const result of answer.results as MutationResult[]) {
          expect(await store.outcome(result.id)).toBe(outcomeOf(result));
        }
      }
    }
  });
});
