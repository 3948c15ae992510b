import { useState } from "preact/hooks";

import type { Asset } from "../../shared/api";
import { labelPath, labelToken, scanTarget } from "../../shared/routes";
import { labelOf, listEntities } from "../../db/store";
import { NetworkError, api, errorText } from "../api";
import { Scanner } from "../components/Scanner";
import { Notice, Screen } from "../components/Screen";
import { navigate } from "../router";

const NOT_A_LABEL = "That QR code is not a Gemba label. Try another one.";

/** Scan any Gemba label: an asset opens its page, a part or bin label shows its stock. */
export function Scan() {
  return (
    <Screen title="Scan a label" testid="screen-scan">
      <Scanner
        prompt="Point the camera at an asset, part or bin QR label."
        accept={(text) => scanTarget(text) ?? NOT_A_LABEL}
        onResult={(label) => navigate(labelPath(label))}
      />
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
      const label = value.includes("/") ? scanTarget(value) : null;
      if (label) {
        navigate(labelPath(label));
        return;
      }
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
