--[[
bucket-take-4.lua — GA buckets, step 2 of a move: the stock another bucket gave (bucket-give-4) arrives here,
exactly once per move id (a repeated take changes nothing), raising this bucket's available stock and capacity.

KEYS  1 meta  2 counts  3 moved  4 log
ARGV  1 now (ms)  2 showtimeId  3 channel (this bucket's)  4 moveId  5 zone  6 units
Returns { 1 } applied · { 0 } already applied · { -7 } the zone is unknown here (nothing changed; the move stays
        in the giver's ledger)
]]
local K = { meta = KEYS[1], counts = KEYS[2], log = KEYS[4] }
local NOW, SHOWTIME, CHANNEL = tonumber(ARGV[1]), ARGV[2], ARGV[3]
-- @include common

local moved = KEYS[3]
local moveId, zone, n = ARGV[4], ARGV[5], tonumber(ARGV[6])

if redis.call('ZSCORE', moved, moveId) then return { 0 } end
local cat = redis.call('HGET', K.meta, 'zone:' .. zone)
if not cat then return { -7 } end
redis.call('ZADD', moved, NOW, moveId)
redis.call('ZREMRANGEBYSCORE', moved, '-inf', NOW - ENDED_RETENTION_MS)
countZone(zone, 'a', n)
countZone(zone, 'cap', n)
countCat(cat, 'a', n)
emit('move')
return { 1 }
