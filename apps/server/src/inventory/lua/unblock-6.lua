--[[
unblock-6.lua — staff put blocked seats back on sale. Only blocked seats change; the others are reported back.

KEYS  1 meta  2 seats  3 seatinfo  4 states  5 counts  6 log
ARGV  1 now (ms)  2 showtimeId  3 channel  4.. seat labels
Returns
  { 1, changedJson (labels unblocked), skippedJson (unknown or not blocked), version }
  { code, detailJson, version } with code -1 not loaded
]]
local K = { meta = KEYS[1], seats = KEYS[2], seatinfo = KEYS[3], states = KEYS[4], counts = KEYS[5], log = KEYS[6] }
local NOW, SHOWTIME, CHANNEL = tonumber(ARGV[1]), ARGV[2], ARGV[3]
-- @include common

if redis.call('EXISTS', K.meta) == 0 then return refuse(-1) end
local done, skipped = {}, {}
for i = 4, #ARGV do
  local label = ARGV[i]
  local idx, cat = seatInfo(label)
  local current = idx and redis.call('HGET', K.seats, label)
  if current and string.sub(current, 1, 1) == tostring(SEAT_BLOCKED) then
    setSeat(label, idx, SEAT_FREE)
    countCat(cat, 'b', -1)
    countCat(cat, 'a', 1)
    countFreeSeats(1)
    done[#done + 1] = label
  else
    skipped[#skipped + 1] = label
  end
end
return { 1, cjson.encode(done), cjson.encode(skipped), finish('unblock') }
