-- admit-list-3: staff admit named buyers at once (whether or not they are in line), opening their shopping window.
-- Buyers taken from the middle of the line do not count as `served`: the ones behind them move up by one, which
-- the next status read shows exactly.
--
-- KEYS[1] meta  hash (see join-3)
-- KEYS[2] line  zset buyerId -> score
-- KEYS[3] admitted zset buyerId -> end of window (ms)
-- ARGV[1] now (ms)
-- ARGV[2] windowMs
-- ARGV[3..] buyer ids
--
-- Returns the number of buyers whose window was opened (a buyer already shopping keeps their window).
local now = tonumber(ARGV[1])
local windowEnd = now + tonumber(ARGV[2])
local n = 0
for i = 3, #ARGV do
  local b = ARGV[i]
  local cur = redis.call('ZSCORE', KEYS[3], b)
  if not cur or tonumber(cur) <= now then
    redis.call('ZREM', KEYS[2], b)
    redis.call('ZADD', KEYS[3], windowEnd, b)
    n = n + 1
  end
end
if n > 0 then redis.call('HINCRBY', KEYS[1], 'admitted', n) end
return n
