package store

// The Lua scripts of Redis. Redis runs each script whole before any other
// command, which makes every operation that touches more than one key, or
// reads before it writes, atomic. Times that scripts compare are the
// server's (TIME), so that instances whose clocks differ agree on what
// expired.

// reserveScript: KEYS[1] the delivery; ARGV[1] the hold in ms. Returns 0
// (New, now reserved), 1 (InProgress) or 2 (Handled).
var reserveScript = newScript(`
if redis.call('SET', KEYS[1], 'p', 'NX', 'PX', ARGV[1]) then
  return 0
end
if redis.call('GET', KEYS[1]) == 'h' then
  return 2
end
return 1
`)

// dropScript: KEYS[1] the delivery. Deletes it only while it is in
// progress, never once it was handled.
var dropScript = newScript(`
if redis.call('GET', KEYS[1]) == 'p' then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// ledgerPrelude is the head of the ledger scripts. KEYS[1] is the state
// hash (the reading and what was spent since), KEYS[2] the sorted set of
// hold ids scored by expiry in ms, KEYS[3] the hash of hold id to
// "urls,dirs". It drops expired holds and sums the others into hu and hd;
// reply() returns the ledger as an array.
const ledgerPrelude = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for i = 1, #expired, 500 do
  redis.call('HDEL', KEYS[3], unpack(expired, i, math.min(i + 499, #expired)))
end
if #expired > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
end
local hu, hd = 0, 0
local ids = redis.call('ZRANGE', KEYS[2], 0, -1)
local held = {}
for i = 1, #ids, 500 do
  local vals = redis.call('HMGET', KEYS[3], unpack(ids, i, math.min(i + 499, #ids)))
  for j = 1, #vals do
    if vals[j] then
      local u, d = string.match(vals[j], '^(%d+),(%d+)$')
      u, d = tonumber(u) or 0, tonumber(d) or 0
      held[ids[i + j - 1]] = {u, d}
      hu, hd = hu + u, hd + d
    end
  end
end
local s = redis.call('HMGET', KEYS[1], 'have', 'ur', 'dr', 'pr', 'at', 'su', 'sd', 'sp')
local have = s[1] == '1'
local function num(v) return tonumber(v) or 0 end
local function reply(ok)
  return {have and 1 or 0, num(s[2]), num(s[3]), num(s[4]), s[5] or '',
    num(s[6]), num(s[7]), num(s[8]), hu, hd, ok and 1 or 0}
end
local function touch(ttl)
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
`

// ledgerScript: the ledger, after dropping expired holds.
var ledgerScript = newScript(ledgerPrelude + `
return reply(false)
`)

// holdScript: ARGV[1] the hold id, ARGV[2] and ARGV[3] the URLs and
// directories needed, ARGV[4] the hold's time to live in ms, ARGV[5] the
// ledger keys' time to live in ms. Holds the need if the ledger's
// available covers it; the ledger it returns does not count the need, nor
// a former hold under the same id, which the new one replaces.
var holdScript = newScript(ledgerPrelude + `
local id = ARGV[1]
local nu, nd = tonumber(ARGV[2]), tonumber(ARGV[3])
if held[id] then
  hu, hd = hu - held[id][1], hd - held[id][2]
end
local ur, dr = 0, 0
if have then ur, dr = num(s[2]), num(s[3]) end
local au = math.max(0, ur - num(s[6]) - hu)
local ad = math.max(0, dr - num(s[7]) - hd)
if au < nu or ad < nd then
  return reply(false)
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), id)
redis.call('HSET', KEYS[3], id, ARGV[2] .. ',' .. ARGV[3])
touch(ARGV[5])
return reply(true)
`)

// setReadingScript: KEYS[1] the state hash; ARGV[1..4] the URLs,
// directories and prefetches remaining and when they were read; ARGV[5]
// the time to live in ms; ARGV[6] the quota day ("" when unknown).
// Replaces the reading and zeroes what was spent; a reading of the same
// day keeps each figure no higher than the old one less what was spent.
var setReadingScript = newScript(`
local ur, dr, pr = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local old = redis.call('HMGET', KEYS[1], 'have', 'ur', 'dr', 'pr', 'su', 'sd', 'sp', 'day')
if old[1] == '1' and ARGV[6] ~= '' and old[8] == ARGV[6] then
  ur = math.min(ur, math.max(0, tonumber(old[2]) - tonumber(old[5] or 0)))
  dr = math.min(dr, math.max(0, tonumber(old[3]) - tonumber(old[6] or 0)))
  pr = math.min(pr, math.max(0, tonumber(old[4]) - tonumber(old[7] or 0)))
end
redis.call('HSET', KEYS[1], 'have', '1', 'ur', ur, 'dr', dr,
  'pr', pr, 'at', ARGV[4], 'day', ARGV[6], 'su', 0, 'sd', 0, 'sp', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`)

// settleScript: KEYS as for the ledger; ARGV[1] the hold id, ARGV[2..4]
// the URLs, directories and prefetches spent, ARGV[5] the time to live in
// ms, ARGV[6] when the calls were answered, in Unix ns ("" for unknown).
// Drops the hold and counts what was spent, unless the reading began
// after the answer: it holds the spending already.
var settleScript = newScript(`
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
local st = redis.call('HMGET', KEYS[1], 'have', 'at')
local at, answered = tonumber(st[2] or ''), tonumber(ARGV[6])
if not (st[1] == '1' and at and answered and at > answered) then
  redis.call('HINCRBY', KEYS[1], 'su', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'sd', ARGV[3])
  redis.call('HINCRBY', KEYS[1], 'sp', ARGV[4])
end
for i = 1, 3 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('PEXPIRE', KEYS[i], ARGV[5])
  end
end
return 1
`)

// folderScript: KEYS[1] the folder; ARGV[1] when it was refreshed, in unix
// ms; ARGV[2] the time to live in ms. Keeps the later time: an earlier one
// changes nothing.
var folderScript = newScript(`
local old = tonumber(redis.call('GET', KEYS[1]))
if old and old >= tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`)
