--[[
reclaim-12.lua — a payment arrived for a hold that expired (or was released): its items become sold to the order
if every one of them is free right now, else nothing changes. Ignores the sale state and the per-buyer limit:
the buyer has paid. An expired hold record that is still there is expired first (its own items are then free);
a hold that is still live is refused with -17 (confirm it instead). Reclaiming again for the same order is a
no-op success.

KEYS  1 meta  2 seats  3 seatinfo  4 states  5 counts  6 holds  7 expiry  8 buyers  9 ended  10 orders  11 log
      12 outbox
ARGV  1 now (ms)  2 showtimeId  3 channel  4 holdId  5 buyerId  6 orderRef  7 items JSON (HoldItem[])
      8 limit key ('' or absent: the buyer) — the hold's `limitKey`, which the sold tickets keep counting under
Returns
  { 1, version } sold               { 2, version } already sold to this order
  { code, detailJson, version } with code -1 not loaded · -3 unknown seats {seats} · -4 seats taken {seats}
    · -5 not enough left {zone, available} · -7 unknown zone {zone} · -15 hold confirmed by another order
    · -17 the hold is still live
]]
local K = {
  meta = KEYS[1], seats = KEYS[2], seatinfo = KEYS[3], states = KEYS[4], counts = KEYS[5], holds = KEYS[6],
  expiry = KEYS[7], buyers = KEYS[8], ended = KEYS[9], orders = KEYS[10], log = KEYS[11], outbox = KEYS[12],
}
local NOW, SHOWTIME, CHANNEL = tonumber(ARGV[1]), ARGV[2], ARGV[3]
-- @include common

local holdId, buyerId, orderRef = ARGV[4], ARGV[5], ARGV[6]
local items = cjson.decode(ARGV[7])
local limitKey = ARGV[8]
if limitKey == '' then limitKey = nil end

if redis.call('EXISTS', K.meta) == 0 then return refuse(-1) end
if redis.call('HEXISTS', K.orders, orderRef) == 1 then
  return { 2, tonumber(redis.call('HGET', K.meta, 'version')) or 0 }
end

local old = nil
local rec = redis.call('HGET', K.holds, holdId)
if rec then
  old = cjson.decode(rec)
  if old.status ~= 'held' then return refuse(-15) end
  if old.expiresAt > NOW then return refuse(-17) end
  endHold(old, 'e')
end
expireDue(EXPIRE_INLINE_MAX)

-- Check everything before changing anything.
local unknown, taken, plan = {}, {}, {}
local wanted = {}
for i, it in ipairs(items) do
  if it.kind == 'seat' then
    local idx, cat = seatInfo(it.seat)
    if not idx then
      unknown[#unknown + 1] = it.seat
    elseif redis.call('HEXISTS', K.seats, it.seat) == 1 then
      taken[#taken + 1] = it.seat
    else
      plan[i] = { idx, cat }
    end
  else
    local cat = redis.call('HGET', K.meta, 'zone:' .. it.zone)
    if not cat then return refuse(-7, { zone = it.zone }) end
    plan[i] = { 0, cat }
    wanted[it.zone] = (wanted[it.zone] or 0) + it.quantity
  end
end
if #unknown > 0 then return refuse(-3, { seats = unknown }) end
if #taken > 0 then return refuse(-4, { seats = taken }) end
for zone, q in pairs(wanted) do
  local available = readCount('z:' .. zone .. ':a')
  if available < q then return refuse(-5, { zone = zone, available = available }) end
end

local order = { b = limitKey or buyerId, h = holdId, s = 0, g = {} }
local sold, total = {}, 0
for i, it in ipairs(items) do
  local cat = plan[i][2]
  if it.kind == 'seat' then
    setSeat(it.seat, plan[i][1], SEAT_SOLD, orderRef)
    countCat(cat, 'a', -1)
    countCat(cat, 's', 1)
    countFreeSeats(-1)
    order.s = order.s + 1
    sold[i] = { kind = 'seat', seat = it.seat, category = cat, priceCents = it.priceCents }
    total = total + it.priceCents
  else
    countZone(it.zone, 'a', -it.quantity)
    countZone(it.zone, 's', it.quantity)
    countCat(cat, 'a', -it.quantity)
    countCat(cat, 's', it.quantity)
    order.g[it.zone] = (order.g[it.zone] or 0) + it.quantity
    sold[i] = { kind = 'ga', zone = it.zone, category = cat, priceCents = it.priceCents, quantity = it.quantity }
    total = total + it.priceCents * it.quantity
  end
end
adjustBuyer(limitKey or buyerId, tickets(items))
redis.call('HSET', K.orders, orderRef, cjson.encode(order))
local currency = redis.call('HGET', K.meta, 'currency')
redis.call('HSET', K.holds, holdId, cjson.encode({
  id = holdId, showtimeId = SHOWTIME, tokenHash = old and old.tokenHash or '', buyerId = buyerId,
  requestId = old and old.requestId or '', items = sold, totalCents = total, currency = currency,
  expiresAt = old and old.expiresAt or NOW, extended = old and old.extended or false,
  createdAt = old and old.createdAt or NOW, status = 'confirmed', orderRef = orderRef, limitKey = limitKey,
}))
return { 1, emit('reclaim') }
