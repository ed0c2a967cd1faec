import type { Browser, BrowserContext } from '@playwright/test';
import { expectNoSeriousA11yViolations } from '../fixtures/a11y.ts';
import { CARDS, buyerEmailFor, expect, knownBuyer, test } from '../fixtures/buyer.ts';
import { counterSaleApi } from '../pages/box-office-fixtures.ts';
import { LiveShowtimePage } from '../pages/box-office.ts';
import { BuyerCheckoutPage, BuyerOrderPage, BuyerShowtimePage, SandboxPaymentPage } from '../pages/buyer.ts';
import { createRoomWorld, mailedCode, WaitingPage, WaitingRoomPanel } from '../pages/waiting-room.ts';

/**
 * The waiting room as people meet it (docs/waiting-room.md, issue 15): a stadium-style on-sale with the room on,
 * the browser check (ALTCHA proof of work) on joining and verified buyers required to hold.
 *
 * Ten seats; the room admits 30 buyers a minute and only while the admitted shoppers × 2 tickets fit in what is
 * left, so at most five shop at once. Four early buyers, then Ana, then Ben join while the box office has admission
 * paused. When staff start it, the line moves: the four and Ana are admitted one after another (Ana watches her
 * place fall and is taken to the seats), and Ben stops at the head of the line, because the five ahead of him
 * could take all ten tickets. Ana proves her e-mail with the code the server mailed, holds two seats and pays;
 * the box office sells the other eight at the counter; Ben is told at once that it is sold out.
 */

const SEATS = 10;
const EARLY = 4;

async function newBuyer(browser: Browser, who: string): Promise<{ context: BrowserContext; email: string }> {
  const email = buyerEmailFor(who);
  const context = await browser.newContext();
  await knownBuyer(context, email);
  return { context, email };
}

