import { z } from 'zod';
import { seatMapKeySchema } from './seatmap.ts';
import { gaBucketsSchema } from './ga-buckets.ts';

/**
 * Request and response bodies of the catalog, staff and public read API. Request bodies are strict (unknown
 * fields are refused); responses are documentation for the OpenAPI document and for clients.
 */

/** Database ids (cuid) and other opaque ids. A malformed id is answered like a missing one: 404. */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Not a valid id.');
export const idParamsSchema = z.strictObject({ id: idSchema });

export const slugSchema = z
  .string()
  .min(1, 'Enter a slug.')
  .max(80, 'Use at most 80 characters.')
  .regex(
    /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
    'Use lower-case letters, digits and single dashes, e.g. "spring-gala".',
  );

const dateTime = z.iso.datetime({ offset: true });
const timestamps = { createdAt: dateTime, updatedAt: dateTime };

export const saleStates = ['scheduled', 'on_sale', 'paused', 'closed'] as const;
export const saleStateSchema = z.enum(saleStates);
export type SaleStateName = z.infer<typeof saleStateSchema>;

export const saleActions = ['open', 'pause', 'resume', 'close'] as const;
export const saleActionSchema = z.enum(saleActions);
export type SaleAction = z.infer<typeof saleActionSchema>;

export const staffRoleSchema = z.enum(['admin', 'box_office', 'door']);
export type StaffRoleName = z.infer<typeof staffRoleSchema>;

export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'Use an ISO 4217 code such as "EUR".');

/** Seconds a hold lasts before its seats go back on sale: 5 s to 2 h. */
export const holdTtlSchema = z.int().min(5).max(7200);
export const perBuyerLimitSchema = z.int().min(1).max(1000).nullable();
export const priceCentsSchema = z.int().min(0).max(100_000_000);
/** Price in cents per category key; must name every category of the venue, and only those. */
export const pricesSchema = z.record(seatMapKeySchema, priceCentsSchema);

// --- Venues ---------------------------------------------------------------------------------------------

export const venueStatsSchema = z.object({
  sections: z.int(),
  rows: z.int(),
  seats: z.int(),
  gaZones: z.int(),
  gaCapacity: z.int(),
  wheelchair: z.int(),
  companion: z.int(),
});

export const venueCategorySchema = z.object({ key: z.string(), name: z.string(), color: z.string() });
export const venueGaZoneSchema = z.object({
  key: z.string(),
  name: z.string(),
  capacity: z.int(),
  category: z.string(),
});

export const venueSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  layoutVersion: z.int(),
  stats: venueStatsSchema,
  categories: z.array(venueCategorySchema),
  gaZones: z.array(venueGaZoneSchema),
  ...timestamps,
});
export type VenueDto = z.infer<typeof venueSchema>;

export const venueListSchema = z.object({ venues: z.array(venueSchema) });

// --- Events ---------------------------------------------------------------------------------------------

const eventNameSchema = z.string().trim().min(1, 'Enter a name.').max(200, 'Use at most 200 characters.');
const eventDescriptionSchema = z.string().max(5000, 'Use at most 5,000 characters.');

export const eventCreateSchema = z.strictObject({
  slug: slugSchema,
  name: eventNameSchema,
  description: eventDescriptionSchema.optional(),
});
export type EventCreate = z.infer<typeof eventCreateSchema>;

export const eventUpdateSchema = z
  .strictObject({
    slug: slugSchema.optional(),
    name: eventNameSchema.optional(),
    description: eventDescriptionSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.');
export type EventUpdate = z.infer<typeof eventUpdateSchema>;

export const eventSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  ...timestamps,
});
export type EventDto = z.infer<typeof eventSchema>;
export const eventListSchema = z.object({ events: z.array(eventSchema) });

// --- Showtimes ------------------------------------------------------------------------------------------

/** A per-minute limit: null = the configured default, 0 = no limit. */
const perMinuteLimitSchema = z
  .int('Use a whole number per minute.')
  .min(0, 'Use 0 for no limit, or a positive number per minute.')
  .max(100_000, 'Use at most 100,000 per minute.')
  .nullable();

/** The front door (issue 15, docs/waiting-room.md): waiting room, verification, limits, bot challenge; all off. */
export const frontDoorFields = {
  waitingRoom: z.boolean(),
  admissionPerMinute: z
    .int('Use a whole number of buyers per minute.')
    .min(1, 'Admit at least 1 buyer per minute.')
    .max(100_000, 'Admit at most 100,000 buyers per minute.'),
  maxShoppers: z
    .int('Use a whole number of shoppers.')
    .min(1, 'Allow at least 1 shopper at a time.')
    .max(1_000_000, 'Allow at most 1,000,000 shoppers at a time.'),
  shoppingWindowSeconds: z
    .int('Use a whole number of seconds.')
    .min(60, 'Give admitted buyers at least 60 seconds to start holding.')
    .max(7200, 'Give admitted buyers at most 2 hours (7200 seconds).'),
  requireVerifiedBuyers: z.boolean(),
  holdLimitPerBuyer: perMinuteLimitSchema,
  holdLimitPerAddress: perMinuteLimitSchema,
  queueJoinLimitPerAddress: perMinuteLimitSchema,
  botChallenge: z.boolean(),
};

