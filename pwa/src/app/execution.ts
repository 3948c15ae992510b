/**
 * What a technician does to a work order, offline or not: each action is one mutation queued in
 * the outbox together with its local effect (one IndexedDB transaction), then synced.
 */
import { getMeta, setMeta } from "../db/store";
import type { Effect, RunningTimer } from "../db/schema";
import { checkAnswer, type AnswerValue } from "../shared/checklist";
import { ENTITY, MUTATIONS, type FailureCodesArgs, type Mutation } from "../shared/mutations";
import { holdReasonLabel, wholeMinutes } from "../shared/workorder";
import type { NewMutation } from "../sync/store";
import { uuid7 } from "./ids";
import { session } from "./state";
import { mutate } from "./sync";
import type { ItemData, WorkOrderData } from "./workorders";

type Extra = Pick<NewMutation, "effects" | "summary" | "meta">;

function send<A>(mutation: Mutation<A>, extra: Extra) {
  return mutate({ ...mutation, ...extra });
}

function patchOrder(order: WorkOrderData, fields: Record<string, unknown>): Effect {
  return { op: "patch", entity: ENTITY.workOrder, id: order.id, fields };
}

function me(): string {
  const id = session.value?.user.id;
  if (!id) throw new Error("Nobody is signed in on this device.");
  return id;
}

const nowIso = () => new Date().toISOString();

// --- status ---------------------------------------------------------------------------------

/** Starts the work and the labor timer. */
export async function startWork(order: WorkOrderData): Promise<void> {
  const at = nowIso();
  await send(MUTATIONS.start({ id: order.id, base_version: order.row_version }), {
    effects: [patchOrder(order, { status: "in_progress", started_at: order.started_at ?? at, hold_reason: null })],
    summary: `Start ${order.number}`,
  });
  await startTimer(order);
}

/** Puts the work on hold with a reason; the running timer stops and its time is logged. */
export async function holdWork(order: WorkOrderData, reason: string): Promise<void> {
  await stopTimer(order.id, order.number);
  await send(MUTATIONS.hold({ id: order.id, base_version: order.row_version, reason }), {
    effects: [patchOrder(order, { status: "on_hold", hold_reason: reason })],
    summary: `Put ${order.number} on hold (${holdReasonLabel(reason)})`,
  });
}

export async function resumeWork(order: WorkOrderData): Promise<void> {
  await send(MUTATIONS.resume({ id: order.id, base_version: order.row_version }), {
    effects: [patchOrder(order, { status: "in_progress", hold_reason: null })],
    summary: `Resume ${order.number}`,
  });
  await startTimer(order);
}

/** Completes the work; a running timer stops first so its time is logged before the close. */
export async function completeWork(order: WorkOrderData): Promise<void> {
  await stopTimer(order.id, order.number);
  await send(MUTATIONS.complete({ id: order.id, base_version: order.row_version }), {
    effects: [patchOrder(order, { status: "done", completed_at: nowIso(), completed_by: me() })],
    summary: `Complete ${order.number}`,
  });
}

// --- checklist ------------------------------------------------------------------------------

export async function answerItem(order: WorkOrderData, item: ItemData, value: AnswerValue): Promise<boolean> {
  const checked = checkAnswer(item, value);
  if (!checked.ok) throw new Error(checked.error);
  const answered = checked.value !== null;
  await send(
    MUTATIONS.answer({ work_order_id: order.id, item_id: item.id, value: checked.value, base_version: item.row_version }),
    {
      effects: [
        {
          op: "patch",
          entity: ENTITY.checklistItem,
          id: item.id,
          fields: {
            value: checked.value,
            out_of_limits: checked.outOfLimits,
            answered_at: answered ? nowIso() : null,
            answered_by: answered ? me() : null,
          },
        },
      ],
      summary: `${order.number}: “${item.label}” ${answered ? `= ${describeAnswer(checked.value, item.unit)}` : "cleared"}`,
    },
  );
  return checked.outOfLimits;
}

export function describeAnswer(value: AnswerValue, unit: string | null = null): string {
  if (value === null) return "not answered";
  if (value === true) return "yes";
  if (value === false) return "no";
  if (typeof value === "number") return `${value}${unit ? ` ${unit}` : ""}`;
  return value;
}

// --- labor ----------------------------------------------------------------------------------

export function runningTimer(): Promise<RunningTimer | undefined> {
  return getMeta("timer");
}

/** Starts this device's timer on a work order (stopping one running elsewhere first). */
export async function startTimer(order: WorkOrderData): Promise<void> {
  const running = await runningTimer();
  if (running?.work_order_id === order.id) return;
  if (running) await stopTimer(running.work_order_id);
  await setMeta("timer", { work_order_id: order.id, started_at: nowIso(), user_id: me() });
}

/**
 * Stops the timer of a work order: the stretch from its start to now is logged as labor, and the
 * timer is forgotten in the same transaction (a crash cannot log it twice or lose it).
 */
export async function stopTimer(workOrderId: string, number?: string): Promise<void> {
  const running = await runningTimer();
  if (!running || running.work_order_id !== workOrderId) return;
  const end = new Date(Math.max(Date.now(), Date.parse(running.started_at) + 1000)).toISOString();
  await logLabor(workOrderId, running.started_at, end, null, number, { remove: ["timer"] });
}