test.describe('waiting room', () => {
  test('buyers wait and watch their place fall; staff pause and resume; one buys, the last in line is told it sold out', async ({
    browser,
    adminApi,
    adminPage,
  }) => {
    // Real browsers for everyone: each solves the proof of work on joining (about a second or two here).
    test.setTimeout(240_000);
    const world = await createRoomWorld(adminApi, {
      seats: SEATS,
      admissionPerMinute: 30,
      shoppingWindowSeconds: 600,
      requireVerifiedBuyers: true,
      botChallenge: true,
    });
    const id = world.showtime.id;

    // The box office watches the room on the live showtime page. Nobody is in line yet, but the sale is open, so
    // the room is open too (it opens with its sale, not with the first arrival); staff pause admission while the
    // crowd gathers.
    const live = new LiveShowtimePage(adminPage);
    await live.goto(id);
    const panel = new WaitingRoomPanel(adminPage);
    await expect(panel.state).toHaveText('admitting', { timeout: 20_000 });
    await expect(panel.figure('waiting')).toHaveText('0');
    await panel.pause();

    // Four early buyers open the waiting page from a link; each is given the next place.
    const contexts: BrowserContext[] = [];
    for (let i = 1; i <= EARLY; i++) {
      const { context } = await newBuyer(browser, `early${i}`);
      contexts.push(context);
      const early = new WaitingPage(await context.newPage(), id);
      await early.goto();
      await expect(early.position).toHaveText(String(i), { timeout: 30_000 });
      await expect(early.message).toHaveText(
        `${i === 1 ? 'You are next.' : `You are number ${i} in line.`} Admission is paused for a moment.`,
      );
      // Their place is kept in the room, whether or not the page stays open.
      await context.close();
    }
    await expect(panel.figure('waiting')).toHaveText(String(EARLY));

    // Ana goes to the seat map and tries to hold a seat: the sale has a waiting room, so she is taken to the line.
    const anaEmail = buyerEmailFor('ana');
    const anaContext = await browser.newContext();
    contexts.push(anaContext);
    const anaPage = await anaContext.newPage();
    const picker = new BuyerShowtimePage(anaPage, id);
    await picker.goto();
    await picker.pickInList('HALL-A-5');
    await picker.holdButton.click();
    await picker.giveEmail(anaEmail);
    const ana = new WaitingPage(anaPage, id);
    await expect(anaPage).toHaveURL(ana.url);
    await expect(ana.heading).toBeVisible();
    await expect(ana.position).toHaveText(String(EARLY + 1), { timeout: 30_000 });
    await expect(ana.message).toHaveText(
      `You are number ${EARLY + 1} in line. Admission is paused for a moment.`,
    );

    // Ben opens the waiting page after her.
    const benBuyer = await newBuyer(browser, 'ben');
    contexts.push(benBuyer.context);
    const ben = new WaitingPage(await benBuyer.context.newPage(), id);
    await ben.goto();
    await expect(ben.position).toHaveText(String(EARLY + 2), { timeout: 30_000 });
    await expect(panel.figure('waiting')).toHaveText(String(EARLY + 2));
    await expect(panel.figure('admitted')).toHaveText('0');

    // Staff start admission. Everyone waiting hears it; the numbers move on both sides.
    await ana.recordPositions();
    await ben.recordPositions();
    await panel.start();
    await expect(ben.news).toHaveText('Admission has resumed.');
    await expect(ana.news).toHaveText('Admission has resumed.');
    // While the line moves, her page promises a time (from the admission rate): under a minute at 30 a minute.
    await expect(ana.message).toHaveText(
      /^(You are next\.|You are number [2-5] in line\.) Your turn in less than a minute\.$/,
    );

    // Ana is admitted when her turn comes and is taken to the seats by the page itself.
    await expect(anaPage).toHaveURL(new RegExp(`/showtimes/${id}$`), { timeout: 60_000 });
    const anaSaw = await ana.positionsSeen();
    expect(anaSaw[0]).toBe(EARLY + 1);
    expect(anaSaw.length).toBeGreaterThan(1);
    for (let i = 1; i < anaSaw.length; i++) expect(anaSaw[i]).toBeLessThan(anaSaw[i - 1]!);

    // Ben reaches the head of the line and stays there: the five admitted could take all ten tickets.
    await expect(ben.position).toHaveText('1', { timeout: 30_000 });
    await expect(ben.message).toHaveText(
      'You are next. The buyers ahead of you will likely take the tickets left before your turn.',
    );
    await expect(ben.progress).toHaveAttribute(
      'aria-label',
      `Progress through the line: ${EARLY + 1} of the ${EARLY + 1} ahead of you have gone in`,
    );
    const benSaw = await ben.positionsSeen();
    expect(benSaw[0]).toBe(EARLY + 2);
    expect(benSaw[benSaw.length - 1]).toBe(1);
    await expect(panel.figure('waiting')).toHaveText('1');
    await expect(panel.figure('admitted')).toHaveText(String(EARLY + 1));
    await expect(panel.figure('shopping')).toHaveText(`${EARLY + 1} / 100`);

    // Staff pause and resume again: Ben's page says so each time.
    await panel.pause();
    await expect(ben.news).toHaveText('Admission is paused by the box office. You keep your place.');
    await expect(ben.message).toHaveText('You are next. Admission is paused for a moment.');
    await panel.start();
    await expect(ben.news).toHaveText('Admission has resumed.');

    // Ana holds two seats. The sale requires a verified e-mail: she asks for a code and types it from her mail.
    await picker.waitUntilLive();
    await picker.pickInList('HALL-A-5');
    await picker.pickInList('HALL-A-6');
    await picker.holdButton.click();
    const verify = anaPage.getByTestId('verify-email-dialog');
    await expect(verify).toBeVisible();
    await verify.getByRole('button', { name: 'Send me a code' }).click();
    const code = await mailedCode(adminApi, anaEmail);
    await verify.getByLabel('Code').fill(code);
    await verify.getByRole('button', { name: 'Confirm' }).click();
    await expect(verify).toBeHidden();
    await expect(picker.myHolds).toBeVisible();
    await expect(picker.holdCard()).toContainText('Hall, row A, seat 5; Hall, row A, seat 6');

    await picker.checkout();
    const checkout = new BuyerCheckoutPage(anaPage);
    await checkout.expectLoaded();
    await expect(checkout.payButton).toHaveText('Pay €80.00');
    await checkout.pay();
    const sandbox = new SandboxPaymentPage(anaPage);
    await sandbox.payWith(CARDS.success);
    await sandbox.backToShop();
    const order = new BuyerOrderPage(anaPage);
    await expect(order.status).toHaveText('Paid — your tickets are ready', { timeout: 15_000 });

    // The box office sells the last eight tickets at the counter. Ben, still waiting, is told at once.
    const rest = world.seats.filter((s) => s !== 'HALL-A-5' && s !== 'HALL-A-6');
    await counterSaleApi(adminApi, id, { seats: rest });
    await expect(ben.news).toHaveText('Admission stopped: every ticket is sold or held.', {
      timeout: 20_000,
    });
    await expect(ben.message).toHaveText(
      'Sold out for now: every ticket is sold or held. We stopped admitting and will resume here if tickets come back.',
    );
    await expect(ben.soldOutNotice).toContainText('Sold out for now');
    await expect(ben.soldOutNotice).toContainText('admission resumes and you keep your place');
    await expect(panel.state).toHaveText('sold out');
    await expect(panel.figure('left')).toHaveText('0');
    await expect(panel.figure('waiting')).toHaveText('1');
    await expectNoSeriousA11yViolations(ben.page, 'waiting page, sold out');

    for (const c of contexts) await c.close().catch(() => undefined);
  });
});
