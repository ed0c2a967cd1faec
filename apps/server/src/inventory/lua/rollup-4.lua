--[[
rollup-4.lua — GA buckets: the showtime's one view of its K buckets (docs/inventory.md, "GA buckets"). Nodes report
what they read from buckets (each bucket's counts and units in flight out of it, with the bucket's version); a
report replaces the stored one only when its version is newer, so reports from several nodes may arrive in any
order and still converge. The showtime's counts become the sums — a zone's units in flight between buckets count
as available (and in its capacity) — and, when they changed, the showtime's version is bumped and an ordinary
change is logged and published on the showtime's channel, so clients and sold-out gates see one showtime with one
version. Nothing is written until every bucket has reported once since the load.

KEYS  1 meta  2 counts  3 rollup  4 log
ARGV  1 now (ms)  2 showtimeId  3 channel  4 buckets (K)  5 reports: JSON array of [bucket index, bucket version,
      { field = n }] with the fields `z:<zone>:a|h|s|cap`, `c:<cat>:a|h|s|b` and `mv:<zone>` (units in flight out)
      6 request tags of holds made (JSON array, published as `rk`)  7 change kind
Returns { version, 1 } changed · { version, 0 } nothing new · { -1 } not loaded · { -20 } some bucket never reported
]]
local LOG_MAX = 5000
local meta, countsKey, rollup, log = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local SHOWTIME, CHANNEL = ARGV[2], ARGV[3]
local buckets = tonumber(ARGV[4])
local reports = cjson.decode(ARGV[5])
local tags = cjson.decode(ARGV[6])
local kind = ARGV[7]

local version = tonumber(redis.call('HGET', meta, 'version'))
if not version then return { -1 } end

local newer = false
for _, r in ipairs(reports) do
  local b, v = r[1], r[2]
  local old = tonumber(redis.call('HGET', rollup, 'v:' .. b))
  if not old or v > old then
    redis.call('HSET', rollup, 'v:' .. b, v, 'c:' .. b, cjson.encode(r[3]))
    newer = true
  end
end
if not newer and #tags == 0 then return { version, 0 } end

local sums = {}
for b = 0, buckets - 1 do
  local raw = redis.call('HGET', rollup, 'c:' .. b)
  if not raw then return { -20 } end
  for f, n in pairs(cjson.decode(raw)) do sums[f] = (sums[f] or 0) + n end
end

-- Units in flight count as available, in their zone's capacity and in its category's availability.
local target = {}
local zones, cats = {}, {}
for f, n in pairs(sums) do
  local zone = string.match(f, '^mv:(.+)$')
  if zone then
    local cat = redis.call('HGET', meta, 'zone:' .. zone)
    local za, zcap = 'z:' .. zone .. ':a', 'z:' .. zone .. ':cap'
    target[za] = (target[za] or 0) + n
    target[zcap] = (target[zcap] or 0) + n
    if cat then
      local ca = 'c:' .. cat .. ':a'
      target[ca] = (target[ca] or 0) + n
    end
  else
    target[f] = (target[f] or 0) + n
  end
end

local current = redis.call('HGETALL', countsKey)
local stored = {}
for i = 1, #current, 2 do stored[current[i]] = tonumber(current[i + 1]) end
local writes = {}
for f, n in pairs(target) do
  if stored[f] ~= n then
    writes[#writes + 1] = f
    writes[#writes + 1] = n
    local zone = string.match(f, '^z:(.+):[^:]+$')
    if zone then zones[zone] = true end
    local cat = string.match(f, '^c:(.+):[^:]+$')
    if cat then cats[cat] = true end
  end
end
if #writes == 0 and #tags == 0 then return { version, 0 } end
if #writes > 0 then redis.call('HSET', countsKey, unpack(writes)) end

local v = redis.call('HINCRBY', meta, 'version', 1)
local ch = { s = SHOWTIME, v = v, t = kind }
local function value(f)
  if target[f] ~= nil then return target[f] end
  return stored[f] or 0
end
if next(zones) then
  ch.z = {}
  for zone in pairs(zones) do
    local p = 'z:' .. zone .. ':'
    ch.z[zone] = { value(p .. 'a'), value(p .. 'h'), value(p .. 's'), value(p .. 'cap') }
  end
end
if next(cats) then
  ch.c = {}
  for cat in pairs(cats) do
    local p = 'c:' .. cat .. ':'
    ch.c[cat] = { value(p .. 'a'), value(p .. 'h'), value(p .. 's'), value(p .. 'b') }
  end
end
if #tags > 0 then ch.rk = tags end
local json = cjson.encode(ch)
redis.call('XADD', log, 'MAXLEN', '~', LOG_MAX, v .. '-1', 'c', json)
redis.call('SPUBLISH', CHANNEL, json)
return { v, 1 }
