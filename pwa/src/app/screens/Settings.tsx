import { useEffect, useState } from "preact/hooks";

import type { Device } from "../../shared/api";
import { ago, dateTime } from "../../shared/time";
import { NetworkError, api, errorText } from "../api";
import { Notice, Screen } from "../components/Screen";
import { checkForUpdate } from "../pwa";
import { enablePush } from "../push";
import { logout, requestPersistence } from "../session";
import { requestSync } from "../sync";
import { lastSyncAt, now, pendingCount, pushStatus, session, storageStatus, syncError, syncing } from "../state";

export function Settings() {
  return (
    <Screen title="Settings" testid="screen-settings">
      <div class="columns">
        <div>
          <Account />
          <SyncStatus />
          <Storage />
          <Notifications />
        </div>
        <div>
          <Devices />
          <About />
        </div>
      </div>
    </Screen>
  );
}

function Account() {
  const current = session.value;
  const [busy, setBusy] = useState(false);
  if (!current) return null;
  const signOut = async () => {
    const pending = pendingCount.value;
    const warning =
      pending > 0
        ? `${pending} change${pending === 1 ? " has" : "s have"} not reached the server yet and will be lost. Sign out anyway?`
        : "Sign out of Gemba on this device?";
    if (!confirm(warning)) return;
    setBusy(true);
    await logout();
  };
  return (
    <section class="card" aria-labelledby="account-title">
      <h2 id="account-title">Account</h2>
      <dl class="details">
        <div>
          <dt>Name</dt>
          <dd data-testid="user-name">{current.user.display_name}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{current.user.role}</dd>
        </div>
        <div>
          <dt>Sites</dt>
          <dd>{current.sites.map((s) => s.name).join(", ")}</dd>
        </div>
      </dl>
      <button type="button" class="button" disabled={busy} onClick={() => void signOut()}>
        Sign out
      </button>
    </section>
  );
}

function SyncStatus() {
  const pending = pendingCount.value;
  return (
    <section class="card" aria-labelledby="sync-title" data-testid="sync">
      <h2 id="sync-title">Sync</h2>
      <p>
        {pending === 0 ? "Every change made here has reached the server." : `${pending} change${pending === 1 ? "" : "s"} waiting to be sent.`}{" "}
        Last complete sync: {lastSyncAt.value ? `${dateTime(lastSyncAt.value)} (${ago(lastSyncAt.value, now.value)})` : "never"}.
      </p>
      {syncError.value && <Notice kind="error">{syncError.value}</Notice>}
      <button type="button" class="button" disabled={syncing.value} onClick={requestSync}>
        {syncing.value ? "Syncing…" : "Sync now"}
      </button>
    </section>
  );
}

function Storage() {
  const status = storageStatus.value;
  const mb = (bytes?: number) => (bytes === undefined ? "?" : `${(bytes / 1_048_576).toFixed(1)} MB`);
  return (
    <section class="card" aria-labelledby="storage-title" data-testid="storage">
      <h2 id="storage-title">Offline storage</h2>
      {!status && <p>Not checked yet.</p>}
      {status?.persisted && (
        <Notice kind="ok">
          <span data-testid="storage-state">Persistent</span>: the browser will not clear Gemba's data to free space.
        </Notice>
      )}
      {status && !status.persisted && (
        <Notice>
          <span data-testid="storage-state">Not persistent</span>: the browser may clear stored data when the device runs
          low on space. Unsynced changes are safest when you sync often
          {/iPad|iPhone/.test(navigator.userAgent) ? " and use Gemba from the Home Screen" : ""}.
        </Notice>
      )}
      {status && (
        <p class="muted">
          Using {mb(status.usage)} of {mb(status.quota)} · checked {ago(status.asked_at, now.value)}
        </p>
      )}
      <button type="button" class="button" onClick={() => void requestPersistence()}>
        Ask again
      </button>
    </section>
  );
}

function Notifications() {
  const status = pushStatus.value;
  const [busy, setBusy] = useState(false);
  const turnOn = async () => {
    setBusy(true);
    await enablePush(true);
    setBusy(false);
  };
  return (
    <section class="card" aria-labelledby="push-title" data-testid="push">
      <h2 id="push-title">Notifications</h2>
      {status?.state === "subscribed" ? (
        <Notice kind="ok">This device receives a notification for new work orders.</Notice>
      ) : (
        <Notice>{status?.detail ?? "Notifications are off. Turn them on to be alerted to new work orders."}</Notice>
      )}
      {(!status || status.state === "default" || status.state === "failed" || status.state === "unavailable") && (
        <button type="button" class="button" disabled={busy} onClick={() => void turnOn()}>
          Turn on notifications
        </button>
      )}
    </section>
  );
}

function Devices() {
  const current = session.value;
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    api<Device[]>("/api/devices")
      .then((rows) => {
        setDevices(rows);
        setError(null);
      })
      .catch((failure: unknown) =>
        setError(failure instanceof NetworkError ? "The device list needs a connection." : errorText(failure)),
      );
  useEffect(() => void load(), []);
  const revoke = async (device: Device) => {
    const self = device.id === current?.device_id;
    const text = self
      ? "Revoke this device? You will be signed out here."
      : `Revoke “${device.name}”? It will be signed out and can no longer sync.`;
    if (!confirm(text)) return;
    try {
      await api<Device>(`/api/devices/${device.id}`, { method: "DELETE" });
      if (self) await logout();
      else await load();
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return (
    <section class="card" aria-labelledby="devices-title" data-testid="devices">
      <h2 id="devices-title">Your devices</h2>
      {error && <Notice kind="error">{error}</Notice>}
      {devices === null && !error && <p aria-busy="true">Loading…</p>}
      {devices && (
        <ul class="list">
          {devices.map((d) => (
            <li key={d.id} class="list__item device" data-testid="device">
              <div>
                <strong>{d.name}</strong> {d.id === current?.device_id && <span class="tag">this device</span>}
                <p class="muted">
                  {d.kind} · signed in {dateTime(d.created_at)}
                  {d.last_seen_at ? ` · seen ${ago(d.last_seen_at, now.value)}` : ""}
                </p>
              </div>
              {d.revoked_at ? (
                <span class="tag tag--muted">revoked</span>
              ) : (
                <button
                  type="button"
                  class="button button--small button--danger"
                  onClick={() => void revoke(d)}
                  aria-label={`Revoke ${d.name}`}
                >
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function About() {
  return (
    <section class="card" aria-labelledby="about-title">
      <h2 id="about-title">About</h2>
      <p class="muted">
        Gemba {__APP_VERSION__} · built {dateTime(__APP_BUILD__)}
      </p>
      <button type="button" class="button" onClick={() => void checkForUpdate()}>
        Check for updates
      </button>
    </section>
  );
}
