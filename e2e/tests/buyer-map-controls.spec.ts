import { expect, test } from '../fixtures/buyer.ts';
import { BuyerShowtimePage } from '../pages/buyer.ts';

/**
 * Issue 17, item 18: the zoom buttons covered the "Box right" label and seats of the demo theatre. They sit
 * outside the drawing area now, so nothing the map draws is ever under them.
 */
test.describe('buyer: the map controls', () => {
  test('the zoom buttons cover no seat, section name, zone or stage of the demo theatre', async ({
    page,
  }) => {
    const res = await page.request.get('/api/events/demo-concert');
    expect(res.ok()).toBe(true);
    const { showtimes } = (await res.json()) as { showtimes: Array<{ id: string }> };
    const picker = new BuyerShowtimePage(page, showtimes[0]!.id);
    await picker.goto();

    // Desktop, laptop, tablet and phone widths: the narrower the map, the closer the venue comes to its corners.
    for (const size of [
      { width: 1280, height: 720 },
      { width: 1024, height: 768 },
      { width: 800, height: 1000 },
      { width: 412, height: 860 },
    ]) {
      await page.setViewportSize(size);
      const drawn = await picker.drawnBoxes();
      // The helper finds the demo theatre's right box, the name the buttons used to cover.
      expect(drawn.some((b) => b.what === 'label "Box right"')).toBe(true);
      const controls = (await picker.zoomControls.boundingBox())!;
      const under = drawn.filter(
        (b) =>
          b.x < controls.x + controls.width &&
          controls.x < b.x + b.width &&
          b.y < controls.y + controls.height &&
          controls.y < b.y + b.height,
      );
      expect(
        under.map((b) => b.what),
        `under the zoom buttons at ${size.width}×${size.height}`,
      ).toEqual([]);
    }
  });
});
