--[[
load-commit-21.lua — makes a load built under staging keys live in one step, so no script ever sees a
half-loaded showtime. Without `force`, an already loaded showtime is left alone (the staging keys are dropped).
The version continues from the old one, and never below the floor the caller passes (the showtime's load epoch
× 10⁹, kept in PostgreSQL): after Redis lost the old version, versions still keep growing (clients holding an
older version then take a fresh snapshot: the change log starts empty at the new version). Announces the whole new
availability on the showtime's channel (SPUBLISH, type `load`).

KEYS  1..10 staging: meta seats seatinfo states counts holds expiry buyers orders returned
      11..20 live keys, same order  21 log
ARGV  1 now (ms)  2 showtimeId  3 channel  4 force ('1' | '0')  5 version floor (integer, may be absent: 0)
Returns { 1, version } loaded      { -14, version } already loaded (not forced)
]]
local NOW, SHOWTIME, CHANNEL = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local force = ARGV[4] == '1'
local STAGED, LIVE, LOG = 0, 10, KEYS[21]

local liveVersion = redis.call('HGET', KEYS[LIVE + 1], 'version')
if liveVersion and not force then
  for i = 1, 10 do redis.call('DEL', KEYS[STAGED + i]) end
  return { -14, tonumber(liveVersion) }
end
if redis.call('EXISTS', KEYS[STAGED + 1]) == 0 then return error('staging meta missing') end

local v = math.max((tonumber(liveVersion) or 0) + 1, tonumber(ARGV[5] or '0') or 0)
redis.call('HSET', KEYS[STAGED + 1], 'version', v)
for i = 1, 10 do
  if redis.call('EXISTS', KEYS[STAGED + i]) == 1 then
    redis.call('RENAME', KEYS[STAGED + i], KEYS[LIVE + i])
    redis.call('PERSIST', KEYS[LIVE + i])
  else
    redis.call('DEL', KEYS[LIVE + i])
  end
end
redis.call('DEL', LOG)

local counts = redis.call('HGETALL', KEYS[LIVE + 5])
local z, c, sa = {}, {}, 0
local zi = { a = 1, h = 2, s = 3, cap = 4 }
local ci = { a = 1, h = 2, s = 3, b = 4 }
for i = 1, #counts, 2 do
  local f, n = counts[i], tonumber(counts[i + 1])
  local kind, name, what = string.match(f, '^(%a):(.+):(%a+)$')
  if kind == 'z' then
    z[name] = z[name] or { 0, 0, 0, 0 }
    z[name][zi[what]] = n
  elseif kind == 'c' then
    c[name] = c[name] or { 0, 0, 0, 0 }
    c[name][ci[what]] = n
  elseif f == 'seats:a' then
    sa = n
  end
end
local ch = { s = SHOWTIME, v = v, t = 'load', state = redis.call('HGET', KEYS[LIVE + 1], 'state'), sa = sa }
if next(z) then ch.z = z end
if next(c) then ch.c = c end
redis.call('SPUBLISH', CHANNEL, cjson.encode(ch))
return { 1, v }
