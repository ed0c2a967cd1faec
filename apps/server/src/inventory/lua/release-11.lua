--[[
release-11.lua — the hold's owner (proving it with the hold token) gives an unpaid, unexpired hold back.

A hold found past its expiry is expired on the spot (same effect as expire-11) and reported as expired.
Releasing a hold that was already released answers success again (DELETE is idempotent).

KEYS  1 meta  2 seats  3 seatinfo  4 states  5 counts  6 holds  7 expiry  8 buyers  9 ended  10 log  11 outbox
ARGV  1 now (ms)  2 showtimeId  3 channel  4 holdId  5 tokenHash (sha256 hex of the presented token)
Returns
  { 1, version }  released          { 2, version }  had already been released
  { code, detailJson, version } with code -8 unknown hold · -9 wrong token · -10 expired · -12 already paid
]]
local K = {
  meta = KEYS[1], seats = KEYS[2], seatinfo = KEYS[3], states = KEYS[4], counts = KEYS[5], holds = KEYS[6],
  expiry = KEYS[7], buyers = KEYS[8], ended = KEYS[9], log = KEYS[10], outbox = KEYS[11],
}
local NOW, SHOWTIME, CHANNEL = tonumber(ARGV[1]), ARGV[2], ARGV[3]
-- @include common

local holdId, tokenHash = ARGV[4], ARGV[5]

local rec = redis.call('HGET', K.holds, holdId)
if not rec then
  local why = endedReason(holdId)
  if why == 'r' then return { 2, tonumber(redis.call('HGET', K.meta, 'version')) or 0 } end
  if why == 'e' then return refuse(-10) end
  return refuse(-8)
end
local h = cjson.decode(rec)
if h.tokenHash ~= tokenHash then return refuse(-9) end
if h.status ~= 'held' then return refuse(-12) end
if h.expiresAt <= NOW then
  endHold(h, 'e')
  return refuse(-10)
end
endHold(h, 'r')
return { 1, emit('release') }
