import { useEffect, useState } from "preact/hooks";

import { scanTarget } from "../../../shared/routes";
import { errorText } from "../../api";
import type { StockLine } from "../../catalog";
import { issueParts, returnParts, type PartPick } from "../../execution";
import { useStored } from "../../hooks";
import {
  partsUsed,
  pendingMoves,
  resolveLabel,
  stockLines,
  type PartUsage,
  type PendingMove,
} from "../../inventory";
import { session } from "../../state";
import type { WorkOrderData } from "../../workorders";
import { Scanner } from "../Scanner";
import { Notice } from "../Screen";

type Step =
  | { kind: "closed" }
  | { kind: "find"; scanning: boolean }
  | { kind: "choose"; title: string; lines: StockLine[] }
  | { kind: "quantity"; line: StockLine };

const fmt = (n: number) => String(Math.round(n * 1000) / 1000);

/** Parts used on the work order, and taking parts from stock: scan a bin or part label, or search. */
export function Parts({ order, editable }: { order: WorkOrderData; editable: boolean }) {
  const [step, setStep] = useState<Step>({ kind: "closed" });
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const moves = useStored(async () => (await pendingMoves()).filter((m) => m.work_order_id === order.id), [order.id]);
  const used = useStored(() => partsUsed(order.id, navigator.onLine), [order.id], ["outbox"]);

  const open = (line: StockLine) => {
    setError(null);
    setStep({ kind: "quantity", line });
  };

  const onLines = (title: string, lines: StockLine[]) => {
    if (lines.length === 1 && lines[0]) open(lines[0]);
    else setStep({ kind: "choose", title, lines });
  };

  const onScanned = async (label: { kind: "asset" | "part" | "bin"; token: string }) => {
    setError(null);
    if (label.kind === "asset") {
      setError("That is an asset label. Scan the label on the bin or on the part.");
      return;
    }
    try {
      const target = await resolveLabel(label.kind, label.token, session.value?.sites.map((s) => s.id) ?? []);
      if (!target) {
        setError("No part or bin carries this label (or it is not stored on this device yet).");
        setStep({ kind: "find", scanning: false });
        return;
      }
      const title =
        target.kind === "part" ? `${target.part?.number ?? ""} · ${target.part?.name ?? ""}` : `Bin ${target.bin?.code ?? ""}`;
      if (target.stock.length === 0) {
        setError(`${title}: no stock of it is recorded on this device.`);
        setStep({ kind: "find", scanning: false });
        return;
      }
      onLines(title, target.stock);
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  return (
    <section class="card" aria-labelledby="wo-parts" data-testid="parts">
      <h2 id="wo-parts">Parts</h2>
      <UsedParts used={used ?? null} moves={moves ?? []} />
      {done && <Notice kind="ok">{done}</Notice>}
      {error && <Notice kind="error">{error}</Notice>}
      {editable && step.kind === "closed" && (
        <button
          type="button"
          class="button"
          onClick={() => {
            setDone(null);
            setError(null);
            setStep({ kind: "find", scanning: false });
          }}
        >
          Take parts from stock
        </button>
      )}
      {step.kind === "find" && (
        <div class="subform" data-testid="part-picker">
          {step.scanning ? (
            <>
              <Scanner
                prompt="Point the camera at the bin or part label."
                accept={(text) => scanTarget(text, null) ?? "That is not a Gemba part or bin label."}
                onResult={(label) => void onScanned(label)}
              />
              <button type="button" class="button button--quiet" onClick={() => setStep({ kind: "find", scanning: false })}>
                Search instead
              </button>
            </>
          ) : (
            <>
              <button type="button" class="button" onClick={() => setStep({ kind: "find", scanning: true })}>
                Scan a bin or part label
              </button>
              <StockSearch siteId={order.site_id} onPick={open} />
            </>
          )}
          <button type="button" class="button button--quiet" onClick={() => setStep({ kind: "closed" })}>
            Cancel
          </button>
        </div>
      )}
      {step.kind === "choose" && (
        <div class="subform">
          <h3>{step.title}</h3>
          <LineList lines={step.lines} onPick={open} />
          <button type="button" class="button button--quiet" onClick={() => setStep({ kind: "find", scanning: false })}>
            Back
          </button>
        </div>
      )}
      {step.kind === "quantity" && (
        <Quantity
          order={order}
          line={step.line}
          onDone={(message) => {
            setDone(message);
            setStep({ kind: "closed" });
          }}
          onCancel={() => setStep({ kind: "find", scanning: false })}
        />
      )}
    </section>
  );
}

/** What the server says was used, and this device's issues and returns not synced yet. */
function UsedParts({ used, moves }: { used: PartUsage[] | null; moves: PendingMove[] }) {
  const [names, setNames] = useState<Map<string, StockLine>>(new Map());
  const site = session.value?.sites.map((s) => s.id) ?? [];
  useEffect(() => {
    void Promise.all(site.map((s) => stockLines(s))).then((all) =>
      setNames(new Map(all.flat().map((l) => [`${l.part_id}:${l.bin_id}`, l]))),
    );
  }, [moves.length]);
  const server = (used ?? []).filter((u) => u.net_quantity !== 0);
  if (server.length === 0 && moves.length === 0) return <p class="muted">No parts used yet.</p>;
  return (
    <ul class="list" data-testid="parts-used">
      {server.map((u) => (
        <li key={u.part_number} class="list__item">
          <strong>{fmt(u.net_quantity)} {u.unit}</strong> {u.part_number} · {u.part_name}
        </li>
      ))}
      {moves.map((m) => {
        const line = names.get(`${m.part_id}:${m.bin_id}`);
        return (
          <li key={m.outbox_id} class="list__item" data-testid="part-move">
            <strong>
              {m.kind === "issue" ? "" : "−"}
              {fmt(m.quantity)} {line?.unit ?? ""}
            </strong>{" "}
            {line ? `${line.part_number} · ${line.part_name} (bin ${line.bin_code})` : "part"}{" "}
            <span class="tag tag--muted">{m.kind === "issue" ? "taken" : "returned"}, not synced</span>
          </li>
        );
      })}
    </ul>
  );
}

function StockSearch({ siteId, onPick }: { siteId: string; onPick: (line: StockLine) => void }) {
  const [query, setQuery] = useState("");
  const lines = useStored(() => stockLines(siteId), [siteId]);
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const found =
    words.length === 0
      ? []
      : (lines ?? []).filter((l) =>
          words.every((w) => `${l.part_number} ${l.part_name} ${l.bin_code}`.toLowerCase().includes(w)),
        );
  return (
    <div>
      <label for="part-search">Or search by part number, name or bin</label>
      <input
        id="part-search"
        type="search"
        autoComplete="off"
        value={query}
        onInput={(e) => setQuery(e.currentTarget.value)}
      />
      {lines !== undefined && lines.length === 0 && (
        <p class="muted">No stock list on this device yet; it is loaded with a connection.</p>
      )}
      {words.length > 0 && found.length === 0 && <p class="muted">Nothing matches.</p>}
      {found.length > 0 && <LineList lines={found.slice(0, 30)} onPick={onPick} />}
    </div>
  );
}

function LineList({ lines, onPick }: { lines: StockLine[]; onPick: (line: StockLine) => void }) {
  return (
    <ul class="list picks" aria-label="Stock">
      {lines.map((line) => (
        <li key={`${line.part_id}:${line.bin_id}`}>
          <button type="button" class="pick" onClick={() => onPick(line)}>
            <strong>{line.part_number}</strong> {line.part_name}
            <span class="muted">
              Bin {line.bin_code} · {fmt(line.on_hand)} {line.unit} on hand
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function Quantity({
  order,
  line,
  onDone,
  onCancel,
}: {
  order: WorkOrderData;
  line: StockLine;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState("1");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const quantity = Number(text.replace(",", "."));
  const valid = Number.isFinite(quantity) && quantity > 0;
  const pick: PartPick = {
    part_id: line.part_id,
    part_number: line.part_number,
    part_name: line.part_name,
    unit: line.unit,
    bin_id: line.bin_id,
    bin_code: line.bin_code,
  };
  const act = async (kind: "issue" | "return") => {
    setBusy(true);
    setError(null);
    try {
      if (kind === "issue") await issueParts(order, pick, quantity);
      else await returnParts(order, pick, quantity);
      const what = `${fmt(quantity)} ${line.unit} ${line.part_number}`;
      onDone(kind === "issue" ? `Taken: ${what} from bin ${line.bin_code}.` : `Returned: ${what} to bin ${line.bin_code}.`);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  const step = (by: number) => setText(fmt(Math.max(1, (valid ? quantity : 0) + by)));
  return (
    <div class="subform" data-testid="part-quantity">
      <h3>
        {line.part_number} · {line.part_name}
      </h3>
      <p class="muted">
        Bin {line.bin_code}: {fmt(line.on_hand)} {line.unit} on hand
      </p>
      <label for="part-quantity">Quantity ({line.unit})</label>
      <div class="stepper">
        <button type="button" class="button" aria-label="One less" onClick={() => step(-1)}>
          −
        </button>
        <input
          id="part-quantity"
          type="text"
          inputMode="decimal"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button type="button" class="button" aria-label="One more" onClick={() => step(1)}>
          +
        </button>
      </div>
      {valid && quantity > line.on_hand && (
        <p class="flag">
          More than the bin shows ({fmt(line.on_hand)} {line.unit}). It is recorded anyway and flagged for a stock check.
        </p>
      )}
      {error && <Notice kind="error">{error}</Notice>}
      <div class="row">
        <button type="button" class="button button--primary" disabled={busy || !valid} onClick={() => void act("issue")}>
          Take {valid ? fmt(quantity) : ""} {line.unit}
        </button>
        <button type="button" class="button" disabled={busy || !valid} onClick={() => void act("return")}>
          Return
        </button>
        <button type="button" class="button button--quiet" onClick={onCancel}>
          Back
        </button>
      </div>
    </div>
  );
}
