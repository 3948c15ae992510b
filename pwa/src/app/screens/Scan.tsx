import { useEffect, useRef, useState } from "preact/hooks";

import type { Asset } from "../../shared/api";
import { labelToken } from "../../shared/routes";
import { labelOf, listEntities } from "../../db/store";
import { NetworkError, api, errorText } from "../api";
import { Notice, Screen } from "../components/Screen";
import { navigate } from "../router";

type CameraState = "starting" | "scanning" | "stopped" | "error";

export function Scan() {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<CameraState>("starting");
  const [message, setMessage] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    setState("starting");
    setMessage(null);
    const onCode = (text: string) => {
      const token = labelToken(text);
      if (token) {
        navigate(`/a/${token}`);
        return;
      }
      setMessage("That QR code is not a Gemba asset label. Try another one.");
      setTimeout(() => !cancelled && setAttempt((n) => n + 1), 1500);
    };
    void (async () => {
      try {
        const { startScanning } = await import("../../scan/camera");
        if (cancelled || !video.current) return;
        const session = await startScanning(video.current, onCode);
        if (cancelled) session.stop();
        else {
          stop = session.stop;
          setState("scanning");
        }
      } catch (error) {
        if (cancelled) return;
        setState("error");
        setMessage(errorText(error));
      }
    })();
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [attempt]);

  return (
    <Screen title="Scan an asset" testid="screen-scan">
      <div class="scanner">
        <video ref={video} class="scanner__video" muted playsInline aria-label="Camera view" />
        <div class="scanner__frame" aria-hidden="true" />
      </div>
      <p class="muted" role="status" data-testid="scan-status">
        {state === "starting" && "Starting the camera…"}
        {state === "scanning" && "Point the camera at the asset's QR label."}
        {state === "error" && "The camera is not available."}
      </p>
      {message && <Notice kind={state === "error" ? "error" : "info"}>{message}</Notice>}
      {state === "error" && (
        <button type="button" class="button" onClick={() => setAttempt((n) => n + 1)}>
          Try the camera again
        </button>
      )}
      <ManualEntry />
    </Screen>
  );
}

/** Fallback: type the code printed under the QR, or paste a label link. */
function ManualEntry() {
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const value = code.trim();
    if (!value) return;
    setBusy(true);
    setError(null);
    try {
      const token = await resolveEntry(value);
      if (token) navigate(`/a/${token}`);
      else setError(`No asset with the code “${value}” was found.`);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card manual" onSubmit={(e) => void submit(e)}>
      <h2>Type the code instead</h2>
      <label for="asset-code">Asset code (printed under the QR) or label link</label>
      <div class="row">
        <input
          id="asset-code"
          name="asset-code"
          autoCapitalize="characters"
          autoComplete="off"
          spellcheck={false}
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
        <button type="submit" class="button button--primary" disabled={busy}>
          Open
        </button>
      </div>
      {error && <Notice kind="error">{error}</Notice>}
    </form>
  );
}

/** A label link, an asset code (looked up here, then on the server) or a bare label token. */
async function resolveEntry(value: string): Promise<string | null> {
  if (value.includes("/")) return labelToken(value);
  const wanted = value.toUpperCase();
  const local = (await listEntities("asset")).find((a) => String(a.data.code).toUpperCase() === wanted);
  if (local?.label) return local.label;
  try {
    const found = await api<Asset[]>(`/api/assets?q=${encodeURIComponent(value)}&limit=50`);
    const match = found.find((a) => a.code.toUpperCase() === wanted);
    if (match) return labelOf({ label_url: match.label_url }) ?? null;
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    const token = labelToken(value);
    if (token) return token;
    throw new Error(`“${value}” is not stored on this device, and there is no connection to look it up.`, {
      cause: error,
    });
  }
  return labelToken(value);
}
