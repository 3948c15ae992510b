/**
 * What an operator tablet at a line shows: the line's queue (current production order first), the
 * quality checks due on the running operation, and the stops of the line's machines waiting for a
 * reason. Read from the REST API while online and kept on the device for offline use; stops also
 * come from the replica when sync carries them, with this device's classifications laid over.
 */
import { getMeta, listOutbox, openStore, setMeta } from "../db/store";
import type { SyncMeta } from "../db/schema";
import type { Asset } from "../shared/api";
import { ENTITY } from "../shared/mutations";
import { applyEffect, overlays, readRows, type ViewRow } from "../sync/view";
import { api } from "./api";
import { cachedList, type Cached } from "./catalog";

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
}

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
  const db = await openStore();
  const [outbox, sync] = await Promise.all([listOutbox(db), db.get("meta", "sync") as Promise<SyncMeta | undefined>]);
  for (const record of overlays(outbox, sync?.last_mutation_id ?? 0)) {
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
