/** Runs the rear camera into a <video> and reports the first QR code it reads. */
import { createDetector, type QrDetector } from "./detector";

export interface ScanSession {
  stop(): void;
  readonly detector: QrDetector["kind"];
}

export class CameraError extends Error {
  constructor(
    message: string,
    readonly reason: "unsupported" | "denied" | "no-camera" | "decoder" | "failed",
  ) {
    super(message);
  }
}

export async function startScanning(
  video: HTMLVideoElement,
  onCode: (text: string) => void,
  intervalMs = 120,
): Promise<ScanSession> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError("This browser gives no camera access here (it needs HTTPS).", "unsupported");
  }
  let detector: QrDetector;
  try {
    detector = await createDetector();
  } catch {
    throw new CameraError("The QR decoder could not be loaded. Check the connection and try again.", "decoder");
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (error) {
    const name = error instanceof DOMException ? error.name : "";
    if (name === "NotAllowedError" || name === "SecurityError") {
      throw new CameraError("Camera access was refused. Allow it in the browser settings, or type the code.", "denied");
    }
    if (name === "NotFoundError" || name === "OverconstrainedError") {
      throw new CameraError("No camera was found on this device. Type the code instead.", "no-camera");
    }
    throw new CameraError("The camera could not be started. Type the code instead.", "failed");
  }
  video.srcObject = stream;
  video.muted = true;
  video.setAttribute("playsinline", "");
  await video.play().catch(() => undefined);

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  const tick = async () => {
    if (stopped) return;
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0) {
      try {
        const [first] = await detector.detect(video);
        if (first && !stopped) {
          stop();
          onCode(first);
          return;
        }
      } catch {
        // a frame that fails to decode is not fatal; the next one may work
      }
    }
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  };
  void tick();
  return { stop, detector: detector.kind };
}
