/**
 * Work orders as this device holds them: the replicated rows (with queued changes laid over them).
 * Until the first sync has revealed a replica, rows are filled in from the REST API while online,
 * so My work and a work order opened from a notification are there and stay available offline.
 */
import { notifyStoreChange } from "../db/events";
import { entityRecord, getEntity, openStore } from "../db/store";
import type { ChecklistItem } from "../shared/checklist";
import { ENTITY } from "../shared/mutations";
import { readRow, readRows, type ViewRow } from "../sync/view";
import { api } from "./api";

export const WORK_ORDER = ENTITY.workOrder;
export const CHECKLIST_ITEM = ENTITY.checklistItem;
export const LABOR = ENTITY.labor;
export const COMMENT = ENTITY.comment;

/** Statuses in which assigned work shows in My work. */
export const MY_WORK_STATUSES = ["assigned", "in_progress", "on_hold"] as const;
const PRIORITY_RANK: Record<string, number> = { emergency: 0, high: 1, medium: 2, low: 3 };

export interface WorkOrderData {
  id: string;
  site_id: string;
  number: string;
  title: string;
  description: string;
  status: string;
  priority: string;
  type: string;
  asset_id: string;
  due_at: string | null;
  assignee_ids: string[];
  hold_reason: string | null;
  started_at: string | null;
  completed_at: string | null;
  problem_code_id: string | null;
  cause_code_id: string | null;
  remedy_code_id: string | null;
  /** The server version of the row this device shows (the base of an edit). */
  row_version: number;
  /** True while a change made here has not reached a revealed pull. */
  pending: boolean;
  [key: string]: unknown;
}

export interface LaborData {
  id: string;
  work_order_id: string;
  user_id: string;
  started_at: string;
  ended_at: string | null;
  minutes: number | null;
  note: string | null;
  pending: boolean;
}

export interface CommentData {
  id: string;
  work_order_id: string;
  author_id: string | null;
  body: string;
  created_at: string;
  pending: boolean;
}

export type ItemData = ChecklistItem & { row_version: number; pending: boolean };

type Row = Record<string, unknown> & { id: string };

export function asWorkOrder(row: ViewRow): WorkOrderData {
  return { ...(row.data as Partial<WorkOrderData>), id: row.id, row_version: row.version, pending: row.pending } as WorkOrderData;
}

/** Pass/fail answers travel as "pass" / "fail" (a boolean from older rows is read the same way). */
function answerOf(kind: unknown, value: unknown): ChecklistItem["value"] {
  if (kind === "pass_fail" && typeof value === "boolean") return value ? "pass" : "fail";
  return (value ?? null) as ChecklistItem["value"];
}

export function asItem(row: ViewRow): ItemData {
  const d = row.data;
  return {
    id: row.id,
    work_order_id: String(d.work_order_id ?? ""),
    position: Number(d.position ?? 0),
    kind: d.kind as ChecklistItem["kind"],
    label: String(d.label ?? ""),
    required: d.required !== false,
    unit: (d.unit as string | null) ?? null,
    lower_limit: typeof d.lower_limit === "number" ? d.lower_limit : null,
    upper_limit: typeof d.upper_limit === "number" ? d.upper_limit : null,
    value: answerOf(d.kind, d.value),
    out_of_limits: d.out_of_limits === true,
    row_version: row.version,
    pending: row.pending,
  };
}

/** Most urgent first, then the earliest due (none last), then by number. */
export function compareWork(a: WorkOrderData, b: WorkOrderData): number {
  const rank = (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9);
  if (rank !== 0) return rank;
  const due = (a.due_at ? Date.parse(a.due_at) : Infinity) - (b.due_at ? Date.parse(b.due_at) : Infinity);
  if (due !== 0 && !Number.isNaN(due)) return due;
  return String(a.number).localeCompare(String(b.number));
}

export async function myWork(userId: string): Promise<WorkOrderData[]> {
  const rows = (await readRows(WORK_ORDER)).map(asWorkOrder);
  return rows
    .filter((w) => (w.assignee_ids ?? []).includes(userId) && (MY_WORK_STATUSES as readonly string[]).includes(w.status))
    .sort(compareWork);
}

