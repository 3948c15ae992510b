/**
 * Every mutation the app sends, with its name, version and arguments, in one place: the server
 * registers the same `name@version` (`backend/replication`). Entity names of the rows they touch
 * are listed in `ENTITY`.
 */
import type { AnswerValue } from "./checklist";

export const ENTITY = {
  workOrder: "workorder",
  checklistItem: "workorder_checklist_item",
  comment: "workorder_comment",
  labor: "workorder_labor",
  failureCode: "failure_code",
  asset: "asset",
  part: "part",
  storeroom: "storeroom",
  bin: "bin",
  stockBalance: "stock_balance",
  downtimeEvent: "downtime_event",
  downtimeReason: "downtime_reason",
  productionOrder: "production_order",
  orderOperation: "order_operation",
  qualityCheck: "quality_check",
  conflict: "conflict",
} as const;

export interface Mutation<A> {
  name: string;
  version: number;
  args: A;
}

/** A mutation kind: call it with arguments to get what goes into the outbox. */
export interface MutationKind<A> {
  (args: A): Mutation<A>;
  readonly mutationName: string;
  readonly mutationVersion: number;
}

function kind<A>(name: string, version = 1): MutationKind<A> {
  const make = (args: A): Mutation<A> => ({ name, version, args });
  return Object.assign(make, { mutationName: name, mutationVersion: version });
}

/**
 * A status change of a work order. `base_version` is the version of the work order row the
 * person was looking at (the status is merged by the state machine's rule).
 */
export interface StatusArgs {
  id: string;
  base_version: number;
}

export interface HoldArgs extends StatusArgs {
  reason: string;
}

export interface ChecklistAnswerArgs {
  work_order_id: string;
  item_id: string;
  value: AnswerValue;
  /** The version of the item row the answer was made on (an answer is merged per field). */
  base_version: number;
}

export interface CommentArgs {
  id: string;
  work_order_id: string;
  body: string;
}

export interface LaborAddArgs {
  id: string;
  work_order_id: string;
  started_at: string;
  ended_at: string;
  note: string | null;
}

export interface FailureCodesArgs {
  id: string;
  base_version: number;
  problem_code_id?: string | null;
  cause_code_id?: string | null;
  remedy_code_id?: string | null;
}

export interface WorkRequestArgs {
  id: string;
  asset_id: string;
  title: string;
  description: string;
  priority: string;
}

/** Parts taken from (or put back into) a bin for a work order: a delta, keyed by the mutation. */
export interface StockMoveArgs {
  work_order_id: string;
  part_id: string;
  bin_id: string;
  quantity: number;
  note: string | null;
}

export interface ClassifyArgs {
  event_id: string;
  reason_code: string;
  base_version: number;
}

/** An operation of a production order run from the line's tablet; `at` is when it happened. */
export interface OperationArgs {
  operation_id: string;
  at?: string;
}

export interface OperationPauseArgs extends OperationArgs {
  reason: string;
  note?: string | null;
}

/** Good and scrap units counted at the line: deltas, keyed by the mutation (never absolute). */
export interface CountsArgs extends OperationArgs {
  good: number;
  scrap: number;
  defect_code: string | null;
}

/** A quality check recorded offline: a new record with the id minted here. */
export interface QualityCheckArgs {
  id: string;
  operation_id: string;
  characteristic_id: string;
  values?: number[];
  passed?: boolean;
  value?: string;
  note?: string | null;
}

export interface ResolveArgs {
  conflict_id: string;
  choice: "server" | "client" | "value";
  value: unknown;
}

export const MUTATIONS = {
  start: kind<StatusArgs>("workorder.start"),
  hold: kind<HoldArgs>("workorder.hold"),
  resume: kind<StatusArgs>("workorder.resume"),
  complete: kind<StatusArgs>("workorder.complete"),
  answer: kind<ChecklistAnswerArgs>("workorder.checklist_answer"),
  comment: kind<CommentArgs>("workorder.comment"),
  laborAdd: kind<LaborAddArgs>("workorder.labor_add"),
  failureCodes: kind<FailureCodesArgs>("workorder.failure_codes"),
  request: kind<WorkRequestArgs>("workorder.request"),
  issue: kind<StockMoveArgs>("stock.issue"),
  giveBack: kind<StockMoveArgs>("stock.return"),
  classify: kind<ClassifyArgs>("downtime.classify"),
  operationStart: kind<OperationArgs>("production.operation_start"),
  operationPause: kind<OperationPauseArgs>("production.operation_pause"),
  operationResume: kind<OperationArgs>("production.operation_resume"),
  counts: kind<CountsArgs>("production.counts"),
  operationComplete: kind<OperationArgs>("production.operation_complete"),
  qualityCheck: kind<QualityCheckArgs>("quality.check"),
  resolve: kind<ResolveArgs>("conflict.resolve"),
} as const;

/** What a refusal code means for the person, and what to do about it. */
export const REFUSAL_HELP: Record<string, string> = {
  forbidden: "You are not allowed to make this change (your role or sites). Ask a planner if it is still needed.",
  not_found: "What this change was about no longer exists or is no longer visible to you.",
  invalid: "The server could not accept the values of this change. Make it again with corrected values.",
  invalid_args: "The server could not read this change. Update the app (reload) and make it again.",
  unknown_mutation: "The server does not know this kind of change. Update the app (reload) and make it again.",
  bad_base_version: "This change was based on data the server never had. Make it again on the current data.",
  illegal_transition:
    "The work order had already moved on (someone changed its status). Check its status and act again if needed.",
  refused: "The server's data did not allow this change any more. Check the current state and act again if needed.",
  already_resolved: "Someone else had already resolved this conflict.",
  unsupported: "This kind of conflict cannot be resolved from the app. Ask a planner.",
  not_sent: "This change never reached the server. Make it again if it is still needed.",
};

export const NOTICE_HELP: Record<string, string> = {
  overdraft: "More parts were taken than the bin showed. The issue is kept; a supervisor will check the bin count.",
  superseded: "Someone had already moved this further; their state was kept.",
  check_failed: "The check failed: a nonconformance is open for quality to review. Check again after rework.",
  material: "The material used does not match the bill of materials; the planner sees the difference.",
};
