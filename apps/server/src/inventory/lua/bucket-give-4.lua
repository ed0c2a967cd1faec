--[[
bucket-give-4.lua — GA buckets, step 1 of a move (docs/inventory.md, "GA buckets"): stock of one zone leaves this
bucket for another one. It takes what is wanted or more — half of what this bucket has, up to a bound, so the
receiving bucket does not run dry again at once — and never more than is available. What left is recorded in this
bucket's move ledger until the move is settled (bucket-settle-4), so stock in flight is in the ledger, never in two
buckets: a crash between the steps undersells until the sweeper completes the move, it never oversells.

KEYS  1 meta  2 counts  3 moves  4 log
ARGV  1 now (ms)  2 showtimeId  3 channel (this bucket's)  4 moveId  5 receiving slot id  6 zone  7 wanted (units)
      8 bound (the most a move takes beyond what is wanted)
Returns { n } — the units that left (0: none available, the zone is unknown, or the bucket is not loaded); a moveId
        already in the ledger answers its recorded n and changes nothing
]]
local K = { meta = KEYS[1], counts = KEYS[2], log = KEYS[4] }
local NOW, SHOWTIME, CHANNEL = tonumber(ARGV[1]), ARGV[2], ARGV[3]
-- @include common

local moves = KEYS[3]
local moveId, to, zone = ARGV[4], ARGV[5], ARGV[6]
local want, bound = tonumber(ARGV[7]), tonumber(ARGV[8])

local prior = redis.call('HGET', moves, moveId)
if prior then
  local parts = {}
  for part in string.gmatch(prior, '[^|]+') do parts[#parts + 1] = part end
  return { tonumber(parts[3]) }
end
local cat = redis.call('HGET', K.meta, 'zone:' .. zone)
if not cat then return { 0 } end
local available = readCount('z:' .. zone .. ':a')
local n = math.max(want, math.min(math.floor(available / 2), bound))
if n > available then n = available end
if n <= 0 then return { 0 } end
countZone(zone, 'a', -n)
countZone(zone, 'cap', -n)
countCat(cat, 'a', -n)
redis.call('HSET', moves, moveId, to .. '|' .. zone .. '|' .. n .. '|' .. NOW)
emit('move')
return { n }
