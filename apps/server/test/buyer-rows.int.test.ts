/**
 * Buyer rows (auth/buyer.ts): one per e-mail, created by the first session in one statement, with the id derived
 * from the e-mail — so a counter sale can hold for a buyer before its row exists (application/counter-sales).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, type PrismaClient } from '../src/db/prisma.ts';
import {
  buyerIds,
  ensureBuyer as ensure,
  findBuyer,
  findOrCreateBuyer as findOrCreate,
} from '../src/auth/buyer.ts';
import { testPrefix } from './support/env.ts';

const buyerIdFor = buyerIds(`secret-of-${testPrefix()}`);
const findOrCreateBuyer = (p: PrismaClient, email: string) => findOrCreate(p, email, buyerIdFor);
const ensureBuyer = (p: PrismaClient, email: string) => ensure(p, email, buyerIdFor(email));
import { createTestDatabase } from './support/db.ts';

let prisma: PrismaClient;
/** A second node's client: its batches race the first one's. */
let other: PrismaClient;
let drop: () => Promise<void>;

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  prisma = createPrisma(db.url, 20);
  other = createPrisma(db.url, 20);
});

afterAll(async () => {
  await prisma.$disconnect();
  await other.$disconnect();
  await drop();
});

describe('buyer rows', () => {
  it('creates a new buyer with the derived id, and finds it again', async () => {
    const email = 'new@example.test';
    expect(await findBuyer(prisma, email)).toBeNull();
    expect(await findOrCreateBuyer(prisma, email)).toEqual({ id: buyerIdFor(email) });
    expect(await findOrCreateBuyer(prisma, email)).toEqual({ id: buyerIdFor(email) });
    const row = await prisma.buyer.findUniqueOrThrow({ where: { email } });
    // createdAt is UTC, like every timestamp Prisma writes.
    expect(Math.abs(row.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('keeps the id of a row made before derived ids', async () => {
    const old = await prisma.buyer.create({ data: { email: 'old@example.test' } });
    expect(old.id).not.toBe(buyerIdFor('old@example.test'));
    expect(await findOrCreateBuyer(prisma, 'old@example.test')).toEqual({ id: old.id });
    expect(await ensureBuyer(prisma, 'old@example.test')).toBe(old.id);
  });

  it('keeps the ids of rows made with the unkeyed derivation of earlier versions', async () => {
    const emails = ['legacy-a@example.test', 'legacy-b@example.test'];
    const unkeyed = (email: string) =>
      `b${createHash('sha256').update(`seatrush-buyer.v1\n${email}`).digest('hex').slice(0, 24)}`;
    await prisma.buyer.createMany({ data: emails.map((email) => ({ id: unkeyed(email), email })) });
    for (const email of emails) {
      expect(buyerIdFor(email)).not.toBe(unkeyed(email));
      expect(await findBuyer(prisma, email)).toEqual({ id: unkeyed(email) });
      expect(await findOrCreateBuyer(prisma, email)).toEqual({ id: unkeyed(email) });
      expect(await ensureBuyer(other, email)).toBe(unkeyed(email));
    }
    // A batch mixing old and new e-mails: the old keep theirs, the new get keyed ids.
    const fresh = 'legacy-c@example.test';
    const [a, c] = await Promise.all([
      findOrCreateBuyer(prisma, emails[0]!),
      findOrCreateBuyer(prisma, fresh),
    ]);
    expect(a).toEqual({ id: unkeyed(emails[0]!) });
    expect(c).toEqual({ id: buyerIdFor(fresh) });
    expect(await prisma.buyer.count({ where: { email: { startsWith: 'legacy-' } } })).toBe(3);
  });

  it('gives 20 concurrent first sessions and counter sales for one new e-mail one row', async () => {
    const email = 'race@example.test';
    const got = await Promise.all([
      ...Array.from({ length: 15 }, () => findOrCreateBuyer(prisma, email).then((b) => b.id)),
      ...Array.from({ length: 5 }, () => ensureBuyer(prisma, email)),
    ]);
    expect(new Set(got)).toEqual(new Set([buyerIdFor(email)]));
    expect(await prisma.buyer.count({ where: { email } })).toBe(1);
  });

  it('gives the batches of two nodes for overlapping new e-mails one row each, and every caller its id', async () => {
    const emails = Array.from({ length: 300 }, (_, i) => `crowd-${i}@example.test`);
    const calls = [
      ...emails.map((e) => [e, findOrCreateBuyer(prisma, e)] as const),
      ...emails.map((e) => [e, findOrCreateBuyer(other, e)] as const),
      ...emails.slice(0, 50).map((e) => [e, ensureBuyer(other, e).then((id) => ({ id }))] as const),
    ];
    for (const [email, got] of calls) expect((await got).id).toBe(buyerIdFor(email));
    expect(await prisma.buyer.count({ where: { email: { startsWith: 'crowd-' } } })).toBe(300);
  });
});
