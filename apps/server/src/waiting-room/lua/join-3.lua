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
-- ARGV[3 + 2i] buyerId, ARGV[4 + 2i] its random score for the pre-queue, an integer in [0, 2^52)
--
-- Returns two integers per buyer, in order (the place itself is read with ZRANK by whoever needs it: a flood's
-- batch does not pay O(log n) twice per buyer for an answer nobody reads):
--   1, 0                waiting (newly, or already in line: the same place)
--   2, windowEnd        already admitted, window open
--   -1, 0               the room is closed
local now = tonumber(ARGV[1])
redis.call('HSETNX', KEYS[1], 'state', ARGV[2])
local m = redis.call('HMGET', KEYS[1], 'state', 'seq')
local state = m[1]
local seq = tonumber(m[2] or '0')
local seq0 = seq
local out = {}

for i = 3, #ARGV, 2 do
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
return out
