import { useEffect, useRef, useState } from 'react';

/**
 * Reads QR codes from the device camera with the browser's own BarcodeDetector (Chrome on Android, ChromeOS and
 * macOS; Safari 17+). Where the browser has none — desktop Linux and Firefox — the camera is not offered and the
 * door types the ticket code; a JavaScript decoder (jsQR, docs/check-in.md) is the planned fallback.
 */
interface Detected {
  rawValue: string;
}
interface Detector {
  detect(source: CanvasImageSource): Promise<Detected[]>;
}
type DetectorConstructor = new (opts: { formats: string[] }) => Detector;

function detectorClass(): DetectorConstructor | null {
  const ctor = (globalThis as { BarcodeDetector?: DetectorConstructor }).BarcodeDetector;
  return typeof ctor === 'function' ? ctor : null;
}

export function cameraSupported(): boolean {
  return (
    detectorClass() !== null && typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia
  );
}

/** The same code is not reported again within this many ms (a code held in front of the camera is one scan). */
const REPEAT_MS = 3000;

export function CameraScanner({ onScan }: { onScan: (payload: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(onScan);
  useEffect(() => {
    latest.current = onScan;
  }, [onScan]);

  useEffect(() => {
    const Ctor = detectorClass();
    if (!Ctor) return;
    const detector = new Ctor({ formats: ['qr_code'] });
    let stream: MediaStream | null = null;
    let stopped = false;
    let last = { value: '', at: 0 };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const v = video.current;
      if (stopped || !v) return;
      try {
        if (v.readyState >= 2) {
          const [hit] = await detector.detect(v);
          const now = Date.now();
          if (hit && (hit.rawValue !== last.value || now - last.at > REPEAT_MS)) {
            last = { value: hit.rawValue, at: now };
            latest.current(hit.rawValue);
          }
        }
      } catch {
        // A frame that could not be read: try the next one.
      }
      timer = setTimeout(() => void tick(), 150);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(async (s) => {
        stream = s;
        if (stopped || !video.current) return s.getTracks().forEach((t) => t.stop());
        video.current.srcObject = s;
        await video.current.play();
        void tick();
      })
      .catch(() => setError('The camera could not be opened. Allow camera access, or type the ticket code.'));
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);

  if (error) return <p className="bo-note bo-note-error">{error}</p>;
  return <video ref={video} className="bo-scan-video" muted playsInline aria-label="Camera view" />;
}
