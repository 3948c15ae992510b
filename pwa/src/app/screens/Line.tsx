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
  completeOperation,
  defectCodesOf,
  dueChecks,
  lineQueue,
  linesOf,
  machinesOf,
  operationChecks,
  parseMeasurements,
  PAUSE_REASONS,
  pauseOperation,
  queueOf,
  recordCheck,
  recordCounts,
  resumeOperation,
  startOperation,
  stopsOf,
  type DowntimeEvent,
  type DueCheck,
  type PendingItem,
  type QueueItem,
} from "../line";
import { browserOnline, lastSyncAt, session } from "../state";

/** Reads a list from the server again while online (what it stores is shown through `useStored`). */
function useFresh(load: () => Promise<unknown>, deps: unknown[]): void {
  useEffect(() => {
    if (browserOnline.value) load().catch(() => undefined);
  }, deps);
}

const OP_STATUS: Record<string, string> = { pending: "Waiting", running: "Running", paused: "Paused" };

/** The operator's tablet at a line: run the current order (start, pause, resume, counts, checks,
 * complete), the queue, quality checks due, stops to classify. */
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
  const synced = lastSyncAt.value;
  const queue = useStored(() => lineQueue(line.id), [line.id], ["cache", "outbox", "meta"]);
  const machines = useStored(() => machinesOf(line.id, false), [line.id], ["cache"]);
  useFresh(() => Promise.all([queueOf(line.id, true), machinesOf(line.id, true)]), [line.id, online, synced]);
  const items = (queue?.value ?? []).filter((i) => i.operation.status !== "completed");
  const current = items.find((i) => i.operation.status === "running" || i.operation.status === "paused") ?? null;
  const waiting = items.filter((i) => i !== current);
  return (
    <div class="line-grid">
      <div>
        <CurrentOrder item={current} next={waiting.find((i) => i.ready) ?? null} at={queue?.at ?? null} siteId={line.site_id} />
        {current && <QualityChecks item={current} online={online} />}
        <Queue items={waiting} />
      </div>
      <div>
        <Stops siteId={line.site_id} machines={machines?.value ?? []} online={online} />
      </div>
    </div>
  );
}

/** Runs an action of the operator and keeps its error for display. */
function useAction(): [boolean, string | null, (action: () => Promise<unknown>) => Promise<boolean>] {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (failure) {
      setError(errorText(failure));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return [busy, error, run];
}

function CurrentOrder({
  item,
  next,
  at,
  siteId,
}: {
  item: PendingItem | null;
  next: QueueItem | null;
  at: string | null;
  siteId: string;
}) {
  const [busy, error, run] = useAction();
  const [pausing, setPausing] = useState(false);
  const status = item?.operation.status;
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
            {item.operation.pending && <span class="tag tag--muted">not synced</span>}
          </p>
          <div class="counts">
            <div>
              <span class="counts__value" data-testid="good-count">
                {item.operation.good}
              </span>
              <span class="muted">good of {item.quantity}</span>
            </div>
            <div>
              <span class="counts__value counts__value--scrap" data-testid="scrap-count">
                {item.operation.scrap}
              </span>
              <span class="muted">scrap</span>
            </div>
          </div>
          <div class="row" role="group" aria-label="Operation">
            {status === "running" && !pausing && (
              <button type="button" class="button button--quiet" disabled={busy} onClick={() => setPausing(true)}>
                Pause
              </button>
            )}
            {status === "paused" && (
              <button type="button" class="button" disabled={busy} onClick={() => void run(() => resumeOperation(item))}>
                Resume
              </button>
            )}
            {status === "running" && (
              <button type="button" class="button" disabled={busy} onClick={() => void run(() => completeOperation(item))}>
                Complete operation
              </button>
            )}
          </div>
          {pausing && (
            <div class="reason-grid" role="group" aria-label="Why is it paused?">
              {PAUSE_REASONS.map((r) => (
                <button
                  key={r.code}
                  type="button"
                  class="button reason"
                  disabled={busy}
                  onClick={() => void run(() => pauseOperation(item, r.code)).then((ok) => ok && setPausing(false))}
                >
                  {r.label}
                </button>
              ))}
              <button type="button" class="button button--quiet" onClick={() => setPausing(false)}>
                Back
              </button>
            </div>
          )}
          <CountEntry item={item} siteId={siteId} />
        </>
      ) : (
        <>
          <p>
            Nothing is running.{" "}
            {next ? `Next: ${next.order_number} (${next.product_sku}, ${next.quantity} pcs).` : "The queue is empty."}
          </p>
          {next && (
            <button type="button" class="button" disabled={busy} onClick={() => void run(() => startOperation(next))}>
              Start {next.order_number} operation {next.operation.seq}
            </button>
          )}
        </>
      )}
      {error && <Notice kind="error">{error}</Notice>}
      <p class="muted small">
        Changes made here are kept on the tablet and sent when it is online; the queue is
        {at ? ` as of ${dateTime(at)}` : " loaded with a connection"}.
      </p>
    </section>
  );
}

