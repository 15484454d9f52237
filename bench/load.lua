-- The mixed workload of scripts/load.sh, for wrk (one thread: wrk -t1 -s bench/load.lua).
--
-- Every request picks an organization at random from the file named by LOAD_ORGS_FILE
-- (one line per organization: "token first_customer last_customer first_deal last_deal
-- first_lead last_lead", the ids of its seeded records) and sends its bearer token; then it
-- picks an operation by weight from MIX: 70 % reads over the lists, records, board and
-- analytics, 30 % writes (creates, an update without `version`, notes), all valid, so any
-- answer but 2xx is a real error.
--
-- done() prints one line "RESULT key=value ..." for scripts/load.sh: requests, req/s,
-- p50/p99 (ms), wrk's error counts, the reads and writes sent, the answers by status class,
-- and up to three "ERROR <status> <body>" lines with the first error answers seen.

local orgs = {}
local nonce, counter = 0, 0
-- Globals, so that done() can read each thread's with thread:get.
stats = { reads = 0, writes = 0, s2xx = 0, s4xx = 0, s5xx = 0, sother = 0 }
error_samples = {}

local function pick(lo, hi) return math.random(lo, hi) end

-- One operation: its kind ("read" or "write") and a function org -> method, path, body.
local MIX = {
  { 12, "read", function() return "GET", "/api/customers/list" end },
  { 8, "read", function() return "GET", "/api/customers/list?search=customer+" .. pick(1, 999) end },
  { 5, "read", function() return "GET", "/api/customers/list?status=active&ordering=name&page=" .. pick(1, 20) end },
  { 10, "read", function(o) return "GET", "/api/customers/get?id=" .. pick(o.c1, o.c2) end },
  { 3, "read", function(o) return "GET", "/api/customers/notes?customer_id=" .. pick(o.c1, o.c1 + 49) end },
  { 7, "read", function() return "GET", "/api/leads/list?ordering=-created_at" end },
  { 6, "read", function() return "GET", "/api/deals/list?status=open" end },
  { 5, "read", function() return "GET", "/api/deals/board" end },
  { 6, "read", function() return "GET", "/api/activities/list?ordering=-created_at" end },
  { 4, "read", function() return "GET", "/api/analytics/dashboard" end },
  { 4, "read", function() return "GET", "/api/analytics/quick_stats" end },
  { 7, "write", function()
      return "POST", "/api/customers/create",
        "name=Load+customer+" .. nonce .. "-" .. counter .. "&email=load" .. nonce .. "-" .. counter ..
        "%40load.example&company_name=Load+Co&customer_type=business&status=prospect&city=City+" .. pick(1, 300)
    end },
  { 6, "write", function(o)
      return "POST", "/api/customers/update",
        "id=" .. pick(o.c1, o.c2) .. "&city=City+" .. pick(1, 300) .. "&industry=Industry+" .. pick(1, 20)
    end },
  { 6, "write", function(o)
      return "POST", "/api/customers/add_note",
        "customer_id=" .. pick(o.c1, o.c1 + 49) .. "&body=Called+back%2C+all+fine+" .. counter
    end },
  { 5, "write", function()
      return "POST", "/api/leads/create",
        "first_name=Load&last_name=Lead+" .. nonce .. "-" .. counter .. "&email=lead" .. nonce .. "-" .. counter ..
        "%40load.example&company=Load+Co&source=website&score=" .. pick(0, 100) .. "&estimated_value=" .. pick(100, 9999)
    end },
  { 4, "write", function(o)
      return "POST", "/api/activities/create",
        "activity_type=call&title=Follow-up+call&customer_id=" .. pick(o.c1, o.c2) ..
        "&phone_number=%2B1+555+0100&outcome=connected&duration_minutes=" .. pick(1, 30)
    end },
  { 2, "write", function(o)
      return "POST", "/api/deals/create",
        "title=Load+deal+" .. nonce .. "-" .. counter .. "&customer_id=" .. pick(o.c1, o.c2) ..
        "&value=" .. pick(100, 99999) .. ".50&priority=medium"
    end },
}

local total_weight = 0
for _, op in ipairs(MIX) do total_weight = total_weight + op[1] end
assert(total_weight == 100, "the weights of MIX must add up to 100")

local threads = {}

function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local path = os.getenv("LOAD_ORGS_FILE")
  assert(path, "LOAD_ORGS_FILE is not set")
  local file = assert(io.open(path))
  for line in file:lines() do
    local token, c1, c2, d1, d2, l1, l2 = line:match("^(%S+) (%d+) (%d+) (%d+) (%d+) (%d+) (%d+)$")
    assert(token, "bad line in LOAD_ORGS_FILE: " .. line)
    table.insert(orgs, {
      auth = "Bearer " .. token,
      c1 = tonumber(c1), c2 = tonumber(c2), d1 = tonumber(d1), d2 = tonumber(d2), l1 = tonumber(l1), l2 = tonumber(l2),
    })
  end
  file:close()
  assert(#orgs > 0, "LOAD_ORGS_FILE lists no organization")
  -- Unique names and emails across runs and threads: the start time, the thread, a counter.
  nonce = os.time() .. "t" .. thread_no
  math.randomseed(os.time() * 100 + thread_no)
end

function request()
  local org = orgs[math.random(#orgs)]
  local r, chosen = math.random(total_weight), MIX[#MIX]
  for _, op in ipairs(MIX) do
    if r <= op[1] then chosen = op break end
    r = r - op[1]
  end
  counter = counter + 1
  local method, path, body = chosen[3](org)
  local headers = { Authorization = org.auth }
  if method == "POST" then
    stats.writes = stats.writes + 1
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  else
    stats.reads = stats.reads + 1
  end
  return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    stats.s2xx = stats.s2xx + 1
  else
    local class = status >= 500 and "s5xx" or status >= 400 and "s4xx" or "sother"
    stats[class] = stats[class] + 1
    if #error_samples < 3 then
      table.insert(error_samples, status .. " " .. (body or ""):sub(1, 200):gsub("%s+", " "))
    end
  end
end

function done(summary, latency, requests)
  local totals = { reads = 0, writes = 0, s2xx = 0, s4xx = 0, s5xx = 0, sother = 0 }
  local samples = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("stats")
    for key in pairs(totals) do totals[key] = totals[key] + counts[key] end
    local sample = thread:get("error_samples")
    for i = 1, #sample do table.insert(samples, sample[i]) end
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d connect=%d read=%d write=%d timeout=%d" ..
    " sent_reads=%d sent_writes=%d s2xx=%d s4xx=%d s5xx=%d sother=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect, e.read, e.write, e.timeout,
    totals.reads, totals.writes, totals.s2xx, totals.s4xx, totals.s5xx, totals.sother))
  for i = 1, math.min(#samples, 3) do io.write("ERROR " .. samples[i] .. "\n") end
end