export async function workOrder(id: string): Promise<WorkOrderData | null> {
  const row = await readRow(WORK_ORDER, id);
  return row ? asWorkOrder(row) : null;
}

export async function workOrdersOfAsset(assetId: string): Promise<WorkOrderData[]> {
  return (await readRows(WORK_ORDER)).map(asWorkOrder).filter((w) => w.asset_id === assetId);
}

async function childrenOf(entity: string, workOrderId: string): Promise<ViewRow[]> {
  return (await readRows(entity)).filter((r) => r.data.work_order_id === workOrderId);
}

export async function checklistOf(workOrderId: string): Promise<ItemData[]> {
  return (await childrenOf(CHECKLIST_ITEM, workOrderId)).map(asItem).sort((a, b) => a.position - b.position);
}

export async function laborOf(workOrderId: string): Promise<LaborData[]> {
  return (await childrenOf(LABOR, workOrderId))
    .map((r) => ({ ...(r.data as unknown as LaborData), id: r.id, pending: r.pending }))
    .sort((a, b) => a.started_at.localeCompare(b.started_at));
}

export async function commentsOf(workOrderId: string): Promise<CommentData[]> {
  return (await childrenOf(COMMENT, workOrderId))
    .map((r) => ({ ...(r.data as unknown as CommentData), id: r.id, pending: r.pending }))
    .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
}

/** Whether a pull has revealed a replica: from then on the server's rows come only from sync. */
export async function replicated(): Promise<boolean> {
  const db = await openStore();
  const sync = (await db.get("meta", "sync")) as { cursor?: string | null } | undefined;
  return !!sync?.cursor;
}

/** REST rows carry their server version in `version`; sync rows carry it beside the data. */
export async function putRest(entity: string, rows: Row[]): Promise<void> {
  if (rows.length === 0 || (await replicated())) return;
  const db = await openStore();
  const tx = db.transaction("entities", "readwrite");
  for (const row of rows) {
    const record = entityRecord(entity, row);
    await tx.store.put(typeof row.version === "number" ? { ...record, version: row.version } : record);
  }
  await tx.done;
  notifyStoreChange("entities");
}

/** My work from the REST API, until sync has revealed a replica (which then carries it). */
export async function refreshMyWork(): Promise<WorkOrderData[]> {
  if (await replicated()) return [];
  const rows = await api<Row[]>("/api/work-orders/my-work");
  await putRest(WORK_ORDER, rows);
  return rows as unknown as WorkOrderData[];
}

export interface RemoteDetail {
  order: WorkOrderData;
  items: ItemData[];
  labor: LaborData[];
  comments: CommentData[];
}

const asRow = (entity: string, data: Row): ViewRow => ({
  entity,
  id: data.id,
  version: typeof data.version === "number" ? data.version : 0,
  data,
  pending: false,
});

/**
 * The work order as the server has it now, with its checklist, labor and comments. Before the
 * first sync it is stored for offline use; it is also what the screen shows for a work order the
 * device does not hold (one that left it when it was verified, for instance).
 */
export async function fetchWorkOrder(id: string): Promise<RemoteDetail> {
  const path = `/api/work-orders/${encodeURIComponent(id)}`;
  const [detail, comments] = await Promise.all([
    api<Row & { checklist?: Row[]; labor?: Row[] }>(path),
    api<Row[]>(`${path}/comments`).catch(() => [] as Row[]),
  ]);
  const { checklist = [], labor = [], ...order } = detail;
  await putRest(WORK_ORDER, [order as Row]);
  await putRest(CHECKLIST_ITEM, checklist);
  await putRest(LABOR, labor);
  await putRest(COMMENT, comments);
  if (typeof order.asset_id === "string" && !(await getEntity("asset", order.asset_id))) {
    const asset = await api<Row>(`/api/assets/${encodeURIComponent(order.asset_id)}`).catch(() => null);
    if (asset) await putRest("asset", [asset]);
  }
  return {
    order: asWorkOrder(asRow(WORK_ORDER, order as Row)),
    items: checklist.map((r) => asItem(asRow(CHECKLIST_ITEM, r))).sort((a, b) => a.position - b.position),
    labor: labor.map((r) => ({ ...(r as unknown as LaborData), pending: false })),
    comments: comments.map((r) => ({ ...(r as unknown as CommentData), pending: false })),
  };
}