const showtimeFields = {
  startsAt: dateTime,
  saleOpensAt: dateTime,
  saleClosesAt: dateTime,
  holdTtlSeconds: holdTtlSchema,
  perBuyerLimit: perBuyerLimitSchema,
  currency: currencySchema,
  /** Buyers may refund their own paid orders while true. */
  buyerRefunds: z.boolean(),
  prices: pricesSchema,
  ...frontDoorFields,
};

const saleWindowOrdered = (v: { saleOpensAt?: string; saleClosesAt?: string }) =>
  !v.saleOpensAt || !v.saleClosesAt || Date.parse(v.saleOpensAt) < Date.parse(v.saleClosesAt);
const saleWindowIssue = { message: 'The sale must close after it opens.', path: ['saleClosesAt'] };

export const showtimeCreateSchema = z
  .strictObject({
    eventId: idSchema,
    venueId: idSchema,
    ...showtimeFields,
    holdTtlSeconds: holdTtlSchema.default(900),
    perBuyerLimit: perBuyerLimitSchema.default(null),
    currency: currencySchema.default('EUR'),
    buyerRefunds: z.boolean().default(true),
    gaBuckets: gaBucketsSchema.optional(),
    // Left out: the database's defaults (everything off; 600 a minute, 2,000 shoppers, 600 s windows).
    waitingRoom: frontDoorFields.waitingRoom.optional(),
    admissionPerMinute: frontDoorFields.admissionPerMinute.optional(),
    maxShoppers: frontDoorFields.maxShoppers.optional(),
    shoppingWindowSeconds: frontDoorFields.shoppingWindowSeconds.optional(),
    requireVerifiedBuyers: frontDoorFields.requireVerifiedBuyers.optional(),
    holdLimitPerBuyer: perMinuteLimitSchema.optional(),
    holdLimitPerAddress: perMinuteLimitSchema.optional(),
    queueJoinLimitPerAddress: perMinuteLimitSchema.optional(),
    botChallenge: frontDoorFields.botChallenge.optional(),
  })
  .refine(saleWindowOrdered, saleWindowIssue);
export type ShowtimeCreate = z.infer<typeof showtimeCreateSchema>;

/** Every field optional; `prices` entries replace the given categories and keep the others. */
export const showtimeUpdateSchema = z
  .strictObject({
    startsAt: dateTime.optional(),
    saleOpensAt: dateTime.optional(),
    saleClosesAt: dateTime.optional(),
    holdTtlSeconds: holdTtlSchema.optional(),
    perBuyerLimit: perBuyerLimitSchema.optional(),
    currency: currencySchema.optional(),
    buyerRefunds: z.boolean().optional(),
    prices: pricesSchema.optional(),
    waitingRoom: frontDoorFields.waitingRoom.optional(),
    admissionPerMinute: frontDoorFields.admissionPerMinute.optional(),
    maxShoppers: frontDoorFields.maxShoppers.optional(),
    shoppingWindowSeconds: frontDoorFields.shoppingWindowSeconds.optional(),
    requireVerifiedBuyers: frontDoorFields.requireVerifiedBuyers.optional(),
    holdLimitPerBuyer: perMinuteLimitSchema.optional(),
    holdLimitPerAddress: perMinuteLimitSchema.optional(),
    queueJoinLimitPerAddress: perMinuteLimitSchema.optional(),
    botChallenge: frontDoorFields.botChallenge.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.')
  .refine(saleWindowOrdered, saleWindowIssue);
export type ShowtimeUpdate = z.infer<typeof showtimeUpdateSchema>;

export const showtimeListQuerySchema = z.object({
  eventId: idSchema.optional(),
  venueId: idSchema.optional(),
  state: saleStateSchema.optional(),
});

export const zoneInventorySchema = z.object({ zoneKey: z.string(), capacity: z.int(), claimed: z.int() });

export const showtimeSchema = z.object({
  id: z.string(),
  eventId: z.string(),
  venueId: z.string(),
  ...showtimeFields,
  gaBuckets: gaBucketsSchema, // set at creation: docs/inventory.md, "GA buckets"
  saleState: saleStateSchema,
  zones: z.array(zoneInventorySchema),
  ...timestamps,
});
export type ShowtimeDto = z.infer<typeof showtimeSchema>;
export const showtimeListSchema = z.object({ showtimes: z.array(showtimeSchema) });

export const saleControlParamsSchema = z.strictObject({ id: idSchema, action: saleActionSchema });
export const saleControlResultSchema = z.object({
  showtimeId: z.string(),
  previous: saleStateSchema,
  saleState: saleStateSchema,
});

// --- Public read API ------------------------------------------------------------------------------------

export const publicVenueRefSchema = z.object({ id: z.string(), slug: z.string(), name: z.string() });

export const publicShowtimeSummarySchema = z.object({
  id: z.string(),
  venue: publicVenueRefSchema,
  startsAt: dateTime,
  saleOpensAt: dateTime,
  saleClosesAt: dateTime,
  saleState: saleStateSchema,
});

export const publicEventSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  showtimes: z.array(publicShowtimeSummarySchema),
});
export type PublicEvent = z.infer<typeof publicEventSchema>;
export const publicEventListSchema = z.object({ events: z.array(publicEventSchema) });

