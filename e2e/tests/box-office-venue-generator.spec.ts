import { expect, smallVenueDoc, test, uniq } from '../pages/box-office-fixtures.ts';

/**
 * Issue 17, rough edge 6: the venue generator keeps to the seat-map format's limits (rows per section, seats per
 * row) in the shared schema, the form and the server, instead of building whatever was typed.
 */
test.describe('box office: venue generator limits', () => {
  test('too many seats per row or a negative row count is refused at the field; nothing is generated', async ({
    adminPage: page,
  }) => {
    await page.goto('/box-office/catalog/venues');
    await page.getByRole('button', { name: 'Generate sections' }).click();
    await page.getByLabel('Section 1 seats per row').fill('2001');
    await page.getByLabel('Section 1 rows').fill('-3');
    await page.getByRole('button', { name: 'Generate document' }).click();
    await expect(page.getByText('Use at most 2,000 seats per row.')).toBeVisible();
    await expect(page.getByText('Use at least 1 row.')).toBeVisible();
    await expect(page.getByTestId('seatmap-json')).toHaveValue('');

    await page.getByLabel('Section 1 seats per row').fill('100000');
    await page.getByRole('button', { name: 'Generate document' }).click();
    await expect(page.getByText('Use at most 2,000 seats per row.')).toBeVisible();
    await expect(page.getByTestId('seatmap-json')).toHaveValue('');

    // The form is checked with the format's own rules, keys and slug included, before anything is generated.
    await page.getByLabel('Section 1 seats per row').fill('12');
    await page.getByLabel('Section 1 rows').fill('4');
    await page.getByLabel('Section 1 key').fill('BAD-KEY');
    await page.getByLabel('Slug').fill('Not A Slug');
    await page.getByRole('button', { name: 'Generate document' }).click();
    await expect(page.getByText(/no dashes: they separate the parts of a seat label/)).toBeVisible();
    await expect(page.getByText('Use lower-case letters, digits and single dashes')).toBeVisible();
    await expect(page.getByTestId('seatmap-json')).toHaveValue('');

    await page.getByLabel('Section 1 key').fill('FRONT');
    await page.getByLabel('Slug').fill('wide-hall');
    await page.getByRole('button', { name: 'Generate document' }).click();
    await expect(page.getByTestId('venue-preview')).toContainText(/\b(48|138) seats\b|seats in 2 sections/);
  });

  test('the server refuses a document with a row of more than 2,000 seats', async ({ adminApi }) => {
    const doc = smallVenueDoc(uniq('e2e-wide'));
    const row = doc.sections[0]!.rows[0]!;
    row.seats = Array.from({ length: 2001 }, (_, n) => ({
      number: n + 1,
      x: n * 24,
      y: 120,
      category: 'premium',
    }));
    const res = await adminApi.post('/api/staff/venues', { data: doc });
    expect(res.status()).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
  });
});
