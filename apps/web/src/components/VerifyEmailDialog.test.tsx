import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { transport } from '../api/client.ts';
import { VerifyEmailDialog } from './VerifyEmailDialog.tsx';

/** The dialog against a fake `fetch` answering as the server's routes do (the contracts are checked by zod). */
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const realFetch = transport.fetch;
afterEach(() => {
  transport.fetch = realFetch;
  cleanup();
});

describe('VerifyEmailDialog', () => {
  it('sends a code, takes it, and reports the e-mail proved', async () => {
    const calls: Array<{ path: string; body: unknown }> = [];
    const fake = (input: string, init?: { body?: string }) => {
      const path = input;
      calls.push({ path, body: init?.body ? JSON.parse(init.body) : undefined });
      if (path === '/api/buyer/session/code')
        return Promise.resolve(
          json(202, {
            email: 'a@example.test',
            expiresAt: new Date(Date.now() + 600_000).toISOString(),
            resendAfter: new Date(Date.now() + 60_000).toISOString(),
            attempts: 5,
          }),
        );
      const code = (calls.at(-1)!.body as { code: string }).code;
      if (code !== '123456')
        return Promise.resolve(
          json(400, {
            ok: false,
            error: { code: 'verification_code_invalid', message: 'x', details: { attemptsLeft: 4 } },
          }),
        );
      return Promise.resolve(
        json(200, { buyerId: 'b1', email: 'a@example.test', token: 't', expiresAt: 'x', verified: true }),
      );
    };
    transport.fetch = vi.fn(fake) as unknown as typeof fetch;
    const onDone = vi.fn();
    render(<VerifyEmailDialog open reason="Why we ask." onDone={onDone} />);

    fireEvent.click(screen.getByRole('button', { name: 'Send me a code', hidden: true }));
    await waitFor(() => expect(screen.getByText('a@example.test')).toBeTruthy());
    const input = screen.getByRole('textbox', { name: 'Code', hidden: true });

    fireEvent.change(input, { target: { value: '000000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Confirm', hidden: true }));
    await waitFor(() => expect(screen.getByRole('alert', { hidden: true }).textContent).toMatch(/not right/));
    expect(onDone).not.toHaveBeenCalled();

    fireEvent.change(input, { target: { value: '12 34 56' } });
    expect((input as HTMLInputElement).value).toBe('123456');
    fireEvent.click(screen.getByRole('button', { name: 'Confirm', hidden: true }));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(true));
    expect(calls.map((c) => c.path)).toEqual([
      '/api/buyer/session/code',
      '/api/buyer/session/verify',
      '/api/buyer/session/verify',
    ]);
  });

  it('cancelling reports not proved', () => {
    const onDone = vi.fn();
    render(<VerifyEmailDialog open reason="Why we ask." onDone={onDone} />);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel', hidden: true }));
    expect(onDone).toHaveBeenCalledWith(false);
  });
});
