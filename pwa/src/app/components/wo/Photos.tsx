import { useEffect, useState } from "preact/hooks";

import type { PhotoRecord } from "../../../db/schema";
import { errorText } from "../../api";
import { addPhoto, discardPhoto, retryPhoto } from "../../photos";
import { requestSync } from "../../sync";
import type { WorkOrderData } from "../../workorders";
import { Notice } from "../Screen";

const STATE: Record<PhotoRecord["state"], string> = {
  queued: "waiting to upload",
  uploading: "uploading",
  uploaded: "uploaded",
  failed: "refused",
};

/** Photos taken with the camera: compressed and kept here, uploaded when there is a connection. */
export function Photos({ order, photos, editable }: { order: WorkOrderData; photos: PhotoRecord[]; editable: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const general = photos.filter((p) => !p.checklist_item_id);
  const onFiles = async (files: FileList | null) => {
    if (!files?.length) return;
    setBusy(true);
    setError(null);
    try {
      for (const file of Array.from(files)) await addPhoto(order.id, file);
      requestSync();
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="wo-photos" data-testid="photos">
      <h2 id="wo-photos">Photos</h2>
      {general.length === 0 ? (
        <p class="muted">No photos taken on this device.</p>
      ) : (
        <ul class="thumbs">
          {general.map((photo) => (
            <Thumb key={photo.id} photo={photo} />
          ))}
        </ul>
      )}
      {editable && (
        <label class="button file-button">
          <input
            type="file"
            accept="image/*"
            capture="environment"
            multiple
            disabled={busy}
            aria-label="Take a photo"
            data-testid="photo-input"
            onChange={(e) => {
              void onFiles(e.currentTarget.files);
              e.currentTarget.value = "";
            }}
          />
          {busy ? "Processing…" : "Take a photo"}
        </label>
      )}
      {error && <Notice kind="error">{error}</Notice>}
    </section>
  );
}

function Thumb({ photo }: { photo: PhotoRecord }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const made = URL.createObjectURL(photo.blob);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [photo.id]);
  return (
    <li class="thumb" data-testid="photo" data-state={photo.state}>
      {url && <img src={url} alt={`Photo taken ${new Date(photo.created_at).toLocaleString()}`} width={96} height={96} />}
      <span class={`tag ${photo.state === "failed" ? "tag--high" : "tag--muted"}`}>{STATE[photo.state]}</span>
      <span class="muted small">{Math.round(photo.size / 1024)} KB</span>
      {photo.state === "failed" && (
        <>
          <span class="small">{photo.last_error}</span>
          <button type="button" class="button button--small" onClick={() => void retryPhoto(photo.id).then(requestSync)}>
            Try again
          </button>
          <button type="button" class="button button--small button--quiet" onClick={() => void discardPhoto(photo.id)}>
            Discard
          </button>
        </>
      )}
    </li>
  );
}
