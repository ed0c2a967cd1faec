import { describe, expect, it } from 'vitest';
import { idempotencyKeySchema } from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';
import { IDEMPOTENCY_KEY, idempotencyKeyOf } from './holds.ts';

describe('Idempotency-Key', () => {
  const samples = [
    'a',
    'flood-1',
    '3f1c2a9e-0b7d-4c1e-9a55-0f3e1d2c4b6a',
    'k.1:2_3-4',
    'x'.repeat(128),
    'x'.repeat(129),
    '',
    'has space',
    'ünïcode',
    'semi;colon',
    'new\nline',
    'slash/key',
  ];

  it('the fast check accepts exactly what the shared schema accepts', () => {
    for (const key of samples)
      expect(IDEMPOTENCY_KEY.test(key), JSON.stringify(key)).toBe(
        idempotencyKeySchema.safeParse(key).success,
      );
  });

  it('a malformed key is a 400 with the schema message, a good one comes back as is', () => {
    expect(idempotencyKeyOf({ 'idempotency-key': 'flood-1' })).toBe('flood-1');
    try {
      idempotencyKeyOf({ 'idempotency-key': 'has space' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('validation_failed');
      expect((e as DomainError).message).toMatch(/^Invalid Idempotency-Key header: Use 1-128/);
    }
  });
});
