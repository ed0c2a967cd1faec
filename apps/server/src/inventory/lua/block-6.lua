--[[
block-6.lua — staff take free seats off sale (press, production holds). Only free seats are blocked; the others
are reported back, nothing else about them changes.

KEYS  1 meta  2 seats  3 seatinfo  4 states  5 counts  6 log
ARGV  1 now (ms)  2 showtimeId  3 channel  4 reason  5.. seat labels
Returns
  { 1, changedJson (labels blocked), skippedJson (unknown or not free), version }
  { code, detailJson, version } with code -1 not loaded
]]
local K = { meta = KEYS[1], seats = KEYS[2], seatinfo = KEYS[3], states = KEYS[4], counts = KEYS[5], log = KEYS[6] }
local NOW, SHOWTIME, CHANNEL = tonumber(ARGV[1]), ARGV[2], ARGV[3]
-- @include common

if redis.call('EXISTS', K.meta) == 0 then return refuse(-1) end
local reason = ARGV[4]
local done, skipped = {}, {}
for i = 5, #ARGV do
  local label = ARGV[i]
  local idx, cat = seatInfo(label)
  if idx and redis.call('HEXISTS', K.seats, label) == 0 then
    setSeat(label, idx, SEAT_BLOCKED, reason)
    countCat(cat, 'a', -1)
    countCat(cat, 'b', 1)
    countFreeSeats(-1)
    done[#done + 1] = label
  else
    skipped[#skipped + 1] = label
  end
end
return { 1, cjson.encode(done), cjson.encode(skipped), finish('block') }
