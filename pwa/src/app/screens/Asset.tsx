import { useEffect, useState } from "preact/hooks";

import { entityByLabel, listEntities, putEntities } from "../../db/store";
import type { Asset as AssetRow, AuditEntry } from "../../shared/api";
import { dateTime } from "../../shared/time";
import { ApiError, NetworkError, api, errorText } from "../api";
import { Notice, Screen } from "../components/Screen";
import type { EntityRecord } from "../../db/schema";

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
        await putEntities("asset", [asset as unknown as AssetRow & Record<string, unknown>]);
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
      <div class="columns">
        <AssetDetails asset={asset} />
        <div>
          <OpenWorkOrders assetId={asset.id} />
          <History assetId={asset.id} />
        </div>
      </div>
    </Screen>
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

function OpenWorkOrders({ assetId }: { assetId: string }) {
  const [orders, setOrders] = useState<EntityRecord[]>([]);
  useEffect(() => {
    void listEntities("work_order").then((rows) =>
      setOrders(rows.filter((r) => r.data.asset_id === assetId && !["closed", "cancelled"].includes(String(r.data.status)))),
    );
  }, [assetId]);
  return (
    <section class="card" aria-labelledby="open-wo-title">
      <h2 id="open-wo-title">Open work orders</h2>
      {orders.length === 0 ? (
        <p class="muted">No open work orders on this device for this asset.</p>
      ) : (
        <ul class="list">
          {orders.map((o) => (
            <li key={o.id}>
              <a class="list__item" href={`/wo/${o.id}`}>
                <strong>{String(o.data.number ?? "")}</strong> {String(o.data.title ?? "")}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function History({ assetId }: { assetId: string }) {
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
