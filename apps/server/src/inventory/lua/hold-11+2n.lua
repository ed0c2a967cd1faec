--[[
hold-11+2n.lua — holds for n requests (n >= 1) of one showtime, each all or nothing, each for one buyer: N seats,
or a quantity from a GA zone. The requests are decided one after another, exactly as n separate calls in that
order would decide them; the batch bumps the version once and publishes one change. (A node sends what arrived
while its previous call was in flight: one request when it is quiet, many in a rush.)

Per request: idempotent on (buyer, request id) — a repeated id with the same fingerprint answers the existing
hold (replayed = 1), with another fingerprint it is refused; the per-buyer limit counts live holds + sold tickets;
the hold is appended to the outbox atomically with the deduction. The batch's change carries `rk`, the request tags
of the holds it made, so every node's sold-out gate can tell a retry of a hold from a new request. A requested seat held by an overdue hold is
freed on the spot, and up to 10 overdue holds are expired first, so a stale hold never stands between a buyer and
a seat even when no sweeper ran.

KEYS  1 meta  2 seats  3 seatinfo  4 states  5 counts  6 holds  7 expiry  8 buyers  9 ended  10 log  11 outbox
      then per request i (1-based): 11+2i-1 its idempotency key, 11+2i its buyer's hold-id index (a set)
ARGV  1 now (ms)  2 showtimeId  3 channel  4 requests: JSON array of
        { h = new holdId, t = tokenHash, b = buyerId, r = requestId, f = fingerprint,
          m = 'seats' | 'ga', z = zone, q = quantity, s = seat labels, k = request tag (published in `rk`),
          o = 1: replay only — answer an earlier request with this id as below, else { 0 }; holds nothing,
          l = limit key: the `buyers` field the per-buyer limit counts this hold under, when it is not the buyer
              (a session that has not proved the e-mail counts on its own); kept in the hold as `limitKey` }
      5 idempotency TTL (ms)
Returns { version, reply_1, ..., reply_n }, reply_i one of
  { 1, holdId, holdJson, replayed (0|1) }
  { 0 } (replay only: no earlier hold with this request id)
  { code, detailJson } with code
    -1 not loaded · -2 sale not open {state} · -3 unknown seats {seats} · -4 seats taken {seats}
    -5 sold out {zone?, available} · -6 limit exceeded {limit, current, requested} · -7 unknown zone {zone}
    -10 replayed hold expired · -16 replayed hold released · -13 request id reused for another request
]]
local K = {
  meta = KEYS[1], seats = KEYS[2], seatinfo = KEYS[3], states = KEYS[4], counts = KEYS[5], holds = KEYS[6],
  expiry = KEYS[7], buyers = KEYS[8], ended = KEYS[9], log = KEYS[10], outbox = KEYS[11],
}
local NOW, SHOWTIME, CHANNEL = tonumber(ARGV[1]), ARGV[2], ARGV[3]
-- @include common

local requests = cjson.decode(ARGV[4])
local idemTtl = tonumber(ARGV[5])

local m = redis.call('HMGET', K.meta, 'state', 'holdTtl', 'perBuyerLimit', 'currency', 'version', 'dueAt')
local state = m[1]
if state then knownVersion = tonumber(m[5]) end
local holdTtl, limit, currency = tonumber(m[2]), tonumber(m[3]) or 0, m[4]

-- meta.dueAt is a lower bound of every expiry in the set: nothing can be overdue before it.
local dueAt = tonumber(m[6])
if state == 'on_sale' and dueAt and dueAt <= NOW then
  expireDue(EXPIRE_INLINE_MAX)
  local first = redis.call('ZRANGE', K.expiry, 0, 0, 'WITHSCORES')
  dueAt = tonumber(first[2])
  if dueAt then redis.call('HSET', K.meta, 'dueAt', dueAt) else redis.call('HDEL', K.meta, 'dueAt') end
end

-- Holds made by this batch, written with one HSET / ZADD at the end (and read from here until then).
local made, madeOrder, madeTags = {}, {}, {}
local zones = {}

local function zoneOf(zone)
  if zones[zone] == nil then
    local z = redis.call('HMGET', K.meta, 'zone:' .. zone, 'zp:' .. zone)
    zones[zone] = z[1] and { z[1], tonumber(z[2]) } or false
  end
  return zones[zone]
end

local function fail(code, detail)
  return { code, cjson.encode(detail or {}) }
end

-- The seat is free, or becomes free because the hold on it is overdue (which ends that whole hold).
local overdueEnded = {}
local function freeOrOverdue(current)
  if not current then return true end
  if string.sub(current, 1, 2) ~= '1:' then return false end
  local id = string.sub(current, 3)
  if overdueEnded[id] then return true end
  if made[id] then return false end
  local rec = redis.call('HGET', K.holds, id)
  if not rec then return false end
  local h = cjson.decode(rec)
  if h.status ~= 'held' or h.expiresAt > NOW then return false end
  endHold(h, 'e')
  overdueEnded[id] = true
  return true
end

