--[[
common.lua — helpers spliced into the transition scripts where they say `-- @include common` (scripts.ts does
the splice once at start-up). The including script defines, before the splice:
  K        table of key names (a helper only touches the keys it names: seats, seatinfo, states, counts, holds,
           expiry, buyers, ended, outbox, meta, log)
  NOW      the caller's clock in ms (ARGV[1] of every script)
  SHOWTIME the showtime id (ARGV[2])
  CHANNEL  the showtime's sharded pub/sub channel (ARGV[3], keys.ts `changesChannel`: same hash tag as the keys)

Every transition collects what it changed (seats, counts, ended holds) and finishes with `emit(kind)`, which
bumps meta.version, appends the change to the log stream with id `<version>-1` and publishes it with SPUBLISH
(sharded pub/sub: on a cluster the showtime's slot's master alone delivers it, to the nodes that follow the
showtime; a single Redis 7 has SPUBLISH too). The change JSON (also the pub/sub message):
  { s = showtime, v = version, t = kind, seats = {{label, index, state}...}, z = {zone = {a, h, s, cap}},
    c = {category = {a, h, s, b}}, sa = free seats, x = {{holdId, buyerId, reason, limitKey?}...},
    state = sale state }
A hold's tickets count against the per-buyer limit under `h.limitKey or h.buyerId` (the `buyers` hash; an order
record's `b` is that key).
Fields without content are left out.
]]

local LOG_MAX = 5000
local ENDED_RETENTION_MS = 86400000
local EXPIRE_INLINE_MAX = 10
local SEAT_FREE, SEAT_HELD, SEAT_SOLD, SEAT_BLOCKED = 0, 1, 2, 3

local seatChanges, seatOrder = {}, {}
local touchedCats, catOrder = {}, {}
local touchedZones, zoneOrder = {}, {}
local seatsTouched = false
local endedHolds = {}
local extraChanged = false
-- A script that already read meta.version sets it here, so emit() writes the new version together with
-- `metaWrites` (field, value, ...) in one HSET instead of an HINCRBY.
local knownVersion = nil
local metaWrites = {}

-- The counts this call has read, kept in step with its changes and written back once by flush(): the script
-- runs alone, so the cached values are exact. Reads come in groups (all four counts of a zone or category).
local counts, dirty, dirtyOrder = {}, {}, {}

local function zoneFields(zone)
  local p = 'z:' .. zone .. ':'
  return { p .. 'a', p .. 'h', p .. 's', p .. 'cap' }
end

local function catFields(cat)
  local p = 'c:' .. cat .. ':'
  return { p .. 'a', p .. 'h', p .. 's', p .. 'b' }
end