/** Labor entered by hand: `minutes` of work ending now. */
export async function addLabor(order: WorkOrderData, minutes: number, note: string | null): Promise<void> {
  if (!(minutes > 0 && minutes <= 24 * 60)) throw new Error("Enter between 1 minute and 24 hours.");
  const end = new Date();
  const start = new Date(end.getTime() - minutes * 60_000);
  await logLabor(order.id, start.toISOString(), end.toISOString(), note, order.number);
}

async function logLabor(
  workOrderId: string,
  startedAt: string,
  endedAt: string,
  note: string | null,
  number: string | undefined,
  meta?: NewMutation["meta"],
): Promise<void> {
  const id = uuid7();
  const minutes = wholeMinutes(startedAt, endedAt);
  await send(MUTATIONS.laborAdd({ id, work_order_id: workOrderId, started_at: startedAt, ended_at: endedAt, note }), {
    effects: [
      {
        op: "put",
        entity: ENTITY.labor,
        id,
        data: {
          id,
          work_order_id: workOrderId,
          user_id: me(),
          started_at: startedAt,
          ended_at: endedAt,
          minutes,
          note,
          source: "manual",
        },
      },
    ],
    summary: `${number ?? "Work order"}: log ${minutes} min of labor`,
    ...(meta ? { meta } : {}),
  });
}

// --- failure codes, comments ----------------------------------------------------------------

export async function setFailureCodes(
  order: WorkOrderData,
  codes: Omit<FailureCodesArgs, "id" | "base_version">,
): Promise<void> {
  await send(MUTATIONS.failureCodes({ id: order.id, base_version: order.row_version, ...codes }), {
    effects: [patchOrder(order, { ...codes })],
    summary: `${order.number}: set failure codes`,
  });
}

export async function addComment(order: WorkOrderData, body: string): Promise<void> {
  const text = body.trim();
  if (!text) throw new Error("Write something first.");
  const id = uuid7();
  await send(MUTATIONS.comment({ id, work_order_id: order.id, body: text }), {
    effects: [
      {
        op: "put",
        entity: ENTITY.comment,
        id,
        data: { id, work_order_id: order.id, author_id: me(), body: text, created_at: nowIso() },
      },
    ],
    summary: `${order.number}: comment “${text.length > 40 ? `${text.slice(0, 40)}…` : text}”`,
  });
}

// --- parts ----------------------------------------------------------------------------------

export interface PartPick {
  part_id: string;
  part_number: string;
  part_name: string;
  unit: string;
  bin_id: string;
  bin_code: string;
}

/** Parts taken from a bin for the work order (a delta: never refused for stock, overdraw is flagged). */
export async function issueParts(order: WorkOrderData, pick: PartPick, quantity: number): Promise<void> {
  if (!(quantity > 0)) throw new Error("Enter a quantity above zero.");
  await send(
    MUTATIONS.issue({
      work_order_id: order.id,
      part_id: pick.part_id,
      bin_id: pick.bin_id,
      quantity,
      note: null,
    }),
    { effects: [], summary: `${order.number}: take ${quantity} ${pick.unit} ${pick.part_number} from bin ${pick.bin_code}` },
  );
}

export async function returnParts(order: WorkOrderData, pick: PartPick, quantity: number): Promise<void> {
  if (!(quantity > 0)) throw new Error("Enter a quantity above zero.");
  await send(
    MUTATIONS.giveBack({
      work_order_id: order.id,
      part_id: pick.part_id,
      bin_id: pick.bin_id,
      quantity,
      note: null,
    }),
    { effects: [], summary: `${order.number}: return ${quantity} ${pick.unit} ${pick.part_number} to bin ${pick.bin_code}` },
  );
}

// --- requests -------------------------------------------------------------------------------

export async function requestWork(
  asset: { id: string; site_id: string; code: string },
  title: string,
  description: string,
  priority: string,
): Promise<string> {
  const clean = title.trim();
  if (!clean) throw new Error("Say in a few words what is wrong.");
  const id = uuid7();
  await send(MUTATIONS.request({ id, asset_id: asset.id, title: clean, description: description.trim(), priority }), {
    effects: [
      {
        op: "put",
        entity: ENTITY.workOrder,
        id,
        data: {
          id,
          site_id: asset.site_id,
          number: "New request",
          type: "corrective",
          status: "requested",
          title: clean,
          description: description.trim(),
          asset_id: asset.id,
          priority,
          due_at: null,
          assignee_ids: [],
          requested_by: me(),
          created_at: nowIso(),
        },
      },
    ],
    summary: `Report a problem on ${asset.code}: “${clean}”`,
  });
  return id;
}

// --- downtime -------------------------------------------------------------------------------

export async function classifyDowntime(
  event: { id: string; row_version: number },
  reason: { code: string; label: string },
  assetCode: string,
): Promise<void> {
  await send(MUTATIONS.classify({ event_id: event.id, reason_code: reason.code, base_version: event.row_version }), {
    effects: [
      {
        op: "patch",
        entity: ENTITY.downtimeEvent,
        id: event.id,
        fields: { reason_code: reason.code, reason_label: reason.label, reason_source: "operator" },
      },
    ],
    summary: `Stop on ${assetCode}: reason “${reason.label}”`,
  });
}