local function holdOne(r, idemKey, indexKey)
  local prior = redis.call('GET', idemKey)
  if prior then
    local sep = string.find(prior, '\n', 1, true)
    local priorId, priorFp = string.sub(prior, 1, sep - 1), string.sub(prior, sep + 1)
    if priorFp ~= r.f then return fail(-13) end
    local rec = made[priorId] or redis.call('HGET', K.holds, priorId)
    if rec then return { 1, priorId, rec, 1 } end
    local why = endedReason(priorId)
    if why == 'e' then return fail(-10) end
    if why == 'r' then return fail(-16) end
    -- Otherwise the hold was lost with a rebuild: this request starts afresh.
  end
  if r.o then return { 0 } end
  if not state then return fail(-1) end
  if state ~= 'on_sale' then return fail(-2, { state = state }) end

  local seated = r.m == 'seats'
  local n = seated and #r.s or r.q
  if limit > 0 then
    local current = ticketsOf(r.l or r.b)
    if current + n > limit then return fail(-6, { limit = limit, current = current, requested = n }) end
  end

  local items, total = {}, 0
  if seated then
    local labels = r.s
    local infos, unknown = {}, {}
    local raw = redis.call('HMGET', K.seatinfo, unpack(labels))
    for i, label in ipairs(labels) do
      local idx, cat = parseSeatInfo(raw[i])
      if idx then infos[i] = { idx, cat } else unknown[#unknown + 1] = label end
    end
    if #unknown > 0 then return fail(-3, { seats = unknown }) end
    local current = redis.call('HMGET', K.seats, unpack(labels))
    local taken = {}
    for i, label in ipairs(labels) do
      if not freeOrOverdue(current[i]) then taken[#taken + 1] = label end
    end
    if #taken > 0 then
      if readCount('seats:a') <= 0 then return fail(-5, { available = 0 }) end
      return fail(-4, { seats = taken })
    end
    -- A load refuses categories without a price; should one be missing anyway, the seat is not for sale (an
    -- error() here would abort the batch half-written).
    local unpriced = {}
    for i = 1, #labels do
      local price = tonumber(redis.call('HGET', K.meta, 'price:' .. infos[i][2]))
      if not price then unpriced[#unpriced + 1] = labels[i] end
      infos[i][3] = price
    end
    if #unpriced > 0 then return fail(-3, { seats = unpriced }) end
    for i, label in ipairs(labels) do
      local idx, cat, price = infos[i][1], infos[i][2], infos[i][3]
      setSeat(label, idx, SEAT_HELD, r.h)
      countCat(cat, 'a', -1)
      countCat(cat, 'h', 1)
      countFreeSeats(-1)
      items[i] = { kind = 'seat', seat = label, category = cat, priceCents = price }
      total = total + price
    end
  else
    local zone, quantity = r.z, r.q
    local z = zoneOf(zone)
    if not z then return fail(-7, { zone = zone }) end
    local cat, price = z[1], z[2]
    if not price then return fail(-7, { zone = zone }) end
    local fields = zoneFields(zone)
    for _, f in ipairs(catFields(cat)) do fields[#fields + 1] = f end
    prefetch(fields)
    local available = readCount('z:' .. zone .. ':a')
    if available < quantity then return fail(-5, { zone = zone, available = available }) end
    countZone(zone, 'a', -quantity)
    countZone(zone, 'h', quantity)
    countCat(cat, 'a', -quantity)
    countCat(cat, 'h', quantity)
    items[1] = { kind = 'ga', zone = zone, category = cat, priceCents = price, quantity = quantity }
    total = price * quantity
  end

  adjustBuyer(r.l or r.b, n)
  local expiresAt = NOW + holdTtl * 1000
  if not dueAt or expiresAt < dueAt then
    dueAt = expiresAt
    metaWrites = { 'dueAt', expiresAt }
  end
  local rec = cjson.encode({
    id = r.h, showtimeId = SHOWTIME, tokenHash = r.t, buyerId = r.b, requestId = r.r, items = items,
    totalCents = total, currency = currency, expiresAt = expiresAt, extended = false, createdAt = NOW,
    status = 'held', limitKey = r.l,
  })
  made[r.h] = rec
  madeOrder[#madeOrder + 1] = r.h
  if r.k then madeTags[#madeTags + 1] = r.k end
  redis.call('SET', idemKey, r.h .. '\n' .. r.f, 'PX', idemTtl)
  -- An index only (ended holds are pruned by its reader); the holds hash stays the truth.
  redis.call('SADD', indexKey, r.h)
  redis.call('PEXPIRE', indexKey, idemTtl)
  redis.call('XADD', K.outbox, '*', 'type', 'hold', 'holdId', r.h, 'buyerId', r.b, 'payload', rec)
  return { 1, r.h, rec, 0 }
end

local out = { 0 }
for i, r in ipairs(requests) do
  out[i + 1] = holdOne(r, KEYS[10 + 2 * i], KEYS[11 + 2 * i])
end

if #madeOrder > 0 then
  local hset, zadd = {}, {}
  for _, id in ipairs(madeOrder) do
    local expiresAt = NOW + holdTtl * 1000
    hset[#hset + 1] = id
    hset[#hset + 1] = made[id]
    zadd[#zadd + 1] = expiresAt
    zadd[#zadd + 1] = id
  end
  redis.call('HSET', K.holds, unpack(hset))
  redis.call('ZADD', K.expiry, unpack(zadd))
end
out[1] = finish(#madeOrder > 0 and 'hold' or 'expire', #madeTags > 0 and { rk = madeTags } or nil)
return out
