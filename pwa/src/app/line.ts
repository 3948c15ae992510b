/**
 * What an operator tablet at a line shows: the line's queue (current production order first), the
 * quality checks due on the running operation, and the stops of the line's machines waiting for a
 * reason. Read from the REST API while online and kept on the device for offline use; stops also
 * come from the replica when sync carries them, with this device's classifications laid over.
 *
 * Running the operation (start, pause, resume, counts, checks, complete) goes through the outbox:
 * the queued mutations of this device that no pull has confirmed yet are laid over the replicated
 * operation (else the stored queue) and the stored due checks (status changes as patches, counts
 * as deltas, checks as new records).
 */
import { getMeta, listOutbox, openStore, setMeta } from "../db/store";
import type { Effect, OutboxRecord, SyncMeta } from "../db/schema";
import type { Asset } from "../shared/api";
import { ENTITY, MUTATIONS, type CountsArgs, type Mutation, type QualityCheckArgs } from "../shared/mutations";
import { applyEffect, overlays, readRevealed, readRows, type ViewRow } from "../sync/view";
import { api } from "./api";
import { cachedList, type Cached } from "./catalog";
import { uuid7 } from "./ids";
import { mutate } from "./sync";

export interface Operation {
  id: string;
  order_id: string;
  seq: number;
  name: string;
  line_id: string;
  status: string;
  started_at: string | null;
  ended_at: string | null;
  lot_number: string | null;
  good: number;
  scrap: number;
  ideal_cycle_s: number;
}

export interface QueueItem {
  order_id: string;
  order_number: string;
  order_status: string;
  product_sku: string;
  product_name: string;
  quantity: number;
  due_date: string;
  ready: boolean;
  operation: Operation;
}

/** A queue item as shown: `pending` when this device has queued changes to its operation. */
export type PendingItem = QueueItem & { operation: Operation & { pending?: boolean } };

export interface DueCheck {
  characteristic_id: string;
  name: string;
  kind: string;
  required: boolean;
  frequency: string;
  frequency_n: number | null;
  due: number;
  passed: number;
  failed_slots: number[];
  missing_slots: number[];
  next_slot: number;
  /** Checks recorded on this device that no pull has confirmed yet. */
  pending?: PendingCheck[];
}

export interface PendingCheck {
  id: string;
  passed: boolean | null;
}

export interface DefectCode {
  id: string;
  family: string;
  code: string;
  name: string;
}

/** Why an operation is paused (the server keeps the code). */
export const PAUSE_REASONS: { code: string; label: string }[] = [
  { code: "BREAK", label: "Break" },
  { code: "CHANGEOVER", label: "Changeover" },
  { code: "NO_MATERIAL", label: "No material" },
  { code: "QUALITY", label: "Quality problem" },
  { code: "MAINTENANCE", label: "Maintenance" },
  { code: "OTHER", label: "Other" },
];

export interface DowntimeEvent {
  id: string;
  site_id: string;
  asset_id: string;
  started_at: string;
  ended_at: string | null;
  fault_code: number | null;
  reason_code: string | null;
  reason_label: string | null;
  reason_source: string | null;
  work_order_id: string | null;
  version?: number;
  /** The version of the row as the server last sent it (the base of a classification). */
  row_version: number;
  pending?: boolean;
}

const q = encodeURIComponent;
const RECENT_MS = 12 * 3600_000;

export const chosenLine = (): Promise<string | undefined> => getMeta("line_id");
export const chooseLine = (id: string): Promise<void> => setMeta("line_id", id);

export function linesOf(siteIds: string[], fresh: boolean): Promise<Asset[]> {
  return Promise.all(
    siteIds.map((site) => cachedList(`lines:${site}`, () => api<Asset[]>(`/api/assets/?site_id=${q(site)}&level=line`), fresh)),
  ).then((all) => all.flatMap((c) => c?.value ?? []));
}

export const queueOf = (lineId: string, fresh: boolean): Promise<Cached<QueueItem[]> | null> =>
  cachedList(`queue:${lineId}`, () => api<QueueItem[]>(`/api/production/lines/${q(lineId)}/queue`), fresh);

export const machinesOf = (lineId: string, fresh: boolean): Promise<Cached<Asset[]> | null> =>
  cachedList(`machines:${lineId}`, () => api<Asset[]>(`/api/assets/?under=${q(lineId)}&level=machine`), fresh);

export const dueChecks = (operationId: string, fresh: boolean): Promise<Cached<DueCheck[]> | null> =>
  cachedList(`due:${operationId}`, () => api<DueCheck[]>(`/api/quality/operations/${q(operationId)}/due`), fresh);

