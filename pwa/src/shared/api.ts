/** Shapes of the Gemba REST API answers the app reads (see the backend's schemas). */

export interface Site {
  id: string;
  code: string;
  name: string;
  timezone: string;
}

export interface User {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  role: string;
  active: boolean;
  site_ids: string[];
}

export interface LoginResponse {
  token: string;
  device_id: string;
  user: User;
  sites: Site[];
}

export type DeviceKind = "phone" | "tablet" | "browser" | "desktop";

export interface Device {
  id: string;
  user_id: string;
  name: string;
  kind: string;
  created_at: string;
  last_seen_at: string | null;
  revoked_at: string | null;
}

export interface Asset {
  id: string;
  site_id: string;
  parent_id: string | null;
  level: string;
  code: string;
  name: string;
  asset_class: string | null;
  criticality: string;
  manufacturer: string | null;
  model: string | null;
  serial: string | null;
  install_date: string | null;
  status: string;
  label_url: string;
  retired_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor_id: string | null;
  entity: string;
  entity_id: string;
  action: string;
  changes: Record<string, unknown>;
}

/** RFC 9457 problem details as the API renders them. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: { field: string; reason: string }[];
}

export function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null && typeof (value as Problem).status === "number";
}

/** One sentence for a person: the detail, else the title, plus the failing fields. */
export function describeProblem(problem: Problem): string {
  const head = problem.detail ?? problem.title ?? `Request failed (${problem.status})`;
  const fields = (problem.errors ?? [])
    .filter((e) => e.field && !head.includes(e.reason))
    .map((e) => `${e.field}: ${e.reason}`);
  return fields.length ? `${head} (${fields.join("; ")})` : head;
}
