import { describe, expect, it } from 'vitest';
import { chromiumProblem } from './lib/chromium.ts';

describe('npm test without a browser', () => {
  it('says how to install Debian’s Chromium when /usr/bin/chromium is missing', () => {
    const text = chromiumProblem({}, () => false);
    expect(text).toContain('/usr/bin/chromium');
    expect(text).toContain('apt-get install -y chromium');
  });

  it('names a PLAYWRIGHT_CHROMIUM_PATH that does not run', () => {
    const seen: string[] = [];
    const text = chromiumProblem({ PLAYWRIGHT_CHROMIUM_PATH: '/opt/none/chrome' }, (p) => {
      seen.push(p);
      return false;
    });
    expect(seen).toEqual(['/opt/none/chrome']);
    expect(text).toContain('PLAYWRIGHT_CHROMIUM_PATH (/opt/none/chrome)');
  });

  it('says nothing when the browser is there', () => {
    expect(chromiumProblem({}, () => true)).toBeNull();
  });
});
