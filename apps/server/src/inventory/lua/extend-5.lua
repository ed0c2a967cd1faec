--[[
extend-5.lua — pushes a live hold's expiry back, by at most a bound. Two callers:
  'checkout' — the buyer starts paying (proving it with the hold token): once per hold;
  'payment'  — the expiry, before the deadline, found the hold's payment still in flight at the provider: any
               number of times, together at most the bound (recorded in the hold as `paymentWait`, seconds).
Either way the hold stays valid exactly while `expiresAt > now`: an expired hold is never extended.

KEYS  1 meta  2 holds  3 expiry  4 ended  5 log
ARGV  1 now (ms)  2 showtimeId  3 channel  4 holdId  5 tokenHash ('' for 'payment')  6 seconds asked
      7 max seconds allowed (per hold, for the caller's kind)  8 kind: 'checkout' (default) | 'payment'
Returns
  { 1, newExpiresAt (ms), version }
  { code, detailJson, version } with code -8 unknown hold · -9 wrong token · -10 expired · -11 already extended
    (for 'payment': the bound is used up) · -12 already paid · -16 released
]]
local K = { meta = KEYS[1], holds = KEYS[2], expiry = KEYS[3], ended = KEYS[4], log = KEYS[5] }
local NOW, SHOWTIME, CHANNEL = tonumber(ARGV[1]), ARGV[2], ARGV[3]
-- @include common

local holdId, tokenHash = ARGV[4], ARGV[5]
local byPayment = ARGV[8] == 'payment'
local seconds = math.min(tonumber(ARGV[6]), tonumber(ARGV[7]))
if seconds < 0 then seconds = 0 end

local rec = redis.call('HGET', K.holds, holdId)
if not rec then
  local why = endedReason(holdId)
  if why == 'e' then return refuse(-10) end
  if why == 'r' then return refuse(-16) end
  return refuse(-8)
end
local h = cjson.decode(rec)
if not byPayment and h.tokenHash ~= tokenHash then return refuse(-9) end
if h.status ~= 'held' then return refuse(-12) end
if h.expiresAt <= NOW then return refuse(-10) end
if byPayment then
  local waited = tonumber(h.paymentWait) or 0
  seconds = math.min(seconds, tonumber(ARGV[7]) - waited)
  if seconds <= 0 then return refuse(-11) end
  h.paymentWait = waited + seconds
else
  if h.extended then return refuse(-11) end
  h.extended = true
end
h.expiresAt = h.expiresAt + seconds * 1000
redis.call('HSET', K.holds, holdId, cjson.encode(h))
redis.call('ZADD', K.expiry, h.expiresAt, holdId)
extraChanged = true
return { 1, h.expiresAt, emit('extend') }
