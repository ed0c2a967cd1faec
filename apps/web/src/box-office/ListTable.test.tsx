import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ListTable } from './ListTable.tsx';

afterEach(cleanup);

describe('ListTable', () => {
  it('names the table, heads its columns (counts right-aligned), and names the actions column for screen readers only', () => {
    render(
      <ListTable label="Venues" columns={['Name', { label: 'Seats', num: true }]} actions testId="venues">
        <tr>
          <td>Hall</td>
          <td className="bo-num">120</td>
          <td>
            <button type="button">Replace layout</button>
          </td>
        </tr>
      </ListTable>,
    );
    const table = screen.getByRole('table', { name: 'Venues' });
    expect(table.className).toBe('bo-table');
    expect(table.dataset.testid).toBe('venues');
    const heads = within(table).getAllByRole('columnheader');
    expect(heads.map((h) => h.textContent)).toEqual(['Name', 'Seats', 'Actions']);
    expect(heads[1]!.className).toBe('bo-num');
    expect(heads[2]!.querySelector('.bo-sr-only')?.textContent).toBe('Actions');
    expect(within(table).getByRole('row', { name: /Hall/ })).toBeTruthy();
  });

  it('has no actions column unless asked, and a compact variant', () => {
    render(
      <ListTable label="Audit entries" columns={['When', 'Who']} compact>
        {[]}
      </ListTable>,
    );
    const table = screen.getByRole('table', { name: 'Audit entries' });
    expect(table.className).toBe('bo-table bo-table-compact');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['When', 'Who']);
    expect(table.hasAttribute('data-testid')).toBe(false);
  });
});
