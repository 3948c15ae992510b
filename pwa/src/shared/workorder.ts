/** The work-order status graph as a technician walks it, and the words shown for it. */

export type WorkOrderStatus =
  | "requested"
  | "open"
  | "assigned"
  | "in_progress"
  | "on_hold"
  | "done"
  | "verified"
  | "cancelled"
  | "rejected";

export type Action = "start" | "hold" | "resume" | "complete";

export const STATUS_LABEL: Record<string, string> = {
  requested: "Requested",
  open: "Open",
  assigned: "To do",
  in_progress: "In progress",
  on_hold: "On hold",
  done: "Done",
  verified: "Verified",
  cancelled: "Cancelled",
  rejected: "Rejected",
};

export const HOLD_REASONS: [string, string][] = [
  ["waiting_for_parts", "Waiting for parts"],
  ["waiting_for_production", "Waiting for production"],
  ["waiting_for_vendor", "Waiting for a vendor"],
  ["waiting_for_approval", "Waiting for approval"],
  ["safety", "Safety"],
  ["other", "Other"],
];

export const PRIORITIES: [string, string][] = [
  ["emergency", "Emergency"],
  ["high", "High"],
  ["medium", "Medium"],
  ["low", "Low"],
];

/** States in which the people on the work order record what they do. */
export const EXECUTABLE = new Set(["open", "assigned", "in_progress", "on_hold"]);
/** Labor is logged on work that has started. */
export const LABOR_STATES = new Set(["in_progress", "on_hold", "done"]);
export const CLOSED = new Set(["done", "verified", "cancelled", "rejected"]);

/** What a technician may do next from a status (planning decisions are not offered here). */
export function actionsFor(status: string): Action[] {
  switch (status) {
    case "assigned":
      return ["start"];
    case "in_progress":
      return ["hold", "complete"];
    case "on_hold":
      return ["resume"];
    default:
      return [];
  }
}

export function statusLabel(status: string): string {
  return STATUS_LABEL[status] ?? status.replace(/_/g, " ");
}

export function holdReasonLabel(reason: string | null | undefined): string {
  return HOLD_REASONS.find(([value]) => value === reason)?.[1] ?? (reason ?? "");
}

/** Minutes between two instants, rounded like the server (half a minute rounds up). */
export function wholeMinutes(startIso: string, endIso: string): number {
  const seconds = Math.max(0, (Date.parse(endIso) - Date.parse(startIso)) / 1000);
  return Math.floor((seconds + 30) / 60);
}

/** "1 h 05 min", "12 min", "0:42" for a running clock. */
export function duration(ms: number, clock = false): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (clock) return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  return h > 0 ? `${h} h ${pad(m)} min` : `${m} min`;
}
