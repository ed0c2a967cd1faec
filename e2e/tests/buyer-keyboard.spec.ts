import { CARDS, expect, test } from '../fixtures/buyer.ts';
import { BuyerEventPage, BuyerOrderPage, BuyerShowtimePage, tabTo } from '../pages/buyer.ts';

test.describe('buyer: keyboard only', () => {
  test('a purchase with Tab, Enter and the arrow keys, no mouse', async ({ page, world, buyerEmail }) => {
    const { event, showtime } = world;
    const kb = page.keyboard;
    // Proof that no pointer was used: every document of this tab counts mouse and pointer presses.
    await page.addInitScript(() => {
      const count = () =>
        sessionStorage.setItem('e2e.presses', String(Number(sessionStorage.getItem('e2e.presses') ?? 0) + 1));
      addEventListener('mousedown', count, true);
      addEventListener('pointerdown', count, true);
    });
    const eventPage = new BuyerEventPage(page);
    await eventPage.goto(event.slug);
    await tabTo(page, eventPage.chooseLink(showtime.id));
    await kb.press('Enter');

    // The map: Tab onto it and the crosshair rests on the seat at the centre of the venue (row B); one step up
    // with the arrow keys reaches row A; Enter selects the seat under the crosshair.
    const picker = new BuyerShowtimePage(page, showtime.id);
    await picker.waitUntilLive();
    await tabTo(page, picker.map);
    const crosshair = page.locator('.seatmap p[aria-live="polite"]');
    await expect(crosshair).toHaveText(/^Stalls, row B, seat \d+, Standard, €40\.00, available$/);
    await kb.press('ArrowUp');
    await expect(crosshair).toHaveText(/^Stalls, row A, seat \d+, Premium, €60\.00, available$/);
    const onMap = /^Stalls, row A, seat \d+/.exec((await crosshair.textContent())!)![0];
    await kb.press('Enter');
    await expect(picker.selection).toContainText(onMap);

    // The list: the row with the arrow keys, a seat with Enter.
    await tabTo(page, picker.rowSelect);
    await kb.press('ArrowDown');
    await kb.press('ArrowDown');
    await expect(picker.rowSelect.locator('option:checked')).toHaveText(/^Row C —/);
    await tabTo(page, picker.seat('STALLS-C-9'));
    await kb.press('Enter');
    await expect(picker.seat('STALLS-C-9')).toHaveAttribute('aria-pressed', 'true');
    await expect(picker.holdButton).toHaveText('Hold 2 seats');

    // Hold; the email dialog takes focus, Enter submits it.
    await tabTo(page, picker.holdButton, { back: true });
    await kb.press('Enter');
    await expect(picker.emailDialog).toBeVisible();
    await expect(picker.emailDialog.getByLabel('Email address')).toBeFocused();
    await kb.type(buyerEmail);
    await kb.press('Enter');
    await expect(picker.myHolds).toBeVisible();

    const checkoutLink = picker.holdCard().getByRole('link', { name: 'Checkout' });
    await tabTo(page, checkoutLink);
    await kb.press('Enter');
    await expect(page).toHaveURL(/\/checkout\//);
    const pay = page.getByTestId('pay');
    await expect(pay).toBeEnabled();
    await tabTo(page, pay);
    await kb.press('Enter');

    // The sandbox page: a plain form.
    await expect(page).toHaveURL(/\/sandbox-pay\//);
    const card = page.getByLabel('Card number');
    await tabTo(page, card);
    await kb.press('ControlOrMeta+A');
    await kb.type(CARDS.success);
    await kb.press('Enter');
    await expect(page.getByRole('status')).toHaveText('Payment successful.');
    await tabTo(page, page.getByRole('link', { name: 'Back to the shop' }));
    await kb.press('Enter');

    const order = new BuyerOrderPage(page);
    await expect(order.status).toHaveText('Paid — your tickets are ready', { timeout: 15_000 });
    await expect(order.qrCodes).toHaveCount(2);
    expect(await page.evaluate(() => sessionStorage.getItem('e2e.presses'))).toBeNull();
  });
});
