/**
 * A QR detector: the browser's BarcodeDetector when it has one that reads QR codes, else the
 * zxing-wasm polyfill. The polyfill and its wasm are loaded here, on first use only, from this
 * origin (the wasm is part of the build and precached by the service worker).
 */

export interface QrDetector {
  detect(source: ImageBitmapSource): Promise<string[]>;
  readonly kind: "native" | "polyfill";
}

interface NativeDetector {
  detect(source: ImageBitmapSource): Promise<{ rawValue: string }[]>;
}

interface NativeDetectorClass {
  new (options?: { formats: string[] }): NativeDetector;
  getSupportedFormats?(): Promise<string[]>;
}

let polyfill: Promise<QrDetector> | null = null;

export async function createDetector(): Promise<QrDetector> {
  const native = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
  if (native) {
    try {
      const formats = (await native.getSupportedFormats?.()) ?? ["qr_code"];
      if (formats.includes("qr_code")) {
        const detector = new native({ formats: ["qr_code"] });
        return {
          kind: "native",
          detect: async (source) => (await detector.detect(source)).map((b) => b.rawValue),
        };
      }
    } catch {
      // fall through to the polyfill
    }
  }
  polyfill ??= loadPolyfill().catch((error: unknown) => {
    polyfill = null;
    throw error;
  });
  return polyfill;
}

async function loadPolyfill(): Promise<QrDetector> {
  const [{ BarcodeDetector, prepareZXingModule, purgeZXingModule }, wasm] =
    await Promise.all([
      import("barcode-detector/ponyfill"),
      import("zxing-wasm/reader/zxing_reader.wasm?url"),
    ]);
  const wasmUrl = new URL(wasm.default, document.baseURI).href;
  try {
    // Sets where the wasm comes from before the first detector exists, and loads it now.
    await prepareZXingModule({
      overrides: {
        locateFile: (path: string, prefix: string) => (path.endsWith(".wasm") ? wasmUrl : prefix + path),
      },
      fireImmediately: true,
    });
  } catch (error) {
    purgeZXingModule();
    throw error;
  }
  const detector = new BarcodeDetector({ formats: ["qr_code"] });
  return {
    kind: "polyfill",
    detect: async (source) => {
      try {
        return (await detector.detect(source)).map((b) => b.rawValue);
      } catch (error) {
        purgeZXingModule();
        polyfill = null;
        throw error;
      }
    },
  };
}