export const idOrSlugParamsSchema = z.strictObject({
  idOrSlug: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'Not a valid id or slug.'),
});

export const publicShowtimeSchema = z.object({
  id: z.string(),
  event: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  venue: publicVenueRefSchema,
  startsAt: dateTime,
  saleOpensAt: dateTime,
  saleClosesAt: dateTime,
  saleState: saleStateSchema,
  holdTtlSeconds: z.int(),
  perBuyerLimit: z.int().nullable(),
  currency: z.string(),
  buyerRefunds: z.boolean(),
  categories: z.array(venueCategorySchema.extend({ priceCents: z.int() })),
  gaZones: z.array(venueGaZoneSchema),
  /** The venue's sections by key and name, so a seat label reads as "Stalls, row A, seat 20" (seatName). */
  sections: z.array(z.object({ key: z.string(), name: z.string() })),
  /** Grows when the venue's layout changes; part of `seatMapUrl` so the map is cached per version. */
  layoutVersion: z.int(),
  /** `/api/venues/:venueId/seatmap?v=<layoutVersion>` — immutable, cache it forever. */
  seatMapUrl: z.string(),
});
export type PublicShowtime = z.infer<typeof publicShowtimeSchema>;

export const seatMapQuerySchema = z.object({ v: z.coerce.number().int().min(1).optional() });

// --- Staff auth and users -------------------------------------------------------------------------------

export const loginSchema = z.strictObject({
  email: z.email('Enter a valid email address.').max(254, 'That email address is too long.'),
  password: z.string().min(1, 'Enter your password.').max(200, 'Use at most 200 characters.'),
});
export type LoginRequest = z.infer<typeof loginSchema>;

export const passwordSchema = z.string().min(8, 'Use at least 8 characters.').max(200);

export const staffUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: staffRoleSchema,
  active: z.boolean(),
  ...timestamps,
});
export type StaffUserDto = z.infer<typeof staffUserSchema>;
export const staffUserListSchema = z.object({ users: z.array(staffUserSchema) });

export const staffMeSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: staffRoleSchema,
  via: z.enum(['session', 'token']),
});
export type StaffMe = z.infer<typeof staffMeSchema>;
export const loginResultSchema = z.object({ staff: staffMeSchema });

export const staffUserCreateSchema = z.strictObject({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(120),
  role: staffRoleSchema,
  password: passwordSchema,
});
export type StaffUserCreate = z.infer<typeof staffUserCreateSchema>;

export const staffUserUpdateSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    role: staffRoleSchema.optional(),
    password: passwordSchema.optional(),
    active: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.');
export type StaffUserUpdate = z.infer<typeof staffUserUpdateSchema>;

export const apiTokenCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(80),
  /** The staff user the token acts as (and whose role it has). Default: the caller. */
  staffUserId: idSchema.optional(),
});
export type ApiTokenCreate = z.infer<typeof apiTokenCreateSchema>;

export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the secret, to recognise it. */
  prefix: z.string(),
  staffUserId: z.string(),
  staffEmail: z.string(),
  role: staffRoleSchema,
  createdAt: dateTime,
  lastUsedAt: dateTime.nullable(),
  revokedAt: dateTime.nullable(),
});
export type ApiTokenDto = z.infer<typeof apiTokenSchema>;
export const apiTokenListSchema = z.object({ tokens: z.array(apiTokenSchema) });
export const apiTokenCreatedSchema = z.object({
  token: apiTokenSchema,
  /** `srt_…` — shown only in this response; send it as `Authorization: Bearer <secret>`. */
  secret: z.string(),
});

// --- Audit ----------------------------------------------------------------------------------------------

export const auditQuerySchema = z.object({
  showtimeId: idSchema.optional(),
  /** `staff:<id>`, `token:<id>`, `buyer:<id>` or `system`. */
  actor: z.string().max(80).optional(),
  /** Exact action (`showtime.sale_opened`) or a prefix ending in a dot (`showtime.`). */
  action: z.string().max(80).optional(),
  entityType: z.string().max(40).optional(),
  entityId: z.string().max(80).optional(),
  /** `nextCursor` of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditEntrySchema = z.object({
  id: z.string(),
  at: dateTime,
  actor: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  showtimeId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntryDto = z.infer<typeof auditEntrySchema>;
export const auditListSchema = z.object({
  entries: z.array(auditEntrySchema),
  nextCursor: z.string().nullable(),
});
