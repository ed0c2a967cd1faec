import { useEffect } from 'react';
import { useQrCamera } from './useQrCamera.ts';

export { cameraAvailable } from './useQrCamera.ts';

/**
 * The scanner's camera view (useQrCamera.ts: getUserMedia + jsQR). Mounted while the door has the camera on; the
 * camera stops when it unmounts. When the camera cannot be opened it says why and calls `onUnavailable`, so the
 * page can put the cursor in the manual entry field.
 */
export function CameraScanner({
  onScan,
  onUnavailable,
}: {
  onScan: (payload: string) => void;
  onUnavailable?: () => void;
}) {
  const { video, status, error } = useQrCamera(onScan);
  useEffect(() => {
    if (status === 'failed') onUnavailable?.();
  }, [status, onUnavailable]);

  if (error)
    return (
      <p className="bo-note bo-note-error" role="alert" data-testid="camera-error">
        {error}
      </p>
    );
  return (
    <>
      {status === 'starting' && <p className="bo-muted">Opening the camera…</p>}
      <video
        ref={video}
        className="bo-scan-video"
        muted
        playsInline
        aria-label="Camera view"
        data-status={status}
      />
    </>
  );
}
