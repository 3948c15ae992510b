/** The operator's queued production changes laid over the stored queue and due checks. */
import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";

import type { OutboxRecord } from "../src/db/schema";
import { parseMeasurements, withPending, withPendingChecks, type DueCheck, type QueueItem } from "../src/app/line";

const item: QueueItem = {
  order_id: "o1",
  order_number: "PO-1",
  order_status: "running",
  product_sku: "PUMP",
  product_name: "Pump",
  quantity: 10,
  due_date: "2026-03-06",
  ready: true,
  operation: {
    id: "op1",
    order_id: "o1",
    seq: 10,
    name: "Assemble",
    line_id: "l1",
    status: "running",
    started_at: "2026-03-01T08:00:00Z",
    ended_at: null,
    lot_number: null,
    good: 5,
    scrap: 1,
    ideal_cycle_s: 20,
  },
};

function record(id: number, name: string, args: unknown, effects: OutboxRecord["effects"] = []): OutboxRecord {
  return { id, name, version: 1, args, effects, created_at: "2026-03-01T08:00:00Z", state: "pending", attempts: 0 };
}

describe("line overlays", () => {
  it("adds queued counts as deltas and applies status patches", () => {
    const shown = withPending(
      [item],
      [
        record(1, "production.counts", { operation_id: "op1", good: 3, scrap: 2, defect_code: "SCRATCH" }),
        record(2, "production.counts", { operation_id: "other", good: 7, scrap: 0, defect_code: null }),
        record(3, "production.operation_pause", { operation_id: "op1", reason: "BREAK" }, [
          { op: "patch", entity: "order_operation", id: "op1", fields: { status: "paused" } },
        ]),
      ],
    )[0]!;
    expect([shown.operation.good, shown.operation.scrap, shown.operation.status, shown.operation.pending]).toEqual([
      8,
      3,
      "paused",
      true,
    ]);
  });

  it("reads a replicated operation before the stored queue, then adds what is still queued", () => {
    const replicated = new Map([["op1", { status: "running", good: 9, scrap: 2 }]]);
    const records = [record(7, "production.counts", { operation_id: "op1", good: 1, scrap: 0, defect_code: null })];
    const shown = withPending([item], records, replicated)[0]!;
    expect([shown.operation.good, shown.operation.scrap]).toEqual([10, 2]);
  });

  it("lists checks recorded here under their characteristic", () => {
    const due: DueCheck = {
      characteristic_id: "c1",
      name: "Visual",
      kind: "pass_fail",
      required: true,
      frequency: "first_article",
      frequency_n: null,
      due: 1,
      passed: 0,
      failed_slots: [],
      missing_slots: [1],
      next_slot: 1,
    };
    const args = { id: "k1", operation_id: "op1", characteristic_id: "c1", passed: true };
    const shown = withPendingChecks("op1", [due], [record(4, "quality.check", args)])[0]!;
    expect(shown.pending).toEqual([{ id: "k1", passed: true }]);
  });

  it("reads measured values with a decimal comma", () => {
    expect(parseMeasurements("4,6 4.7")).toEqual([4.6, 4.7]);
    expect(parseMeasurements("4,6 x")).toBeNull();
  });
});
