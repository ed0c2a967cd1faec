import { expect, smallVenueDoc, test, uniq } from '../pages/box-office-fixtures.ts';

test.describe('box office: venue upload', () => {
  test('a document with problems found in the browser is not sent to the server', async ({
    adminPage: page,
  }) => {
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/staff/venues') sent.push(r.url());
    });
    await page.goto('/box-office/catalog/venues');
    const doc = smallVenueDoc(uniq('e2e-unsent')) as unknown as { categories: Array<{ color: string }> };
    doc.categories[0]!.color = 'orange';
    await page.getByTestId('seatmap-json').fill(JSON.stringify(doc, null, 2));
    await expect(page.getByTestId('seatmap-issues')).toContainText('categories.0.color');
    const create = page.getByRole('button', { name: 'Create venue' });
    await expect(create).toBeDisabled();
    await expect(create).toHaveAccessibleDescription(/fix the problems/i);
    await create.click({ force: true });
    await expect(page.getByTestId('error-note')).toHaveCount(0);
    expect(sent).toEqual([]);
  });
});
