import { useEffect, useState } from "preact/hooks";

import { entityByLabel, getCache, setCache } from "../../db/store";
import type { Asset as AssetRow, AuditEntry } from "../../shared/api";
import { dateTime } from "../../shared/time";
import { PRIORITIES, statusLabel } from "../../shared/workorder";
import { ApiError, NetworkError, api, errorText } from "../api";
import { Notice, Screen } from "../components/Screen";
import { requestWork } from "../execution";
import { useStored } from "../hooks";
import { compareWork, putRest, workOrdersOfAsset, type WorkOrderData } from "../workorders";

type Lookup =
  | { state: "loading" }
  | { state: "found"; asset: AssetRow; fresh: boolean; warning?: string }
  | { state: "missing"; message: string };

/** A scanned label: resolved online by its token, offline from the local store. */
export function Asset({ token }: { token: string }) {
  const [lookup, setLookup] = useState<Lookup>({ state: "loading" });

  useEffect(() => {
    let cancelled = false;
    setLookup({ state: "loading" });
    void (async () => {
      const local = await entityByLabel(token);
      if (local && !cancelled) setLookup({ state: "found", asset: local.data as unknown as AssetRow, fresh: false });
      try {
        const asset = await api<AssetRow>(`/api/assets/by-label/${encodeURIComponent(token)}`);
        await putRest("asset", [asset as unknown as AssetRow & Record<string, unknown>]);
        if (!cancelled) setLookup({ state: "found", asset, fresh: true });
      } catch (error) {
        if (cancelled) return;
        if (error instanceof ApiError && error.status === 404) {
          setLookup({ state: "missing", message: "No asset carries this label (or it belongs to a site you cannot see)." });
        } else if (local) {
          const warning = error instanceof NetworkError ? "Offline: showing what this device has stored." : errorText(error);
          setLookup({ state: "found", asset: local.data as unknown as AssetRow, fresh: false, warning });
        } else if (error instanceof NetworkError) {
          setLookup({
            state: "missing",
            message: "This asset is not stored on this device yet, and there is no connection to look it up.",
          });
        } else {
          setLookup({ state: "missing", message: errorText(error) });
        }
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [token]);

  if (lookup.state === "loading") {
    return (
      <Screen title="Asset" testid="screen-asset">
        <p aria-busy="true">Looking up the label…</p>
      </Screen>
    );
  }
  if (lookup.state === "missing") {
    return (
      <Screen title="Asset not found" testid="screen-asset">
        <Notice kind="error">{lookup.message}</Notice>
        <a class="button" href="/scan">
          Scan again
        </a>
      </Screen>
    );
  }
  const { asset, warning } = lookup;
  return (
    <Screen title={`${asset.code} · ${asset.name}`} testid="screen-asset">
      {warning && <Notice>{warning}</Notice>}
      <AssetBody asset={asset} />
    </Screen>
  );
}

function AssetBody({ asset }: { asset: AssetRow }) {
  const work = useAssetWork(asset.id);
  return (
    <div class="columns">
      <div>
        <AssetDetails asset={asset} />
        <ReportProblem asset={asset} />
      </div>
      <div>
        <OpenWorkOrders open={work.open} />
        <History assetId={asset.id} finished={work.finished} />
      </div>
    </div>
  );
}

function AssetDetails({ asset }: { asset: AssetRow }) {
  const rows: [string, string | null][] = [
    ["Code", asset.code],
    ["Level", asset.level],
    ["Status", asset.status],
    ["Criticality", asset.criticality],
    ["Class", asset.asset_class],
    ["Manufacturer", asset.manufacturer],
    ["Model", asset.model],
    ["Serial number", asset.serial],
    ["Installed", asset.install_date],
  ];
  return (
    <section class="card" aria-labelledby="details-title" data-testid="asset-details">
      <h2 id="details-title">Details</h2>
      <dl class="details">
        {rows
          .filter(([, value]) => value)
          .map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
    </section>
  );
}

const FINISHED = new Set(["done", "verified", "cancelled", "rejected"]);

/** Work orders of the asset: the device's rows (with changes made here) over the server's list. */
function useAssetWork(assetId: string): { open: WorkOrderData[]; finished: WorkOrderData[]; fromServer: boolean } {
  const [server, setServer] = useState<WorkOrderData[] | null>(null);
  useEffect(() => {
    const key = `asset_wo:${assetId}`;
    api<{ items: WorkOrderData[] }>(`/api/work-orders/?asset_id=${encodeURIComponent(assetId)}&limit=50`)
      .then(async (page) => {
        await setCache(key, page.items);
        setServer(page.items);
      })
      .catch(async () => setServer((await getCache<WorkOrderData[]>(key))?.value ?? null));
  }, [assetId]);
  const local = useStored(() => workOrdersOfAsset(assetId), [assetId]) ?? [];
  const merged = new Map<string, WorkOrderData>();
  for (const row of server ?? []) merged.set(row.id, row);
  for (const row of local) merged.set(row.id, row);
  const all = [...merged.values()].filter((w) => w.asset_id === assetId);
  return {
    open: all.filter((w) => !FINISHED.has(w.status)).sort(compareWork),
    finished: all
      .filter((w) => FINISHED.has(w.status))
      .sort((a, b) => String(b.completed_at ?? b.created_at ?? "").localeCompare(String(a.completed_at ?? a.created_at ?? ""))),
    fromServer: server !== null,
  };
}

function OpenWorkOrders({ open }: { open: WorkOrderData[] }) {
  return (
    <section class="card" aria-labelledby="open-wo-title" data-testid="asset-open-work">
      <h2 id="open-wo-title">Open work orders</h2>
      {open.length === 0 ? (
        <p class="muted">No open work orders for this asset.</p>
      ) : (
        <ul class="list">
          {open.map((o) => (
            <li key={o.id}>
              <a class="list__item" href={`/wo/${o.id}`}>
                <strong>{o.number}</strong> {o.title}{" "}
                <span class="tag tag--muted">{statusLabel(o.status)}</span>
                {o.pending && <span class="tag tag--muted">not synced</span>}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ReportProblem({ asset }: { asset: AssetRow }) {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [priority, setPriority] = useState("medium");
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await requestWork(asset, title, description, priority);
      setSent(title.trim());
      setTitle("");
      setDescription("");
      setOpen(false);
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return (
    <section class="card" aria-labelledby="report-title" data-testid="report-problem">
      <h2 id="report-title">Report a problem</h2>
      {sent && (
        <Notice kind="ok">
          Reported: “{sent}”. A planner reviews it; it is sent to the server as soon as there is a connection.
        </Notice>
      )}
      {!open ? (
        <button type="button" class="button button--primary" onClick={() => setOpen(true)}>
          Report a problem
        </button>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <label for="problem-title">What is wrong?</label>
          <input id="problem-title" required maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          <label for="problem-description">Details (optional)</label>
          <textarea
            id="problem-description"
            rows={3}
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
          <label for="problem-priority">Urgency</label>
          <select id="problem-priority" value={priority} onChange={(e) => setPriority(e.currentTarget.value)}>
            {PRIORITIES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          {error && <Notice kind="error">{error}</Notice>}
          <div class="row">
            <button type="submit" class="button button--primary" disabled={!title.trim()}>
              Send report
            </button>
            <button type="button" class="button button--quiet" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function History({ assetId, finished }: { assetId: string; finished: WorkOrderData[] }) {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<AuditEntry[]>(`/api/audit/assets/${encodeURIComponent(assetId)}`)
      .then((rows) => setEntries(rows.slice(-20).reverse()))
      .catch((failure: unknown) =>
        setError(failure instanceof NetworkError ? "History needs a connection." : errorText(failure)),
      );
  }, [assetId]);
  return (
    <section class="card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {finished.length > 0 && (
        <>
          <h3>Finished work</h3>
          <ul class="list" data-testid="asset-finished-work">
            {finished.slice(0, 10).map((o) => (
              <li key={o.id}>
                <a class="list__item" href={`/wo/${o.id}`}>
                  <strong>{o.number}</strong> {o.title} <span class="tag tag--muted">{statusLabel(o.status)}</span>
                  {o.completed_at && <span class="muted"> {dateTime(o.completed_at)}</span>}
                </a>
              </li>
            ))}
          </ul>
          <h3>Changes to the asset</h3>
        </>
      )}
      {error && <p class="muted">{error}</p>}
      {!error && entries === null && <p aria-busy="true">Loading…</p>}
      {entries && entries.length === 0 && <p class="muted">No recorded changes.</p>}
      {entries && entries.length > 0 && (
        <ol class="timeline">
          {entries.map((e) => (
            <li key={e.id}>
              <time dateTime={e.at}>{dateTime(e.at)}</time> {describe(e)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function describe(entry: AuditEntry): string {
  const fields = Object.keys(entry.changes).filter((k) => !["updated_at", "created_at", "id"].includes(k));
  if (entry.action === "create") return "Registered";
  if (entry.action === "delete") return "Removed";
  return fields.length ? `Changed ${fields.join(", ")}` : "Updated";
}
