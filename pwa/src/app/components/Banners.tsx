import { useEffect, useState } from "preact/hooks";

import { getMeta, setMeta } from "../../db/store";
import { isIosBrowserTab } from "../../shared/device";
import { applyUpdate } from "../pwa";
import { updateReady, updateRequired } from "../state";

export function UpdateBanner() {
  if (updateRequired.value) {
    return (
      <div class="banner banner--update" role="alert" data-testid="update-required">
        <span>{updateRequired.value}</span>
        <button type="button" class="button button--small" onClick={() => location.reload()}>
          Reload
        </button>
      </div>
    );
  }
  if (!updateReady.value) return null;
  return (
    <div class="banner banner--update" role="alert" data-testid="update-banner">
      <span>A new version of Gemba is ready.</span>
      <button type="button" class="button button--small" onClick={applyUpdate}>
        Reload
      </button>
      <button type="button" class="button button--small button--quiet" onClick={() => (updateReady.value = false)}>
        Later
      </button>
    </div>
  );
}

/** iPhone and iPad keep push and lasting storage for Home Screen apps only: say so, once. */
export function IosInstallHint() {
  const [show, setShow] = useState(false);
  useEffect(() => {
    const standalone =
      matchMedia("(display-mode: standalone)").matches ||
      (navigator as Navigator & { standalone?: boolean }).standalone === true;
    if (!isIosBrowserTab(navigator.userAgent, standalone, navigator.maxTouchPoints)) return;
    void getMeta("ios_hint_dismissed").then((dismissed) => setShow(!dismissed));
  }, []);
  if (!show) return null;
  const dismiss = () => {
    setShow(false);
    void setMeta("ios_hint_dismissed", true);
  };
  return (
    <div class="banner banner--hint" role="note" data-testid="ios-hint">
      <p>
        Install Gemba: tap <strong>Share</strong>, then <strong>Add to Home Screen</strong>. On iPhone and iPad only the
        installed app receives notifications and keeps unsynced work safely.
      </p>
      <button type="button" class="button button--small" onClick={dismiss}>
        Got it
      </button>
    </div>
  );
}