function CountEntry({ item, siteId }: { item: QueueItem; siteId: string }) {
  const [good, setGood] = useState("");
  const [scrap, setScrap] = useState("");
  const [defect, setDefect] = useState("");
  const [busy, error, run] = useAction();
  const codes = useStored(() => defectCodesOf(siteId, false), [siteId], ["cache"]);
  useFresh(() => defectCodesOf(siteId, true), [siteId, browserOnline.value]);
  const scrapUnits = Number(scrap || "0");
  return (
    <form
      class="subform"
      aria-label="Count units"
      onSubmit={(event) => {
        event.preventDefault();
        void run(() => recordCounts(item, Number(good || "0"), scrapUnits, defect || null)).then((ok) => {
          if (!ok) return;
          setGood("");
          setScrap("");
          setDefect("");
        });
      }}
    >
      <div class="row row--end">
        <div class="grow">
          <label for="count-good">Good units</label>
          <input
            id="count-good"
            type="number"
            inputMode="numeric"
            min="0"
            step="1"
            value={good}
            onInput={(e) => setGood(e.currentTarget.value)}
          />
        </div>
        <div class="grow">
          <label for="count-scrap">Scrap units</label>
          <input
            id="count-scrap"
            type="number"
            inputMode="numeric"
            min="0"
            step="1"
            value={scrap}
            onInput={(e) => setScrap(e.currentTarget.value)}
          />
        </div>
        {scrapUnits > 0 && (
          <div class="grow">
            <label for="count-defect">Defect</label>
            <select id="count-defect" value={defect} onChange={(e) => setDefect(e.currentTarget.value)}>
              <option value="" disabled>
                Choose a defect
              </option>
              {(codes?.value ?? []).map((c) => (
                <option key={c.id} value={c.code}>
                  {c.code} · {c.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="submit" class="button" disabled={busy || (!good && !scrap)}>
          Record count
        </button>
      </div>
      {error && <Notice kind="error">{error}</Notice>}
    </form>
  );
}

function QualityChecks({ item, online }: { item: QueueItem; online: boolean }) {
  const operationId = item.operation.id;
  const synced = lastSyncAt.value;
  const checks = useStored(() => operationChecks(operationId), [operationId], ["cache", "outbox", "meta"]) ?? [];
  useFresh(() => dueChecks(operationId, true), [operationId, online, synced]);
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
            const pending = c.pending ?? [];
            return (
              <li key={c.characteristic_id} class={`list__item${gate ? " flagged" : ""}`} data-testid="quality-check">
                <strong>{c.name}</strong> — {c.passed} of {c.due} samples passed
                {c.failed_slots.length > 0 && `, ${c.failed_slots.length} failed`}
                {pending.length > 0 && (
                  <span class="tag tag--muted">
                    {pending.length} recorded here, not synced
                  </span>
                )}
                {gate && <p class="flag">Gate: the operation cannot be completed until these checks pass.</p>}
                {!gate && open === 0 && <p class="muted small">Up to date.</p>}
                <CheckEntry item={item} check={c} />
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function CheckEntry({ item, check }: { item: QueueItem; check: DueCheck }) {
  const [text, setText] = useState("");
  const [busy, error, run] = useAction();
  const id = `check-${check.characteristic_id}`;
  if (check.kind === "pass_fail") {
    return (
      <div class="row" role="group" aria-label={`Record ${check.name}`}>
        <button type="button" class="button" disabled={busy} onClick={() => void run(() => recordCheck(item, check, { passed: true }))}>
          Pass
        </button>
        <button
          type="button"
          class="button button--quiet"
          disabled={busy}
          onClick={() => void run(() => recordCheck(item, check, { passed: false }))}
        >
          Fail
        </button>
        {error && <Notice kind="error">{error}</Notice>}
      </div>
    );
  }
  const numeric = check.kind === "numeric";
  const values = numeric ? parseMeasurements(text) : null;
  return (
    <form
      class="subform row row--end"
      onSubmit={(event) => {
        event.preventDefault();
        const answer = numeric ? (values ? { values } : null) : text.trim() ? { value: text.trim() } : null;
        if (!answer) return;
        void run(() => recordCheck(item, check, answer)).then((ok) => ok && setText(""));
      }}
    >
      <div class="grow">
        <label for={id}>{numeric ? `${check.name}: measured value(s)` : `${check.name}: result`}</label>
        <input
          id={id}
          inputMode={numeric ? "decimal" : "text"}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          aria-invalid={numeric && text.trim() !== "" && values === null}
        />
      </div>
      <button type="submit" class="button" disabled={busy || (numeric ? values === null : !text.trim())}>
        Record check
      </button>
      {error && <Notice kind="error">{error}</Notice>}
    </form>
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
