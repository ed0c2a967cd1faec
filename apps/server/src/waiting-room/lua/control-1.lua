-- control-1: staff (or the sale opening) change a room's state.
--
-- KEYS[1] meta  hash (see join-3)
-- ARGV[1] action: `start` (open the line if it was the pre-queue, and resume admission), `open` (open the line
--         when the sale opens; keeps a staff pause), `pause`, `close` (no more joins nor admissions)
-- ARGV[2] now (ms)
--
-- Returns {state, paused (0/1)} after the change; -1 for an unknown action (a bug in the caller).
local action = ARGV[1]
local state = redis.call('HGET', KEYS[1], 'state') or 'pre'
if action == 'start' or action == 'open' then
  if state == 'pre' then state = 'open' end
  if action == 'start' then redis.call('HSET', KEYS[1], 'paused', '0') end
  redis.call('HSETNX', KEYS[1], 'openedAt', ARGV[2])
elseif action == 'pause' then
  redis.call('HSET', KEYS[1], 'paused', '1')
elseif action == 'close' then
  state = 'closed'
else
  return -1
end
redis.call('HSET', KEYS[1], 'state', state)
return {state, redis.call('HGET', KEYS[1], 'paused') == '1' and 1 or 0}
