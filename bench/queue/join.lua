-- wrk script: joins a waiting room over HTTP, each request as another buyer (POST /api/showtimes/:id/queue with
-- `Authorization: Bearer <buyer token>`), counting answers by status and the tokens that were used more than once.
-- wrk -s join.lua <url> -- <file of buyer tokens, one a line> <wrk's thread count>
local threads = {}
tag = 0

function setup(thread)
  thread:set('tag', #threads)
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(tokens, line) end
  end
  nthreads = tonumber(args[2]) or 2
  -- Thread `tag` takes tokens tag+1, tag+1+nthreads, ...: no two threads send the same buyer.
  nextToken = tag + 1
  wraps = 0
  wrk.method = 'POST'
  wrk.headers['Content-Type'] = 'application/json'
  wrk.body = '{}'
  statuses = {}
end

function request()
  if nextToken > #tokens then
    nextToken = tag + 1
    wraps = wraps + 1
  end
  wrk.headers['Authorization'] = 'Bearer ' .. tokens[nextToken]
  nextToken = nextToken + nthreads
  return wrk.format()
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  local w = 0
  for _, t in ipairs(threads) do
    local s = t:get('statuses')
    for k, v in pairs(s) do total[k] = (total[k] or 0) + v end
    w = w + (t:get('wraps') or 0)
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, '"' .. k .. '":' .. v) end
  io.write('STATUSES {' .. table.concat(parts, ',') .. '}\n')
  io.write('WRAPS ' .. w .. '\n')
end