export const defectCodesOf = (siteId: string, fresh: boolean): Promise<Cached<DefectCode[]> | null> =>
  cachedList(`defects:${siteId}`, () => api<DefectCode[]>(`/api/quality/defect-codes?site_id=${q(siteId)}`), fresh);

async function pendingRecords(): Promise<OutboxRecord[]> {
  const db = await openStore();
  const [outbox, sync] = await Promise.all([listOutbox(db), db.get("meta", "sync") as Promise<SyncMeta | undefined>]);
  return overlays(outbox, sync?.last_mutation_id ?? 0);
}

const SYNCED_FIELDS = ["status", "started_at", "ended_at", "good", "scrap"] as const;

/**
 * The stored queue with this device's queued operation changes and counts laid over. An operation
 * the replica holds (`replicated`, revealed together with the last applied mutation) is read from
 * there, so its counts never include a delta twice or miss one.
 */
export function withPending(
  items: QueueItem[],
  records: OutboxRecord[],
  replicated: ReadonlyMap<string, Record<string, unknown>> = new Map(),
): PendingItem[] {
  return items.map((item) => {
    let op: Operation & { pending?: boolean } = { ...item.operation };
    const synced = replicated.get(op.id);
    if (synced) for (const name of SYNCED_FIELDS) if (name in synced) Object.assign(op, { [name]: synced[name] });
    for (const record of records) {
      for (const effect of record.effects) {
        if (effect.entity === ENTITY.orderOperation && effect.id === op.id && effect.op === "patch") {
          op = { ...op, ...(effect.fields as Partial<Operation>), pending: true };
        }
      }
      const args = record.args as Partial<CountsArgs>;
      if (record.name === "production.counts" && args.operation_id === op.id) {
        op = { ...op, good: op.good + (args.good ?? 0), scrap: op.scrap + (args.scrap ?? 0), pending: true };
      }
    }
    return { ...item, operation: op };
  });
}

/** The stored due checks with the checks recorded here (not yet confirmed) attached. */
export function withPendingChecks(operationId: string, due: DueCheck[], records: OutboxRecord[]): DueCheck[] {
  return due.map((c) => {
    const pending = records
      .filter((r) => r.name === "quality.check")
      .map((r) => r.args as QualityCheckArgs)
      .filter((a) => a.operation_id === operationId && a.characteristic_id === c.characteristic_id)
      .map((a) => ({ id: a.id, passed: a.passed ?? null }));
    return { ...c, pending };
  });
}

export async function lineQueue(lineId: string): Promise<Cached<PendingItem[]> | null> {
  // The replica and the outbox as of one moment: a delta counted in one and not yet dropped from
  // the other would otherwise show twice.
  const [cached, [stored, records]] = await Promise.all([queueOf(lineId, false), readRevealed(ENTITY.orderOperation)]);
  const replicated = new Map(stored.map((r) => [r.id, r.data]));
  return cached && { ...cached, value: withPending(cached.value, records, replicated) };
}

export async function operationChecks(operationId: string): Promise<DueCheck[]> {
  const [cached, records] = await Promise.all([dueChecks(operationId, false), pendingRecords()]);
  return withPendingChecks(operationId, cached?.value ?? [], records);
}

// --- running the operation ------------------------------------------------------------------

const nowIso = () => new Date().toISOString();

function operationPatch(op: Operation, fields: Partial<Operation>): Effect {
  return { op: "patch", entity: ENTITY.orderOperation, id: op.id, fields };
}

function send<A>(mutation: Mutation<A>, effects: Effect[], summary: string): Promise<OutboxRecord> {
  return mutate({ ...mutation, effects, summary });
}

const label = (item: QueueItem) => `${item.order_number} operation ${item.operation.seq}`;

export function startOperation(item: QueueItem): Promise<OutboxRecord> {
  const at = nowIso();
  return send(
    MUTATIONS.operationStart({ operation_id: item.operation.id, at }),
    [operationPatch(item.operation, { status: "running", started_at: item.operation.started_at ?? at })],
    `Start ${label(item)}`,
  );
}

export function pauseOperation(item: QueueItem, reason: string): Promise<OutboxRecord> {
  const named = PAUSE_REASONS.find((r) => r.code === reason)?.label ?? reason;
  return send(
    MUTATIONS.operationPause({ operation_id: item.operation.id, reason, at: nowIso() }),
    [operationPatch(item.operation, { status: "paused" })],
    `Pause ${label(item)} (${named})`,
  );
}

