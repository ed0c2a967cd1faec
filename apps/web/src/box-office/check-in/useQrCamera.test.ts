import { describe, expect, it } from 'vitest';
import { cameraErrorMessage, sightings } from './useQrCamera.ts';

describe('camera sightings', () => {
  it('reports a code once while it stays in view, and again after it was out of view', () => {
    const s = sightings(1500);
    expect(s.seen('A', 0)).toBe(true);
    // Held in front of the camera for ten seconds, seen in every frame: one scan.
    for (let t = 150; t <= 10_000; t += 150) expect(s.seen('A', t)).toBe(false);
    // Taken away for two seconds, shown again: a second scan.
    expect(s.seen('A', 12_000)).toBe(true);
  });

  it('reports another code at once', () => {
    const s = sightings(1500);
    expect(s.seen('A', 0)).toBe(true);
    expect(s.seen('B', 150)).toBe(true);
    expect(s.seen('A', 300)).toBe(true);
  });
});

describe('camera error messages', () => {
  it('tells a refused permission from a missing camera', () => {
    expect(cameraErrorMessage(new DOMException('x', 'NotAllowedError'))).toMatch(/refused/);
    expect(cameraErrorMessage(new DOMException('x', 'NotFoundError'))).toMatch(/No camera/);
    expect(cameraErrorMessage(new Error('odd'))).toMatch(/could not be opened/);
  });
});
