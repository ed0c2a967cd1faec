--[[
confirm-10.lua — a paid hold's items become sold to an order: held → sold, only while the hold is unexpired.
Atomic against expiry: whichever of confirm and expire runs first decides, the other sees the result.
Confirming again with the same order is a no-op success.

KEYS  1 meta  2 seats  3 seatinfo  4 states  5 counts  6 holds  7 expiry  8 ended  9 orders  10 log
ARGV  1 now (ms)  2 showtimeId  3 channel  4 holdId  5 orderRef
Returns
  { 1, version } confirmed          { 2, version } already confirmed by this order
  { code, detailJson, version } with code -8 unknown hold · -10 expired · -15 confirmed by another order
    · -16 released
]]
local K = {
  meta = KEYS[1], seats = KEYS[2], seatinfo = KEYS[3], states = KEYS[4], counts = KEYS[5], holds = KEYS[6],
  expiry = KEYS[7], ended = KEYS[8], orders = KEYS[9], log = KEYS[10],
}
local NOW, SHOWTIME, CHANNEL = tonumber(ARGV[1]), ARGV[2], ARGV[3]
-- @include common

local holdId, orderRef = ARGV[4], ARGV[5]

local rec = redis.call('HGET', K.holds, holdId)
if not rec then
  local why = endedReason(holdId)
  if why == 'e' then return refuse(-10) end
  if why == 'r' then return refuse(-16) end
  return refuse(-8)
end
local h = cjson.decode(rec)
if h.status == 'confirmed' then
  if h.orderRef == orderRef then return { 2, tonumber(redis.call('HGET', K.meta, 'version')) or 0 } end
  return refuse(-15)
end
if h.expiresAt <= NOW then return refuse(-10) end

local order = { b = h.limitKey or h.buyerId, h = holdId, s = 0, g = {} }
local existing = redis.call('HGET', K.orders, orderRef)
if existing then order = cjson.decode(existing) end
for _, it in ipairs(h.items) do
  if it.kind == 'seat' then
    local idx, cat = seatInfo(it.seat)
    if idx and redis.call('HGET', K.seats, it.seat) == SEAT_HELD .. ':' .. holdId then
      setSeat(it.seat, idx, SEAT_SOLD, orderRef)
      countCat(cat, 'h', -1)
      countCat(cat, 's', 1)
      order.s = order.s + 1
    end
  else
    countZone(it.zone, 'h', -it.quantity)
    countZone(it.zone, 's', it.quantity)
    countCat(it.category, 'h', -it.quantity)
    countCat(it.category, 's', it.quantity)
    order.g[it.zone] = (order.g[it.zone] or 0) + it.quantity
  end
end
redis.call('HSET', K.orders, orderRef, cjson.encode(order))
h.status = 'confirmed'
h.orderRef = orderRef
redis.call('HSET', K.holds, holdId, cjson.encode(h))
redis.call('ZREM', K.expiry, holdId)
return { 1, emit('confirm') }
