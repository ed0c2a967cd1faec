--[[
bucket-settle-4.lua — GA buckets, step 3 of a move: once the receiving bucket applied it, the giver drops the move
from its ledger. Bumps the version (the ledger is part of what a rollup reads), so the showtime's counts stop
counting the units as in flight.

KEYS  1 meta  2 counts  3 moves  4 log
ARGV  1 now (ms)  2 showtimeId  3 channel (this bucket's)  4 moveId
Returns { 1 } settled · { 0 } not in the ledger (already settled)
]]
local K = { meta = KEYS[1], counts = KEYS[2], log = KEYS[4] }
local NOW, SHOWTIME, CHANNEL = tonumber(ARGV[1]), ARGV[2], ARGV[3]
-- @include common

if redis.call('HDEL', KEYS[3], ARGV[4]) == 0 then return { 0 } end
extraChanged = true
emit('move')
return { 1 }
