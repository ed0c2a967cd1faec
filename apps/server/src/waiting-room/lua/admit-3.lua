-- admit-3: one tick of admission. Ends lapsed shopping windows, then moves buyers from the head of the line into
-- the admitted set, as many as the rule allows:
--
--   n = min(allowance, maxShoppers - shopping, ceil(ticketsLeft / avgTickets) - shopping, maxBatch, waiting)
--
-- where `allowance` accrues at `ratePerMinute` (at most `burstMs` worth is kept) and `shopping` counts the
-- admitted buyers whose window is still open. Nothing is admitted before opening, while paused, when closed, or
-- when no ticket is left (ticketsLeft = 0: the room is sold out and says so until tickets come back).
--
-- KEYS[1] meta  hash (see join-3)
-- KEYS[2] line  zset buyerId -> score
-- KEYS[3] admitted zset buyerId -> end of window (ms)
-- ARGV[1] now (ms)
-- ARGV[2] ratePerMinute
-- ARGV[3] maxShoppers
-- ARGV[4] ticketsLeft (available + held and expiring within the window)
-- ARGV[5] avgTickets per order (> 0)
-- ARGV[6] windowMs
-- ARGV[7] maxBatch
-- ARGV[8] burstMs
--
-- Returns {admitted, shopping, waiting, served, soldOutChange, measuredPerMinute*1000}
--   soldOutChange: 1 became sold out, 2 tickets came back, 0 unchanged.
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local left = tonumber(ARGV[4])
local avg = tonumber(ARGV[5])
local windowMs = tonumber(ARGV[6])
local maxBatch = tonumber(ARGV[7])
local burstMs = tonumber(ARGV[8])

redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local shopping = redis.call('ZCARD', KEYS[3])
local waiting = redis.call('ZCARD', KEYS[2])
local m = redis.call('HMGET', KEYS[1], 'state', 'paused', 'allow', 'tick', 'soldOut', 'served', 'mr')
local state, paused = m[1], m[2] == '1'
local allow = tonumber(m[3] or '0')
local tick = tonumber(m[4] or tostring(now - 1000))
local wasSoldOut = m[5] == '1'
local served = tonumber(m[6] or '0')
local mr = tonumber(m[7] or '0')
local dt = now - tick
if dt < 0 then dt = 0 end

local soldOut = left <= 0
local change = 0
if soldOut and not wasSoldOut then change = 1 elseif wasSoldOut and not soldOut then change = 2 end

local n = 0
if state == 'open' and not paused and not soldOut then
  local acc = dt
  if acc > burstMs then acc = burstMs end
  allow = allow + rate * acc / 60000
  local maxAllow = rate * burstMs / 60000
  if maxAllow < 1 then maxAllow = 1 end
  if allow > maxAllow then allow = maxAllow end
  n = math.floor(allow)
  if cap - shopping < n then n = cap - shopping end
  local bySupply = math.ceil(left / avg) - shopping
  if bySupply < n then n = bySupply end
  if maxBatch < n then n = maxBatch end
  if waiting < n then n = waiting end
  if n < 0 then n = 0 end
  if n > 0 then
    local popped = redis.call('ZPOPMIN', KEYS[2], n)
    local adds = {}
    local windowEnd = now + windowMs
    for i = 1, #popped, 2 do
      adds[#adds + 1] = windowEnd
      adds[#adds + 1] = popped[i]
    end
    redis.call('ZADD', KEYS[3], unpack(adds))
    allow = allow - n
    shopping = shopping + n
    waiting = waiting - n
    served = served + n
  end
else
  allow = 0
end

-- The measured rate: an exponentially weighted average of admissions per minute, per tick.
if dt > 0 then
  local inst = n * 60000 / dt
  local w = dt / 10000
  if w > 1 then w = 1 end
  mr = mr + (inst - mr) * w
end

redis.call('HSET', KEYS[1], 'allow', tostring(allow), 'tick', now, 'soldOut', soldOut and '1' or '0',
  'served', served, 'supply', left, 'mr', tostring(mr))
if n > 0 then redis.call('HINCRBY', KEYS[1], 'admitted', n) end
return {n, shopping, waiting, served, change, math.floor(mr * 1000)}