local function prefetch(fields)
  local need = {}
  for _, f in ipairs(fields) do
    if counts[f] == nil then need[#need + 1] = f end
  end
  if #need == 0 then return end
  local vals = redis.call('HMGET', K.counts, unpack(need))
  for i, f in ipairs(need) do counts[f] = tonumber(vals[i]) or 0 end
end

local function readCount(field)
  if counts[field] == nil then prefetch({ field }) end
  return counts[field]
end

local function bump(field, d)
  counts[field] = readCount(field) + d
  if not dirty[field] then
    dirty[field] = true
    dirtyOrder[#dirtyOrder + 1] = field
  end
end

local function countCat(cat, what, d)
  if not touchedCats[cat] then
    touchedCats[cat] = true
    catOrder[#catOrder + 1] = cat
    prefetch(catFields(cat))
  end
  bump('c:' .. cat .. ':' .. what, d)
end

local function countZone(zone, what, d)
  if not touchedZones[zone] then
    touchedZones[zone] = true
    zoneOrder[#zoneOrder + 1] = zone
    prefetch(zoneFields(zone))
  end
  bump('z:' .. zone .. ':' .. what, d)
end

local function countFreeSeats(d)
  bump('seats:a', d)
  seatsTouched = true
end

-- Tickets per buyer (live holds + sold), cached like the counts and written back by flush().
local buyerTickets, buyerDirty, buyerOrder = {}, {}, {}

local function ticketsOf(buyerId)
  if buyerTickets[buyerId] == nil then
    buyerTickets[buyerId] = tonumber(redis.call('HGET', K.buyers, buyerId)) or 0
  end
  return buyerTickets[buyerId]
end

local function adjustBuyer(buyerId, d)
  buyerTickets[buyerId] = ticketsOf(buyerId) + d
  if not buyerDirty[buyerId] then
    buyerDirty[buyerId] = true
    buyerOrder[#buyerOrder + 1] = buyerId
  end
end

-- Writes the changed counts and buyer tickets back (one HSET each, plus an HDEL for buyers down to nothing).
local function flush()
  if #dirtyOrder > 0 then
    local args = {}
    for _, f in ipairs(dirtyOrder) do
      args[#args + 1] = f
      args[#args + 1] = counts[f]
    end
    redis.call('HSET', K.counts, unpack(args))
    dirty, dirtyOrder = {}, {}
  end
  if #buyerOrder > 0 then
    local set, gone = {}, {}
    for _, b in ipairs(buyerOrder) do
      local n = buyerTickets[b]
      if n > 0 then
        set[#set + 1] = b
        set[#set + 1] = n
      else
        gone[#gone + 1] = b
      end
    end
    if #set > 0 then redis.call('HSET', K.buyers, unpack(set)) end
    if #gone > 0 then redis.call('HDEL', K.buyers, unpack(gone)) end
    buyerDirty, buyerOrder = {}, {}
  end
end

local function parseSeatInfo(info)
  if not info then return nil end
  local sep = string.find(info, '|', 1, true)
  return tonumber(string.sub(info, 1, sep - 1)), string.sub(info, sep + 1)
end

-- Index in layout order (0-based) and category of a seat; nil for an unknown label.
local function seatInfo(label)
  return parseSeatInfo(redis.call('HGET', K.seatinfo, label))
end

local function setSeat(label, idx, state, owner)
  if state == SEAT_FREE then
    redis.call('HDEL', K.seats, label)
  else
    redis.call('HSET', K.seats, label, state .. ':' .. owner)
  end
  redis.call('SETRANGE', K.states, idx, tostring(state))
  local c = seatChanges[label]
  if c == nil then
    seatOrder[#seatOrder + 1] = label
    seatChanges[label] = { idx, state }
  else
    c[2] = state
  end
end

local function tickets(items)
  local n = 0
  for _, it in ipairs(items) do
    if it.kind == 'seat' then n = n + 1 else n = n + it.quantity end
  end
  return n
end

-- 'e' (expired) or 'r' (released) when the hold ended unpaid within the tombstone retention, else nil.
local function endedReason(holdId)
  local s = redis.call('ZMSCORE', K.ended, holdId .. '|e', holdId .. '|r')
  if s[1] then return 'e' end
  if s[2] then return 'r' end
  return nil
end

-- Ends an unpaid hold: its items go back on sale, the buyer's count drops, a tombstone remembers why, and the
-- outbox records the fact for order persistence.
local function endHold(h, reason)
  for _, it in ipairs(h.items) do
    if it.kind == 'seat' then
      local idx, cat = seatInfo(it.seat)
      if idx and redis.call('HGET', K.seats, it.seat) == SEAT_HELD .. ':' .. h.id then
        setSeat(it.seat, idx, SEAT_FREE)
        countCat(cat, 'a', 1)
        countCat(cat, 'h', -1)
        countFreeSeats(1)
      end
    else
      countZone(it.zone, 'a', it.quantity)
      countZone(it.zone, 'h', -it.quantity)
      countCat(it.category, 'a', it.quantity)
      countCat(it.category, 'h', -it.quantity)
    end
  end
  adjustBuyer(h.limitKey or h.buyerId, -tickets(h.items))
  redis.call('HDEL', K.holds, h.id)
  redis.call('ZREM', K.expiry, h.id)
  redis.call('ZADD', K.ended, NOW, h.id .. '|' .. reason)
  local why = (reason == 'e') and 'expired' or 'released'
  endedHolds[#endedHolds + 1] = { holdId = h.id, buyerId = h.buyerId, reason = why, limitKey = h.limitKey }
  redis.call('XADD', K.outbox, '*', 'type', why, 'holdId', h.id, 'buyerId', h.buyerId)
end

-- Expires up to `limit` holds that are past due, so a stale hold never stands between a buyer and a seat even
-- when no sweeper has run.
local function expireDue(limit)
  local due = redis.call('ZRANGEBYSCORE', K.expiry, '-inf', NOW, 'LIMIT', 0, limit)
  for _, id in ipairs(due) do
    local rec = redis.call('HGET', K.holds, id)
    if rec then
      local h = cjson.decode(rec)
      if h.status == 'held' then endHold(h, 'e') else redis.call('ZREM', K.expiry, id) end
    else
      redis.call('ZREM', K.expiry, id)
    end
  end
  return #due
end

local function changed()
  return #seatOrder > 0 or #catOrder > 0 or #zoneOrder > 0 or #endedHolds > 0 or #buyerOrder > 0 or extraChanged
end

-- Bumps the version, logs and publishes what this script changed. Returns the new version.
local function emit(kind, extra)
  flush()
  local v
  if knownVersion then
    v = knownVersion + 1
    redis.call('HSET', K.meta, 'version', v, unpack(metaWrites))
  else
    v = redis.call('HINCRBY', K.meta, 'version', 1)
  end
  local ch = { s = SHOWTIME, v = v, t = kind }
  if #seatOrder > 0 then
    local arr = {}
    for i, label in ipairs(seatOrder) do
      local c = seatChanges[label]
      arr[i] = { label, c[1], c[2] }
    end
    ch.seats = arr
  end
  if #zoneOrder > 0 then
    local z = {}
    for _, zone in ipairs(zoneOrder) do
      local f = zoneFields(zone)
      z[zone] = { counts[f[1]], counts[f[2]], counts[f[3]], counts[f[4]] }
    end
    ch.z = z
  end
  if #catOrder > 0 then
    local c = {}
    for _, cat in ipairs(catOrder) do
      local f = catFields(cat)
      c[cat] = { counts[f[1]], counts[f[2]], counts[f[3]], counts[f[4]] }
    end
    ch.c = c
  end
  if seatsTouched then ch.sa = readCount('seats:a') end
  if #endedHolds > 0 then
    ch.x = endedHolds
    redis.call('ZREMRANGEBYSCORE', K.ended, '-inf', NOW - ENDED_RETENTION_MS)
  end
  if extra then
    for k, val in pairs(extra) do ch[k] = val end
  end
  local json = cjson.encode(ch)
  redis.call('XADD', K.log, 'MAXLEN', '~', LOG_MAX, v .. '-1', 'c', json)
  redis.call('SPUBLISH', CHANNEL, json)
  return v
end

-- Emits when anything changed (e.g. holds expired on the way to a refusal); returns the current version.
local function finish(kind, extra)
  if changed() then return emit(kind, extra) end
  if knownVersion then return knownVersion end
  return tonumber(redis.call('HGET', K.meta, 'version')) or 0
end

-- A business refusal: { code, detail JSON, version }, after publishing whatever changed on the way.
local function refuse(code, detail)
  local v = finish('expire')
  return { code, cjson.encode(detail or {}), v }
end
