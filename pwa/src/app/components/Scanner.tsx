import { useEffect, useRef, useState } from "preact/hooks";

import { errorText } from "../api";
import { Notice } from "./Screen";

type CameraState = "starting" | "scanning" | "error";

/**
 * The rear camera with a QR frame. `accept` turns what was read into a result, or a sentence
 * saying why it is not the label wanted (the camera then reads on).
 */
export function Scanner<T>({
  accept,
  onResult,
  prompt,
}: {
  accept: (text: string) => T | string;
  onResult: (result: T) => void;
  prompt: string;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<CameraState>("starting");
  const [message, setMessage] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    setState("starting");
    const onCode = (text: string) => {
      const result = accept(text);
      if (typeof result !== "string") {
        setMessage(null);
        onResult(result);
        return;
      }
      setMessage(result);
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
    <div class="scanner-block">
      <div class="scanner">
        <video ref={video} class="scanner__video" muted playsInline aria-label="Camera view" />
        <div class="scanner__frame" aria-hidden="true" />
      </div>
      <p class="muted" role="status" data-testid="scan-status">
        {state === "starting" && "Starting the camera…"}
        {state === "scanning" && prompt}
        {state === "error" && "The camera is not available."}
      </p>
      {message && <Notice kind={state === "error" ? "error" : "info"}>{message}</Notice>}
      {state === "error" && (
        <button type="button" class="button" onClick={() => setAttempt((n) => n + 1)}>
          Try the camera again
        </button>
      )}
    </div>
  );
}
