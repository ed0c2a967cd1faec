--[[
expire-11.lua — ends a hold whose time ran out: only when now >= expiresAt and it was not confirmed. Safe to
call any number of times and at any moment (a confirm racing with it is decided by which runs first).

KEYS  1 meta  2 seats  3 seatinfo  4 states  5 counts  6 holds  7 expiry  8 buyers  9 ended  10 log  11 outbox
ARGV  1 now (ms)  2 showtimeId  3 channel  4 holdId
Returns { outcome, version } with outcome 1 expired · 2 not due yet · 3 no such hold (gone) · 4 confirmed
]]
local K = {
  meta = KEYS[1], seats = KEYS[2], seatinfo = KEYS[3], states = KEYS[4], counts = KEYS[5], holds = KEYS[6],
  expiry = KEYS[7], buyers = KEYS[8], ended = KEYS[9], log = KEYS[10], outbox = KEYS[11],
}
local NOW, SHOWTIME, CHANNEL = tonumber(ARGV[1]), ARGV[2], ARGV[3]
-- @include common

local holdId = ARGV[4]
local version = tonumber(redis.call('HGET', K.meta, 'version')) or 0

local rec = redis.call('HGET', K.holds, holdId)
if not rec then
  redis.call('ZREM', K.expiry, holdId)
  return { 3, version }
end
local h = cjson.decode(rec)
if h.status ~= 'held' then return { 4, version } end
if h.expiresAt > NOW then return { 2, version } end
endHold(h, 'e')
return { 1, emit('expire') }