export function resumeOperation(item: QueueItem): Promise<OutboxRecord> {
  return send(
    MUTATIONS.operationResume({ operation_id: item.operation.id, at: nowIso() }),
    [operationPatch(item.operation, { status: "running" })],
    `Resume ${label(item)}`,
  );
}

export function completeOperation(item: QueueItem): Promise<OutboxRecord> {
  const at = nowIso();
  return send(
    MUTATIONS.operationComplete({ operation_id: item.operation.id, at }),
    [operationPatch(item.operation, { status: "completed", ended_at: at })],
    `Complete ${label(item)}`,
  );
}

/** Good and scrap units as deltas (the displayed totals add them until a pull confirms them). */
export function recordCounts(item: QueueItem, good: number, scrap: number, defectCode: string | null): Promise<OutboxRecord> {
  if (!Number.isInteger(good) || !Number.isInteger(scrap) || good < 0 || scrap < 0 || good + scrap === 0) {
    throw new Error("Count at least one unit (whole numbers).");
  }
  if (scrap > 0 && !defectCode) throw new Error("Scrap needs a defect code.");
  const parts = [good ? `${good} good` : "", scrap ? `${scrap} scrap (${defectCode})` : ""].filter(Boolean);
  return send(
    MUTATIONS.counts({
      operation_id: item.operation.id,
      good,
      scrap,
      defect_code: scrap > 0 ? defectCode : null,
      at: nowIso(),
    }),
    [],
    `Count ${parts.join(", ")} on ${label(item)}`,
  );
}

/** Reads "4,6 4.7" as [4.6, 4.7]; null when a value is not a number. */
export function parseMeasurements(text: string): number[] | null {
  const parts = text.trim().split(/[\s;]+/).filter(Boolean);
  if (parts.length === 0) return null;
  const values = parts.map((p) => Number(p.replace(",", ".")));
  return values.every((v) => Number.isFinite(v)) ? values : null;
}

export type CheckAnswer = { passed: boolean } | { values: number[] } | { value: string };

export function recordCheck(item: QueueItem, check: DueCheck, answer: CheckAnswer): Promise<OutboxRecord> {
  const id = uuid7();
  const args: QualityCheckArgs = {
    id,
    operation_id: item.operation.id,
    characteristic_id: check.characteristic_id,
    ...answer,
  };
  const shown = "passed" in answer ? (answer.passed ? "pass" : "fail") : "values" in answer ? answer.values.join(" ") : answer.value;
  return send(
    MUTATIONS.qualityCheck(args),
    [{ op: "put", entity: ENTITY.qualityCheck, id, data: { ...args } }],
    `Check “${check.name}” on ${label(item)}: ${shown}`,
  );
}

/** Stops of these machines that are running now or ended recently, newest first. */
export async function stopsOf(siteId: string, machineIds: string[], fresh: boolean): Promise<DowntimeEvent[]> {
  const since = new Date(Date.now() - RECENT_MS).toISOString();
  const listed =
    (
      await cachedList(
        `stops:${siteId}`,
        () => api<DowntimeEvent[]>(`/api/downtime/events?site_id=${q(siteId)}&since=${q(since)}&limit=500`),
        fresh,
      )
    )?.value ?? [];
  const rows = new Map<string, ViewRow | undefined>(
    listed.map((e) => [
      e.id,
      { entity: ENTITY.downtimeEvent, id: e.id, version: e.version ?? 0, data: { ...e }, pending: false },
    ]),
  );
  for (const row of await readRows(ENTITY.downtimeEvent)) rows.set(row.id, row);
  // Classifications made here are laid over listed stops the replica does not hold as well.
  for (const record of await pendingRecords()) {
    for (const effect of record.effects) {
      const row = rows.get(effect.id);
      if (effect.entity === ENTITY.downtimeEvent && row && !row.pending) rows.set(effect.id, applyEffect(row, effect));
    }
  }
  const machines = new Set(machineIds);
  const cutoff = Date.now() - RECENT_MS;
  return [...rows.values()]
    .filter((r): r is ViewRow => r !== undefined)
    .map((r) => ({ ...(r.data as unknown as DowntimeEvent), id: r.id, row_version: r.version, pending: r.pending }))
    .filter((e) => machines.has(e.asset_id) && (e.ended_at === null || Date.parse(e.ended_at) >= cutoff))
    .sort((a, b) => b.started_at.localeCompare(a.started_at));
}
