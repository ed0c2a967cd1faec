-- join-3: buyers join a showtime's waiting room (idempotent per buyer), one or a batch per call.
-- Before the sale opens (state `pre`) a buyer's score is a random number drawn by the caller, so the order of
-- the pre-queue is a uniform random permutation whatever the arrival order; once open, scores are 2^52 + an
-- arrival counter, so later arrivals join at the back in arrival order (FIFO) behind everyone drawn at opening.
--
-- KEYS[1] meta  hash: state (pre|open|closed), paused, seq, served, admitted, allow, tick, soldOut, supply, mr
-- KEYS[2] line  zset: buyerId -> score (the waiting line; rank 0 = next)
-- KEYS[3] admitted zset: buyerId -> end of the shopping window (ms)
-- ARGV[1] now (ms)
-- ARGV[2] the state of a room seen for the first time (`pre` or `open`)
-- ARGV[3] `1`: answer each buyer's standing too (a buyer's join over HTTP: one round trip); `0`: codes only
-- ARGV[4 + 2i] buyerId, ARGV[5 + 2i] its random score for the pre-queue, an integer in [0, 2^52)
--
-- Returns, with ARGV[3] = `0`, two integers per buyer, in order (a flood's bulk batch does not pay ZRANK's
-- O(log n) per buyer for an answer nobody reads):
--   1, 0                waiting (newly, or already in line: the same place)
--   2, windowEnd        already admitted, window open
--   -1, 0               the room is closed
-- With ARGV[3] = `1`, first the room as a status read sees it after the whole batch — state, paused, soldOut,
-- served, admitted, supply, mr (the meta fields; false when unset), waiting (ZCARD line), shopping (windows
-- open after now) — then three values per buyer: the two above and the buyer's 0-based rank in line (-1: none).
local now = tonumber(ARGV[1])
redis.call('HSETNX', KEYS[1], 'state', ARGV[2])
local m = redis.call('HMGET', KEYS[1], 'state', 'seq')
local state = m[1]
local seq = tonumber(m[2] or '0')
local seq0 = seq
local out = {}

local standing = ARGV[3] == '1'

for i = 4, #ARGV, 2 do
  local buyer = ARGV[i]
  local windowEnd = redis.call('ZSCORE', KEYS[3], buyer)
  if windowEnd and tonumber(windowEnd) <= now then
    redis.call('ZREM', KEYS[3], buyer)
    windowEnd = nil
  end
  if windowEnd then
    out[#out + 1] = 2; out[#out + 1] = tonumber(windowEnd)
  elseif state == 'closed' then
    -- Nobody new joins a closed room; those already in line keep their answer.
    if redis.call('ZSCORE', KEYS[2], buyer) then out[#out + 1] = 1 else out[#out + 1] = -1 end
    out[#out + 1] = 0
  else
    local score
    if state == 'pre' then
      score = tonumber(ARGV[i + 1])
    else
      -- A rejoin spends a number without taking it (NX keeps the old place): gaps do not change the order.
      seq = seq + 1
      score = 4503599627370496 + seq
    end
    redis.call('ZADD', KEYS[2], 'NX', score, buyer)
    out[#out + 1] = 1; out[#out + 1] = 0
  end
end
if seq ~= seq0 then redis.call('HSET', KEYS[1], 'seq', seq) end
if not standing then return out end

local res = redis.call('HMGET', KEYS[1], 'state', 'paused', 'soldOut', 'served', 'admitted', 'supply', 'mr')
res[8] = redis.call('ZCARD', KEYS[2])
res[9] = redis.call('ZCOUNT', KEYS[3], '(' .. ARGV[1], '+inf')
local j = 0
for i = 4, #ARGV, 2 do
  res[#res + 1] = out[j + 1]; res[#res + 1] = out[j + 2]
  local rank = out[j + 1] > 0 and redis.call('ZRANK', KEYS[2], ARGV[i])
  res[#res + 1] = rank or -1
  j = j + 2
end
return res
