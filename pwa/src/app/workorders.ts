/**
 * Work orders as this device holds them: the replicated rows (with queued changes laid over them),
 * refreshed from the REST API while online so My work and a work order opened from a
 * notification are there before the first sync and stay available offline.
 */
import { putEntities } from "../db/store";
import { readRow, readRows, type ViewRow } from "../sync/view";
import { api } from "./api";

export const WORK_ORDER = "workorder";
export const CHECKLIST_ITEM = "checklist_item";
export const LABOR = "labor_entry";

/** Statuses in which assigned work shows in My work. */
export const MY_WORK_STATUSES = ["assigned", "in_progress", "on_hold"] as const;
const PRIORITY_RANK: Record<string, number> = { emergency: 0, high: 1, medium: 2, low: 3 };

export interface WorkOrderData {
  id: string;
  number: string;
  title: string;
  description: string;
  status: string;
  priority: string;
  type: string;
  asset_id: string;
  due_at: string | null;
  assignee_ids: string[];
  [key: string]: unknown;
}

type Row = Record<string, unknown> & { id: string };

export function asWorkOrder(row: ViewRow): WorkOrderData {
  return { ...(row.data as Partial<WorkOrderData>), id: row.id } as WorkOrderData;
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

export async function refreshMyWork(): Promise<void> {
  const rows = await api<Row[]>("/api/work-orders/my-work");
  await putEntities(WORK_ORDER, rows);
}

export async function workOrder(id: string): Promise<WorkOrderData | null> {
  const row = await readRow(WORK_ORDER, id);
  return row ? asWorkOrder(row) : null;
}

export async function children(entity: string, workOrderId: string): Promise<ViewRow[]> {
  return (await readRows(entity)).filter((r) => r.data.work_order_id === workOrderId);
}

export async function refreshWorkOrder(id: string): Promise<void> {
  const detail = await api<Row & { checklist?: Row[]; labor?: Row[] }>(`/api/work-orders/${encodeURIComponent(id)}`);
  const { checklist = [], labor = [], ...order } = detail;
  await putEntities(WORK_ORDER, [order as Row]);
  await putEntities(CHECKLIST_ITEM, checklist);
  await putEntities(LABOR, labor);
}
