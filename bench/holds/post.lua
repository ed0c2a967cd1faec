math.randomseed(os.time() + math.floor(os.clock() * 1000000))
-- wrk script: POST a hold with a unique Idempotency-Key per request, count answers by status.
-- wrk -s post.lua <url> -- <authorization header value or "-"> <json body>
local threads = {}
local counter = 0
tag = 'main'

function setup(thread)
  thread:set('tag', tostring(#threads + 1) .. '-' .. tostring(math.random(1, 1000000000)))
  table.insert(threads, thread)
end

function init(args)
  wrk.method = 'POST'
  wrk.headers['Content-Type'] = 'application/json'
  if args[1] and args[1] ~= '-' then wrk.headers['Authorization'] = args[1] end
  wrk.body = args[2] or '{"zone":"ga","quantity":1}'
  statuses = {}
end

function request()
  counter = counter + 1
  wrk.headers['Idempotency-Key'] = tag .. '-' .. counter
  return wrk.format()
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get('statuses')
    for k, v in pairs(s) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, '"' .. k .. '":' .. v) end
  io.write('STATUSES {' .. table.concat(parts, ',') .. '}\n')
end
