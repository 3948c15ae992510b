import { useEffect, useState } from "preact/hooks";

import { errorText } from "../api";
import type { StockLine } from "../catalog";
import { Notice, Screen } from "../components/Screen";
import { issueParts } from "../execution";
import { useStored } from "../hooks";
import { resolveLabel, type LabelTarget } from "../inventory";
import { session } from "../state";
import { myWork, type WorkOrderData } from "../workorders";

const fmt = (n: number) => String(Math.round(n * 1000) / 1000);

/** A scanned part (`/p/{token}`) or bin (`/b/{token}`) label: what it is, the stock, and taking parts for a job. */
export function Label({ kind, token }: { kind: "part" | "bin"; token: string }) {
  const [target, setTarget] = useState<LabelTarget | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setTarget(undefined);
    resolveLabel(kind, token, session.value?.sites.map((s) => s.id) ?? [])
      .then(setTarget)
      .catch((failure: unknown) => setError(errorText(failure)));
  }, [kind, token]);
  const what = kind === "part" ? "Part" : "Bin";
  if (error || target === null) {
    return (
      <Screen title={`${what} not found`} testid="screen-label">
        <Notice kind="error">
          {error ?? `No ${kind} carries this label, or it is not stored on this device and there is no connection.`}
        </Notice>
        <a class="button" href="/scan">
          Scan again
        </a>
      </Screen>
    );
  }
  if (target === undefined) {
    return (
      <Screen title={what} testid="screen-label">
        <p aria-busy="true">Looking up the label…</p>
      </Screen>
    );
  }
  const title =
    target.kind === "part" ? `${target.part?.number ?? ""} · ${target.part?.name ?? ""}` : `Bin ${target.bin?.code ?? ""}`;
  return (
    <Screen title={title} testid="screen-label">
      {!target.fresh && <Notice>Offline: showing what this device has stored.</Notice>}
      <section class="card" aria-labelledby="stock-title">
        <h2 id="stock-title">Stock</h2>
        {target.stock.length === 0 ? (
          <p class="muted">No stock recorded.</p>
        ) : (
          <ul class="list">
            {target.stock.map((line) => (
              <StockItem key={`${line.part_id}:${line.bin_id}`} line={line} byBin={target.kind === "part"} />
            ))}
          </ul>
        )}
      </section>
    </Screen>
  );
}

function StockItem({ line, byBin }: { line: StockLine; byBin: boolean }) {
  const [open, setOpen] = useState(false);
  const user = session.value?.user.id;
  const work = useStored(
    async () => (user ? (await myWork(user)).filter((w) => w.status === "in_progress" || w.status === "on_hold") : []),
    [user],
  );
  return (
    <li class="list__item">
      <p>
        <strong>{byBin ? `Bin ${line.bin_code}` : `${line.part_number} · ${line.part_name}`}</strong>:{" "}
        {fmt(line.on_hand)} {line.unit} on hand, {fmt(line.available)} available
      </p>
      {!open && (work?.length ?? 0) > 0 && (
        <button type="button" class="button button--small" onClick={() => setOpen(true)}>
          Take for a work order
        </button>
      )}
      {open && work && <TakeForm line={line} work={work} onClose={() => setOpen(false)} />}
    </li>
  );
}

function TakeForm({ line, work, onClose }: { line: StockLine; work: WorkOrderData[]; onClose: () => void }) {
  const [orderId, setOrderId] = useState(work[0]?.id ?? "");
  const [text, setText] = useState("1");
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const quantity = Number(text.replace(",", "."));
  const submit = async (event: Event) => {
    event.preventDefault();
    const order = work.find((w) => w.id === orderId);
    if (!order) return;
    setError(null);
    try {
      await issueParts(
        order,
        {
          part_id: line.part_id,
          part_number: line.part_number,
          part_name: line.part_name,
          unit: line.unit,
          bin_id: line.bin_id,
          bin_code: line.bin_code,
        },
        quantity,
      );
      setMessage(`Taken for ${order.number}: ${fmt(quantity)} ${line.unit} ${line.part_number}.`);
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  const id = `take-${line.part_id}-${line.bin_id}`;
  return (
    <form class="subform" onSubmit={(e) => void submit(e)}>
      <label for={`${id}-wo`}>Work order</label>
      <select id={`${id}-wo`} value={orderId} onChange={(e) => setOrderId(e.currentTarget.value)}>
        {work.map((w) => (
          <option key={w.id} value={w.id}>
            {w.number} · {w.title}
          </option>
        ))}
      </select>
      <label for={`${id}-qty`}>Quantity ({line.unit})</label>
      <input id={`${id}-qty`} type="text" inputMode="decimal" value={text} onInput={(e) => setText(e.currentTarget.value)} />
      {message && <Notice kind="ok">{message}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      <div class="row">
        <button type="submit" class="button button--primary" disabled={!(quantity > 0)}>
          Take
        </button>
        <button type="button" class="button button--quiet" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
