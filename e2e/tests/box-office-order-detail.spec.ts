import { counterSaleApi, expect, test } from '../pages/box-office-fixtures.ts';
import { OrderDetailPage } from '../pages/box-office.ts';

test.describe('box office: the order detail', () => {
  test('items name their category as the venue does, not by its key', async ({
    adminPage: page,
    adminApi,
    world,
  }) => {
    const sale = await counterSaleApi(adminApi, world.showtime.id, { seats: ['STALLS-A-2', 'STALLS-B-2'] });
    await new OrderDetailPage(page).goto(sale.order.code);
    const items = page.getByRole('table', { name: 'Order items' });
    await expect(items.getByRole('cell', { name: 'Premium', exact: true })).toBeVisible();
    await expect(items.getByRole('cell', { name: 'Standard', exact: true })).toBeVisible();
    await expect(items.getByRole('cell', { name: 'premium', exact: true })).toHaveCount(0);
  });

  test('a ticket’s refund checkbox sits on the line of the seat it names', async ({
    adminPage: page,
    adminApi,
    world,
  }) => {
    const sale = await counterSaleApi(adminApi, world.showtime.id, { seats: ['STALLS-A-3', 'STALLS-B-3'] });
    await new OrderDetailPage(page).goto(sale.order.code);
    const items = page.getByRole('table', { name: 'Order items' });
    for (const seat of ['STALLS-A-3', 'STALLS-B-3']) {
      const box = (await items.getByRole('checkbox', { name: `Refund ${seat}` }).boundingBox())!;
      // The text itself, not its cell (a cell is as tall as its row).
      const label = await items.getByRole('cell', { name: seat, exact: true }).evaluate((cell) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        const r = range.getBoundingClientRect();
        return { y: r.y, height: r.height };
      });
      const overlap = Math.min(box.y + box.height, label.y + label.height) - Math.max(box.y, label.y);
      expect(
        overlap,
        `${seat}: checkbox ${JSON.stringify(box)}, text ${JSON.stringify(label)}`,
      ).toBeGreaterThan(0);
      // Centred on the text's line (the buyer app's 44 px minimum height put its middle 15 px below the text).
      const mid = (b: { y: number; height: number }) => b.y + b.height / 2;
      expect(
        Math.abs(mid(box) - mid(label)),
        `${seat}: checkbox ${JSON.stringify(box)}, text ${JSON.stringify(label)}`,
      ).toBeLessThanOrEqual(2);
    }
  });
});
