import { useEffect, useState } from "preact/hooks";

import type { Asset } from "../../shared/api";
import { dateTime } from "../../shared/time";
import { duration } from "../../shared/workorder";
import { errorText } from "../api";
import { downtimeReasonsOf, type DowntimeReason } from "../catalog";
import { Notice, Screen } from "../components/Screen";
import { classifyDowntime } from "../execution";
import { useStored, useTick } from "../hooks";
import {
  chooseLine,
  chosenLine,
  dueChecks,
  linesOf,
  machinesOf,
  queueOf,
  stopsOf,
  type DowntimeEvent,
  type QueueItem,
} from "../line";
import { browserOnline, session } from "../state";

/** Reads a list from the server again while online (what it stores is shown through `useStored`). */
function useFresh(load: () => Promise<unknown>, deps: unknown[]): void {
  useEffect(() => {
    if (browserOnline.value) load().catch(() => undefined);
  }, deps);
}

const OP_STATUS: Record<string, string> = { pending: "Waiting", running: "Running", paused: "Paused" };

/** The operator's tablet at a line: current order and queue, quality checks due, stops to classify. */
export function Line() {
  const sites = session.value?.sites.map((s) => s.id) ?? [];
  const online = browserOnline.value;
  const lineId = useStored(chosenLine, [], ["meta"]);
  const lines = useStored(() => linesOf(sites, false), [sites.join()], ["cache"]);
  useFresh(() => linesOf(sites, true), [sites.join(), online]);
  const line = lines?.find((l) => l.id === lineId);
  return (
    <Screen title={line ? `Line ${line.code} · ${line.name}` : "My line"} testid="screen-line">
      <LinePicker lines={lines ?? []} current={lineId ?? ""} />
      {line ? <LineBody line={line} online={online} /> : lines && <p class="muted">Choose the line this tablet stands at.</p>}
    </Screen>
  );
}

