--[[
return-items-9.lua — refunded items of an order go back on sale: sold → free, exactly once per item. A seat is
returned only while it is sold to this order; a GA item only while the order still has that many in the zone,
and, when the item carries a `ref` (e.g. the order item id), only the first time that ref is returned.

KEYS  1 meta  2 seats  3 seatinfo  4 states  5 counts  6 buyers  7 orders  8 returned  9 log
ARGV  1 now (ms)  2 showtimeId  3 channel  4 orderRef  5 items JSON (HoldItem & { ref? })[]
Returns
  { tickets returned, skippedJson (labels / zones not returned), version }
  { code, detailJson, version } with code -1 not loaded
]]
local K = {
  meta = KEYS[1], seats = KEYS[2], seatinfo = KEYS[3], states = KEYS[4], counts = KEYS[5], buyers = KEYS[6],
  orders = KEYS[7], returned = KEYS[8], log = KEYS[9],
}
local NOW, SHOWTIME, CHANNEL = tonumber(ARGV[1]), ARGV[2], ARGV[3]
-- @include common

local orderRef = ARGV[4]
local items = cjson.decode(ARGV[5])
if redis.call('EXISTS', K.meta) == 0 then return refuse(-1) end

local rec = redis.call('HGET', K.orders, orderRef)
local order = rec and cjson.decode(rec) or nil
local returned, skipped = 0, {}
for _, it in ipairs(items) do
  if it.kind == 'seat' then
    local idx, cat = seatInfo(it.seat)
    if idx and order and redis.call('HGET', K.seats, it.seat) == SEAT_SOLD .. ':' .. orderRef then
      setSeat(it.seat, idx, SEAT_FREE)
      countCat(cat, 's', -1)
      countCat(cat, 'a', 1)
      countFreeSeats(1)
      order.s = order.s - 1
      adjustBuyer(order.b, -1)
      returned = returned + 1
    else
      skipped[#skipped + 1] = it.seat
    end
  else
    local refKey = it.ref and (orderRef .. '|' .. it.ref) or nil
    local have = order and order.g[it.zone] or 0
    local cat = redis.call('HGET', K.meta, 'zone:' .. it.zone)
    if cat and have >= it.quantity and not (refKey and redis.call('HEXISTS', K.returned, refKey) == 1) then
      countZone(it.zone, 's', -it.quantity)
      countZone(it.zone, 'a', it.quantity)
      countCat(cat, 's', -it.quantity)
      countCat(cat, 'a', it.quantity)
      order.g[it.zone] = have - it.quantity
      adjustBuyer(order.b, -it.quantity)
      if refKey then redis.call('HSET', K.returned, refKey, NOW) end
      returned = returned + it.quantity
    else
      skipped[#skipped + 1] = it.zone
    end
  end
end
if order and returned > 0 then redis.call('HSET', K.orders, orderRef, cjson.encode(order)) end
return { returned, cjson.encode(skipped), finish('return') }
