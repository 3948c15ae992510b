/**
 * Per-field merge rules (`sync/merge.py`), so the app can tell in advance how the server will
 * treat an edit made offline: applied, a no-op, kept (superseded) or a conflict for people to
 * resolve. The server decides; this mirrors it for display and is checked by the shared vectors.
 */
import { uuid5 } from "./uuid5";

export const CONFLICT_NAMESPACE = "6f0f6a51-1c5e-4c1b-9a55-5a7c0f1d2e3b";

export type RuleDecision = "take_client" | "keep_server" | "surface";
export type Rule = (serverValue: unknown, clientValue: unknown) => RuleDecision;
export type FieldPolicy = { kind: "lww" } | { kind: "surface" } | { kind: "rule"; rule: Rule };

export const LWW: FieldPolicy = { kind: "lww" };
export const SURFACE: FieldPolicy = { kind: "surface" };

/** Progress wins; terminal states are never silently overwritten; unknown values are surfaced. */
export function orderedStates(order: readonly string[], terminal: readonly string[]): Rule {
  const known = new Set([...order, ...terminal]);
  const ends = new Set(terminal);
  return (server, client) => {
    if (typeof server !== "string" || typeof client !== "string" || !known.has(server) || !known.has(client)) {
      return "surface";
    }
    if (ends.has(server)) return "surface";
    if (ends.has(client)) return "take_client";
    return order.indexOf(client) > order.indexOf(server) ? "take_client" : "keep_server";
  };
}

export interface Writer {
  client_id: string;
  mutation_id: number;
}

export interface FieldState {
  value: unknown;
  version: number;
  writer: Writer | null;
}

export interface FieldEdit {
  value: unknown;
  base_version: number;
}

export interface ConflictRecord {
  id: string;
  entity: string;
  entity_id: string;
  field: string;
  server_value: unknown;
  client_value: unknown;
  base_version: number;
  server_version: number;
  client_id: string;
  mutation_id: number;
  policy: "surface" | "rule";
  status: "open" | "resolved";
}

export type Decision = "applied" | "noop" | "kept" | "conflict";

export interface FieldDecision {
  field: string;
  decision: Decision;
  value: unknown;
  concurrent: boolean;
  conflict: ConflictRecord | null;
}

export class BaseVersionFromFuture extends Error {
  readonly code = "bad_base_version";
}

/** JSON equality as Python and JavaScript both see it: 1 equals 1.0, true is not 1. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (typeof a === "boolean" || typeof b === "boolean") return a === b;
  if (typeof a === "number" && typeof b === "number") return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every((k) => Object.hasOwn(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return a === b;
}

export function conflictId(clientId: string, mutationId: number, entity: string, entityId: string, field: string): string {
  return uuid5(CONFLICT_NAMESPACE, `${clientId}:${mutationId}:${entity}:${entityId}:${field}`);
}

export function isConcurrent(server: FieldState, edit: FieldEdit, clientId: string): boolean {
  if (server.version <= edit.base_version) return false;
  return server.writer === null || server.writer.client_id !== clientId;
}

export interface MergeInput {
  entity: string;
  entityId: string;
  field: string;
  policy: FieldPolicy;
  server: FieldState;
  edit: FieldEdit;
  rowVersion: number;
  clientId: string;
  mutationId: number;
}

export function mergeField(input: MergeInput): FieldDecision {
  const { entity, entityId, field, policy, server, edit, rowVersion, clientId, mutationId } = input;
  if (edit.base_version > rowVersion) {
    throw new BaseVersionFromFuture(
      `field '${field}' edited from version ${edit.base_version}, but the row is only at ${rowVersion}`,
    );
  }
  const concurrent = isConcurrent(server, edit, clientId);
  const decide = (decision: Decision, value: unknown, conflict: ConflictRecord | null = null): FieldDecision => ({
    field,
    decision,
    value,
    concurrent,
    conflict,
  });
  if (jsonEqual(server.value, edit.value)) return decide("noop", server.value);
  if (!concurrent || policy.kind === "lww") return decide("applied", edit.value);
  if (policy.kind === "rule") {
    const verdict = policy.rule(server.value, edit.value);
    if (verdict === "take_client") return decide("applied", edit.value);
    if (verdict === "keep_server") return decide("kept", server.value);
  }
  return decide("conflict", server.value, {
    id: conflictId(clientId, mutationId, entity, entityId, field),
    entity,
    entity_id: entityId,
    field,
    server_value: server.value,
    client_value: edit.value,
    base_version: edit.base_version,
    server_version: server.version,
    client_id: clientId,
    mutation_id: mutationId,
    policy: policy.kind === "rule" ? "rule" : "surface",
    status: "open",
  });
}

/** Every edited field in name order; fields the row lacks start empty; undeclared fields are surfaced. */
export function mergeRow(
  input: Omit<MergeInput, "field" | "policy" | "server" | "edit"> & {
    policies: Record<string, FieldPolicy>;
    fields: Record<string, FieldState>;
    edits: Record<string, FieldEdit>;
  },
): Record<string, FieldDecision> {
  const out: Record<string, FieldDecision> = {};
  for (const field of Object.keys(input.edits).sort()) {
    out[field] = mergeField({
      entity: input.entity,
      entityId: input.entityId,
      field,
      policy: input.policies[field] ?? SURFACE,
      server: input.fields[field] ?? { value: null, version: 0, writer: null },
      edit: input.edits[field]!,
      rowVersion: input.rowVersion,
      clientId: input.clientId,
      mutationId: input.mutationId,
    });
  }
  return out;
}