function LinePicker({ lines, current }: { lines: Asset[]; current: string }) {
  if (lines.length === 0) return <p class="muted">No lines on this device yet; they are loaded with a connection.</p>;
  return (
    <div class="line-picker">
      <label for="line-select">Line</label>
      <select id="line-select" value={current} onChange={(e) => void chooseLine(e.currentTarget.value)}>
        <option value="" disabled>
          Choose a line
        </option>
        {lines.map((l) => (
          <option key={l.id} value={l.id}>
            {l.code} · {l.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function LineBody({ line, online }: { line: Asset; online: boolean }) {
  const queue = useStored(() => queueOf(line.id, false), [line.id], ["cache"]);
  const machines = useStored(() => machinesOf(line.id, false), [line.id], ["cache"]);
  useFresh(() => Promise.all([queueOf(line.id, true), machinesOf(line.id, true)]), [line.id, online]);
  const items = queue?.value ?? [];
  const current = items.find((i) => i.operation.status === "running" || i.operation.status === "paused") ?? null;
  const waiting = items.filter((i) => i !== current);
  return (
    <div class="line-grid">
      <div>
        <CurrentOrder item={current} next={waiting[0] ?? null} at={queue?.at ?? null} />
        {current && <QualityChecks operationId={current.operation.id} online={online} />}
        <Queue items={waiting} />
      </div>
      <div>
        <Stops siteId={line.site_id} machines={machines?.value ?? []} online={online} />
      </div>
    </div>
  );
}

function CurrentOrder({ item, next, at }: { item: QueueItem | null; next: QueueItem | null; at: string | null }) {
  return (
    <section class="card" aria-labelledby="current-title" data-testid="current-order">
      <h2 id="current-title">Current production order</h2>
      {item ? (
        <>
          <p class="big">
            <strong>{item.order_number}</strong> · {item.product_sku} {item.product_name}
          </p>
          <p>
            Operation {item.operation.seq} {item.operation.name}:{" "}
            <span class="tag">{OP_STATUS[item.operation.status] ?? item.operation.status}</span>
          </p>
          <div class="counts">
            <div>
              <span class="counts__value" data-testid="good-count">
                {item.operation.good}
              </span>
              <span class="muted">good of {item.quantity}</span>
            </div>
            <div>
              <span class="counts__value counts__value--scrap">{item.operation.scrap}</span>
              <span class="muted">scrap</span>
            </div>
          </div>
        </>
      ) : (
        <p>
          Nothing is running.{" "}
          {next ? `Next: ${next.order_number} (${next.product_sku}, ${next.quantity} pcs).` : "The queue is empty."}
        </p>
      )}
      <p class="muted small">
        Starting, pausing and counting are recorded at the line terminal for now; this screen shows them
        {at ? ` as of ${dateTime(at)}` : ""}.
      </p>
    </section>
  );
}

function QualityChecks({ operationId, online }: { operationId: string; online: boolean }) {
  const due = useStored(() => dueChecks(operationId, false), [operationId], ["cache"]);
  useFresh(() => dueChecks(operationId, true), [operationId, online]);
  const checks = due?.value ?? [];
  return (
    <section class="card" aria-labelledby="checks-title" data-testid="quality-checks">
      <h2 id="checks-title">Quality checks</h2>
      {checks.length === 0 ? (
        <p class="muted">No checks planned for this operation.</p>
      ) : (
        <ul class="list">
          {checks.map((c) => {
            const open = c.missing_slots.length + c.failed_slots.length;
            const gate = c.required && open > 0;
            return (
              <li key={c.characteristic_id} class={`list__item${gate ? " flagged" : ""}`}>
                <strong>{c.name}</strong> — {c.passed} of {c.due} samples passed
                {c.failed_slots.length > 0 && `, ${c.failed_slots.length} failed`}
                {gate && <p class="flag">Gate: the operation cannot be completed until these checks pass.</p>}
                {!gate && open === 0 && <p class="muted small">Up to date.</p>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function Queue({ items }: { items: QueueItem[] }) {
  return (
    <section class="card" aria-labelledby="queue-title" data-testid="line-queue">
      <h2 id="queue-title">Queue</h2>
      {items.length === 0 ? (
        <p class="muted">No more orders for this line.</p>
      ) : (
        <ol class="list">
          {items.map((i) => (
            <li key={`${i.order_id}:${i.operation.seq}`} class="list__item">
              <strong>{i.order_number}</strong> · {i.product_sku} · {i.quantity} pcs · due {i.due_date}
              <br />
              <span class="muted">
                Operation {i.operation.seq} {i.operation.name}
              </span>{" "}
              {!i.ready && <span class="tag tag--muted">waits for the previous operation</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Stops({ siteId, machines, online }: { siteId: string; machines: Asset[]; online: boolean }) {
  const ids = machines.map((m) => m.id);
  const stops = useStored(() => stopsOf(siteId, ids, false), [siteId, ids.join()], ["entities", "outbox", "cache"]);
  useFresh(() => stopsOf(siteId, ids, true), [siteId, ids.join(), online]);
  const [reasons, setReasons] = useState<DowntimeReason[]>([]);
  useEffect(() => {
    void downtimeReasonsOf(siteId, online).then((found) => setReasons(found?.value ?? []));
  }, [siteId, online]);
  const needing = (stops ?? []).filter((s) => !s.reason_code && !s.work_order_id);
  const named = (stops ?? []).filter((s) => s.reason_code || s.work_order_id);
  const machine = (id: string) => machines.find((m) => m.id === id);
  return (
    <section class="card" aria-labelledby="stops-title" data-testid="stops">
      <h2 id="stops-title">Stops</h2>
      {needing.length === 0 && <p class="muted">No stop is waiting for a reason.</p>}
      {needing.map((stop) => (
        <StopReason key={stop.id} stop={stop} machine={machine(stop.asset_id)} reasons={reasons} />
      ))}
      {named.length > 0 && (
        <>
          <h3>Recent stops</h3>
          <ul class="list">
            {named.map((s) => (
              <li key={s.id} class="list__item">
                {machine(s.asset_id)?.code ?? "Machine"} · {dateTime(s.started_at)} ·{" "}
                {s.work_order_id ? "reason from its work order" : s.reason_label}
                {s.pending && <span class="tag tag--muted">not synced</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function StopReason({ stop, machine, reasons }: { stop: DowntimeEvent; machine: Asset | undefined; reasons: DowntimeReason[] }) {
  const now = useTick(1000, stop.ended_at === null);
  const [category, setCategory] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const roots = reasons.filter((r) => r.parent_id === null);
  const children = category ? reasons.filter((r) => r.parent_id === category) : [];
  const choose = async (reason: DowntimeReason) => {
    setError(null);
    try {
      const root = reasons.find((r) => r.id === reason.parent_id);
      const label = `${root?.category ?? reason.category}: ${reason.label}`;
      await classifyDowntime(stop, { code: reason.code, label }, machine?.code ?? "machine");
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  const length = (stop.ended_at ? Date.parse(stop.ended_at) : now) - Date.parse(stop.started_at);
  return (
    <div class="stop" data-testid="stop">
      <p>
        <strong>{machine ? `${machine.code} · ${machine.name}` : "Machine"}</strong>{" "}
        {stop.ended_at
          ? `stopped at ${dateTime(stop.started_at)} for ${duration(length)}`
          : `stopped since ${dateTime(stop.started_at)} (${duration(length, true)})`}
      </p>
      <p>Why did it stop?</p>
      <div class="reason-grid" role="group" aria-label={category ? "Reason" : "Kind of reason"}>
        {!category &&
          roots.map((r) => (
            <button
              key={r.id}
              type="button"
              class="button reason"
              onClick={() => (reasons.some((c) => c.parent_id === r.id) ? setCategory(r.id) : void choose(r))}
            >
              {r.label}
            </button>
          ))}
        {category &&
          children.map((r) => (
            <button key={r.id} type="button" class="button reason" onClick={() => void choose(r)}>
              {r.label}
            </button>
          ))}
        {category && (
          <button type="button" class="button button--quiet" onClick={() => setCategory(null)}>
            Back
          </button>
        )}
      </div>
      {reasons.length === 0 && <p class="muted">The reason list is loaded with a connection.</p>}
      {error && <Notice kind="error">{error}</Notice>}
    </div>
  );
}
