import { useEffect, useRef, useState, type RefObject } from 'react';
import type jsQRModule from 'jsqr';

/**
 * Reads QR codes from the device camera: getUserMedia into a `<video>`, a frame every `FRAME_MS` drawn into a
 * canvas and decoded with jsQR (a JavaScript decoder, so it works where the browser has no `BarcodeDetector`:
 * desktop Linux Chromium, Firefox). The camera is stopped when the component using the hook unmounts (the door
 * presses "Stop camera" or leaves the page).
 */

/** A frame is decoded at most this often: jsQR takes 10–40 ms for a 640-pixel frame on a phone. */
const FRAME_MS = 150;
/** Frames wider than this are scaled down before decoding (a QR code at arm's length stays readable). */
const MAX_WIDTH = 640;
/**
 * A code is reported once while it stays in view; it is reported again only after it was out of view this long,
 * so a ticket held in front of the camera is one scan, and showing it again later is a second scan.
 */
export const GONE_MS = 1500;

type Decoder = typeof jsQRModule.default;

/**
 * The decoder (about 130 kB) is loaded when the camera is first turned on, not with the page. jsqr is CommonJS
 * compiled from TypeScript: its function carries itself as `.default`, whichever interop hands it over.
 */
const loadDecoder = (): Promise<Decoder> => import('jsqr').then((m) => m.default.default);

export type CameraStatus = 'starting' | 'on' | 'failed';

export interface QrCamera {
  video: RefObject<HTMLVideoElement | null>;
  status: CameraStatus;
  /** Why the camera could not be opened, for the door person (the page falls back to typing the code). */
  error: string | null;
}

/** Whether this browser can open a camera at all (`navigator.mediaDevices` exists on https and localhost only). */
export function cameraAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

export function cameraErrorMessage(e: unknown): string {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera access was refused. Allow the camera in the browser’s site settings, or type the ticket code.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found on this device. Type the ticket code instead.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera is busy or broken (another app may be using it). Type the ticket code instead.';
    default:
      return 'The camera could not be opened. Type the ticket code instead.';
  }
}

/**
 * Tracks which code is in view: `seen` answers whether a sighting at `now` is a new scan. Pure, so the rule is
 * tested without a camera (useQrCamera.test.ts).
 */
export function sightings(goneMs = GONE_MS) {
  let last = { value: '', at: Number.NEGATIVE_INFINITY };
  return {
    seen(value: string, now: number): boolean {
      const fresh = value !== last.value || now - last.at > goneMs;
      last = { value, at: now };
      return fresh;
    },
  };
}

/** Decodes the video's current frame into `canvas`; null when there is no frame yet or no QR code in it. */
function decodeFrame(
  jsQR: Decoder,
  v: HTMLVideoElement,
  canvas: HTMLCanvasElement,
  ctx: CanvasRenderingContext2D,
) {
  if (v.readyState < 2 || v.videoWidth === 0) return null;
  const scale = Math.min(1, MAX_WIDTH / v.videoWidth);
  const w = Math.round(v.videoWidth * scale);
  const h = Math.round(v.videoHeight * scale);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  ctx.drawImage(v, 0, 0, w, h);
  const hit = jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: 'dontInvert' });
  return hit?.data ? hit.data : null;
}

export function useQrCamera(onScan: (payload: string) => void): QrCamera {
  const video = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState<CameraStatus>('starting');
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(onScan);
  useEffect(() => {
    latest.current = onScan;
  }, [onScan]);

  useEffect(() => {
    const v = video.current;
    let stream: MediaStream | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const inView = sightings();
    let jsQR: Decoder;
    const tick = () => {
      if (stopped || !v || !ctx) return;
      try {
        const value = decodeFrame(jsQR, v, canvas, ctx);
        if (value !== null && inView.seen(value, performance.now())) latest.current(value);
      } catch {
        // A frame that could not be read: try the next one.
      }
      timer = setTimeout(tick, FRAME_MS);
    };
    const fail = (e: unknown) => {
      if (stopped) return;
      stream?.getTracks().forEach((t) => t.stop());
      setError(cameraErrorMessage(e));
      setStatus('failed');
    };
    if (!cameraAvailable()) {
      fail(new DOMException('no mediaDevices', 'NotSupportedError'));
    } else {
      const decoder = loadDecoder();
      decoder.catch(() => undefined); // reported through `fail` below, once the camera answered
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
        .then(async (s) => {
          stream = s;
          jsQR = await decoder;
          if (stopped || !v) return s.getTracks().forEach((t) => t.stop());
          v.srcObject = s;
          await v.play();
          if (stopped) return;
          setStatus('on');
          tick();
        })
        .catch(fail);
    }
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
      if (v) v.srcObject = null;
    };
  }, []);

  return { video, status, error };
}
