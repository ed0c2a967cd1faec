import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/index.ts';
import { combineQueries, QueryState, type QueryLike } from './QueryState.tsx';

afterEach(cleanup);

const q = <T,>(over: Partial<QueryLike<T>>): QueryLike<T> => ({
  isPending: false,
  isError: false,
  error: null,
  data: undefined,
  refetch: vi.fn(),
  ...over,
});

const view = (query: QueryLike<string[]>) =>
  render(
    <QueryState query={query} isEmpty={(d) => d.length === 0} empty={<p>Nothing yet</p>}>
      {(d) => <p>{d.join(', ')}</p>}
    </QueryState>,
  );

describe('QueryState', () => {
  it('shows the spinner while pending', () => {
    view(q({ isPending: true }));
    expect(screen.getByRole('status').textContent).toContain('Loading');
  });

  it("shows the error's message for its code, with a retry that refetches", () => {
    const query = q<string[]>({ isError: true, error: new ApiError('not_found', 404) });
    view(query);
    expect(screen.getByRole('alert').textContent).toContain('We could not find that.');
    screen.getByRole('button', { name: 'Try again' }).click();
    expect(query.refetch).toHaveBeenCalledOnce();
  });

  it('keeps showing the data when a refetch failed', () => {
    view(q({ isError: true, error: new ApiError('internal', 500), data: ['a', 'b'] }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('a, b')).toBeTruthy();
  });

  it('shows the empty state, then the data', () => {
    view(q({ data: [] }));
    expect(screen.getByText('Nothing yet')).toBeTruthy();
    cleanup();
    view(q({ data: ['x'] }));
    expect(screen.getByText('x')).toBeTruthy();
  });
});

describe('combineQueries', () => {
  it('fails when the first fails, though the second (waiting on it) is still pending', () => {
    const c = combineQueries(q({ isError: true, error: 'boom' }), q({ isPending: true }));
    expect(c).toMatchObject({ isError: true, error: 'boom', isPending: false });
  });

  it('is pending until both have data, then has both', () => {
    expect(combineQueries(q({ data: 1 }), q({ isPending: true })).isPending).toBe(true);
    expect(combineQueries(q({ data: 1 }), q({ data: 'x' })).data).toEqual([1, 'x']);
  });
});
