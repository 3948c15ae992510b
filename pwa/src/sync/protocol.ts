/** The wire messages of the sync protocol (`sync/messages.py`, `sync/PROTOCOL.md`). */

export const PROTOCOL_VERSION = 1;
/** The data schema this app understands; the server refuses pulls outside its supported range. */
export const SCHEMA_VERSION = 1;
export const MAX_MUTATIONS_PER_PUSH = 1000;
/** Rows per pull page: each page costs the server a snapshot and a scope check, so a first sync
 * goes faster in fewer, larger pages (about 1.3 MB of JSON each). */
export const PAGE_SIZE = 2000;

export interface MutationEnvelope {
  id: number;
  name: string;
  version: number;
  args: unknown;
  client_ts?: string | null;
}

export interface PushRequest {
  protocol_version: number;
  schema_version: number;
  client_id: string;
  mutations: MutationEnvelope[];
}

export type ResultStatus = "applied" | "rejected" | "duplicate";

export interface MutationResult {
  id: number;
  status: ResultStatus;
  code?: string | null;
  reason?: string | null;
  original?: "applied" | "rejected" | null;
}

export interface PullRequest {
  protocol_version: number;
  schema_version: number;
  client_id: string;
  cursor: string | null;
  page_size?: number;
}

export interface PutOp {
  op: "put";
  entity: string;
  id: string;
  version: number;
  data: Record<string, unknown>;
}

export interface DelOp {
  op: "del";
  entity: string;
  id: string;
}

export interface ClearOp {
  op: "clear";
}

export type PatchOp = PutOp | DelOp | ClearOp;

interface Versions {
  protocol_version: number;
  schema_version: number;
}

export interface PushResponse extends Versions {
  type: "push_response";
  results: MutationResult[];
  last_mutation_id: number;
}

export interface PullResponse extends Versions {
  type: "pull_response";
  cursor: string;
  last_mutation_id: number;
  ops: PatchOp[];
  has_more: boolean;
  reset: boolean;
}

export interface OutOfOrder extends Versions {
  type: "out_of_order";
  expected: number;
  got: number;
  last_mutation_id: number;
  results: MutationResult[];
}

export interface VersionNotSupported extends Versions {
  type: "version_not_supported";
  kind: "protocol" | "schema" | "mutation";
  got: number;
  min_supported: number;
  max_supported: number;
  name?: string | null;
  message: string;
  results: MutationResult[];
  last_mutation_id?: number | null;
}

export interface ResetRequired extends Versions {
  type: "reset_required";
  reason: "retention" | "epoch" | "cursor_ahead";
  message: string;
}

export interface BadRequest extends Versions {
  type: "bad_request";
  message: string;
}

export interface Unauthorized extends Versions {
  type: "unauthorized";
  message: string;
}

export interface Forbidden extends Versions {
  type: "forbidden";
  message: string;
}

export interface Unavailable extends Versions {
  type: "unavailable";
  retry_after_ms: number;
  message: string;
}

export type ErrorAnswer =
  | OutOfOrder
  | VersionNotSupported
  | ResetRequired
  | BadRequest
  | Unauthorized
  | Forbidden
  | Unavailable;
export type PushAnswer = PushResponse | Exclude<ErrorAnswer, ResetRequired>;
export type PullAnswer = PullResponse | Exclude<ErrorAnswer, OutOfOrder>;
export type Answer = PushResponse | PullResponse | ErrorAnswer;

const TYPES = new Set<Answer["type"]>([
  "push_response",
  "pull_response",
  "out_of_order",
  "version_not_supported",
  "reset_required",
  "bad_request",
  "unauthorized",
  "forbidden",
  "unavailable",
]);

export class ProtocolError extends Error {}

/** Reads an answer by its `type` tag, whatever the HTTP status; fills the defaults of the wire. */
export function decodeAnswer(body: unknown): Answer {
  if (typeof body !== "object" || body === null) throw new ProtocolError("the sync answer is not an object");
  const tag = (body as { type?: unknown }).type;
  if (typeof tag !== "string" || !TYPES.has(tag as Answer["type"])) {
    throw new ProtocolError(`unknown sync answer type ${JSON.stringify(tag)}`);
  }
  const answer = { ...(body as Record<string, unknown>) };
  if (tag === "out_of_order" || tag === "version_not_supported") answer.results ??= [];
  if (tag !== "push_response" && tag !== "pull_response") answer.message ??= "";
  return answer as unknown as Answer;
}

/** What finally happened to a mutation, from its result (`duplicate` carries the original outcome). */
export function outcomeOf(result: MutationResult): "applied" | "rejected" | "unknown" {
  if (result.status === "duplicate") return result.original ?? "unknown";
  return result.status;
}
