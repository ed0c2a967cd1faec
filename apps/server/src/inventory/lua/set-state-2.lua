--[[
set-state-2.lua — sets the sale state (on_sale | paused | closed | scheduled) that the hold script checks.

KEYS  1 meta  2 log
ARGV  1 now (ms)  2 showtimeId  3 channel  4 state
Returns
  { 1, version } changed            { 2, version } it already was in that state
  { code, detailJson, version } with code -1 not loaded
]]
local K = { meta = KEYS[1], log = KEYS[2] }
local NOW, SHOWTIME, CHANNEL = tonumber(ARGV[1]), ARGV[2], ARGV[3]
-- @include common

local state = ARGV[4]
local current = redis.call('HGET', K.meta, 'state')
if not current then return refuse(-1) end
if current == state then return { 2, tonumber(redis.call('HGET', K.meta, 'version')) or 0 } end
redis.call('HSET', K.meta, 'state', state)
extraChanged = true
return { 1, emit('state', { state = state }) }
