import type { Cluster, Redis, Result } from "ioredis";

// Every script touches only keys of one scope: they share its {hash tag}, so one slot, and the
// script runs atomically on that slot's master. Record keys built inside a script from the base
// passed as KEYS[1]'s sibling stay in the same slot.

/** Parse a record header; returns version and whether it is live at `now`. */
const HEADER_FN = `
local function head(raw, key)
  local v, e = string.match(raw, '^(%d+):(%d*):')
  if not v then return redis.error_reply('TTACORRUPT record header at ' .. key) end
  return tonumber(v), (e == '' or tonumber(e) > tonumber(ARGV[1]))
end
`;

/**
 * KEYS: record, index. ARGV: now, member, value, ifVersion|'', ttlMs|'', expiresAt|''. → {ok, version}
 * The index expires with its longest-lived record (persistent once it holds a record without TTL).
 */
const PUT = `${HEADER_FN}
local cur = 0
local old = redis.call('GET', KEYS[1])
if old then
  local v, live = head(old, KEYS[1])
  if type(v) == 'table' then return v end
  if live then cur = v end
end
if ARGV[4] ~= '' and tonumber(ARGV[4]) ~= cur then return {0, cur} end
local ver = cur + 1
local val = string.format('%d:%s:', ver, ARGV[6]) .. ARGV[3]
local pttl = redis.call('PTTL', KEYS[2])
redis.call('ZADD', KEYS[2], 0, ARGV[2])
if ARGV[5] == '' then
  redis.call('SET', KEYS[1], val)
  if pttl >= 0 then redis.call('PERSIST', KEYS[2]) end
else
  local ttl = tonumber(ARGV[5])
  redis.call('SET', KEYS[1], val, 'PX', ttl)
  -- The index lives as long as its longest-lived record, so natively expired scopes vanish whole.
  if pttl == -2 or (pttl >= 0 and pttl < ttl) then redis.call('PEXPIRE', KEYS[2], ttl) end
end
return {1, ver}
`;

/** KEYS: record, index. ARGV: now, member, ifVersion|''. → {ok, currentVersion} */
const DELETE = `${HEADER_FN}
local cur = 0
local old = redis.call('GET', KEYS[1])
if old then
  local v, live = head(old, KEYS[1])
  if type(v) == 'table' then return v end
  if live then cur = v end
end
if ARGV[3] ~= '' and tonumber(ARGV[3]) ~= cur then return {0, cur} end
if old then redis.call('DEL', KEYS[1]) end
redis.call('ZREM', KEYS[2], ARGV[2])
return {1, cur}
`;

/**
 * KEYS: index. ARGV: now, record base, min, max, want. → flat {member, raw, …} of up to `want`
 * live records in index order. Members whose record is gone or expired leave the index (and an
 * expired record its key) on the way, so the index stays clean without a sweeper.
 */
const LIST = `${HEADER_FN}
local out = {}
local n = 0
local want = tonumber(ARGV[5])
local min = ARGV[3]
local chunk = math.max(want, 64)
while n < want do
  local members = redis.call('ZRANGEBYLEX', KEYS[1], min, ARGV[4], 'LIMIT', 0, chunk)
  if #members == 0 then break end
  for _, m in ipairs(members) do
    local k = ARGV[2] .. m
    local raw = redis.call('GET', k)
    local live = false
    if raw then
      local v, l = head(raw, k)
      if type(v) == 'table' then return v end
      live = l
      if not live then redis.call('DEL', k) end
    end
    if live then
      n = n + 1
      out[#out + 1] = m
      out[#out + 1] = raw
      if n >= want then break end
    else
      redis.call('ZREM', KEYS[1], m)
    end
  end
  if #members < chunk then break end
  min = '(' .. members[#members]
end
return out
`;

/** KEYS: records. → raw values, nil for missing. GET (not MGET) so a wrong type is an error, not a miss. */
const GET_MANY = `
local out = {}
for i, k in ipairs(KEYS) do out[i] = redis.call('GET', k) end
return out
`;

/** KEYS: index. ARGV: now, record base. → number of live records removed. */
const CLEAR = `${HEADER_FN}
local count = 0
while true do
  local members = redis.call('ZRANGE', KEYS[1], 0, 499)
  if #members == 0 then break end
  for _, m in ipairs(members) do
    local k = ARGV[2] .. m
    local raw = redis.call('GET', k)
    if raw then
      local v, live = head(raw, k)
      if type(v) == 'table' then return v end
      if live then count = count + 1 end
      redis.call('DEL', k)
    end
  end
  redis.call('ZREM', KEYS[1], unpack(members))
end
return count
`;

/**
 * `append(log, idem, trim, at)`: ARGV[at] is n, then per item idempotencyKey|'' and entry.
 * → {{seq or -seq of a duplicate, …}, {stored entry of each earlier duplicate, …}}.
 * seq = trimmed count + list length, so seqs are gapless by construction; all items or none. A key
 * that points into the trimmed range is one whose entry is gone: it appends anew.
 */
const APPEND_FN = `
local function append(log, idem, trim, at)
  local off = tonumber(redis.call('GET', trim) or '0')
  if not off then return redis.error_reply('TTACORRUPT trim count at ' .. trim) end
  -- One entry without an idempotency key (the common append): RPUSH's new length is its seq.
  if ARGV[at] == '1' and ARGV[at + 1] == '' then
    return {{off + redis.call('RPUSH', log, ARGV[at + 2])}, {}}
  end
  local base = off + redis.call('LLEN', log)
  local seq = base
  local res, olds, fresh, push, hset = {}, {}, {}, {}, {}
  for i = 1, tonumber(ARGV[at]) do
    local k = ARGV[at - 1 + 2 * i]
    local done = false
    if k ~= '' then
      if fresh[k] then
        res[i] = -fresh[k]
        done = true
      else
        local s = redis.call('HGET', idem, k)
        local sn = s and tonumber(s)
        if s and (not sn or sn < 1 or sn > base) then
          return redis.error_reply('TTACORRUPT idempotency entry ' .. k .. ' at ' .. idem)
        end
        if sn and sn > off then
          res[i] = -sn
          fresh[k] = sn
          olds[#olds + 1] = redis.call('LINDEX', log, sn - off - 1)
          done = true
        end
      end
    end
    if not done then
      seq = seq + 1
      res[i] = seq
      push[#push + 1] = ARGV[at + 2 * i]
      if k ~= '' then
        fresh[k] = seq
        hset[#hset + 1] = k
        hset[#hset + 1] = seq
      end
    end
  end
  for i = 1, #push, 1000 do
    redis.call('RPUSH', log, unpack(push, i, math.min(i + 999, #push)))
  end
  for i = 1, #hset, 1000 do
    redis.call('HSET', idem, unpack(hset, i, math.min(i + 999, #hset)))
  end
  return {res, olds}
end
`;

/** KEYS: log, idempotency, trim. ARGV: n, then per item idempotencyKey|'' and entry. See APPEND_FN. */
const APPEND = `${APPEND_FN}
return append(KEYS[1], KEYS[2], KEYS[3], 1)
`;

/**
 * KEYS: record, log, idempotency, trim. ARGV: now, field, equals, then APPEND's. Appends only when the
 * record is live and its JSON value's top-level `field` is the string `equals`, atomically.
 * → {1, append reply} or {0, raw record | false}.
 */
const APPEND_IF = `${APPEND_FN}
local raw = redis.call('GET', KEYS[1])
if not raw then return {0, false} end
local v, e, at = string.match(raw, '^(%d+):(%d*):()')
if not v then return redis.error_reply('TTACORRUPT record header at ' .. KEYS[1]) end
if e ~= '' and tonumber(e) <= tonumber(ARGV[1]) then return {0, false} end
local ok, value = pcall(cjson.decode, string.sub(raw, at))
if ok and type(value) == 'table' and value[ARGV[2]] == ARGV[3] then
  local r = append(KEYS[2], KEYS[3], KEYS[4], 4)
  if r.err then return r end
  return {1, r}
end
return {0, raw}
`;

/**
 * KEYS: log, trim. ARGV: afterSeq, beforeSeq, limit, fromEnd (1|0). → {seq before the first entry,
 * entry…}. Seqs up to the trimmed count are gone: a range below it starts at the first kept entry.
 */
const READ_LOG = `
local off = tonumber(redis.call('GET', KEYS[2]) or '0')
if not off then return redis.error_reply('TTACORRUPT trim count at ' .. KEYS[2]) end
local len = off + redis.call('LLEN', KEYS[1])
local lo = math.max(off, tonumber(ARGV[1]))
local hi = math.min(len, tonumber(ARGV[2]) - 1)
if hi <= lo then return {0} end
local limit = tonumber(ARGV[3])
local s, e
if ARGV[4] == '1' then s = math.max(lo, hi - limit); e = hi else s = lo; e = math.min(hi, lo + limit) end
local items = redis.call('LRANGE', KEYS[1], s - off, e - off - 1)
table.insert(items, 1, s)
return items
`;

/** KEYS: log, trim. → the last assigned seq (trimmed count + list length). */
const LOG_LENGTH = `
local off = tonumber(redis.call('GET', KEYS[2]) or '0')
if not off then return redis.error_reply('TTACORRUPT trim count at ' .. KEYS[2]) end
return off + redis.call('LLEN', KEYS[1])
`;

/**
 * KEYS: log, idempotency, trim. ARGV: beforeSeq. Removes the entries with seq < beforeSeq and their
 * idempotency keys, and adds them to the trimmed count, in one script: atomic like every script.
 * → how many went. An entry whose JSON the decoder cannot read keeps its key in the hash, where the
 * append script treats it as gone (it points into the trimmed range).
 */
const TRIM_LOG = `
local off = tonumber(redis.call('GET', KEYS[3]) or '0')
if not off then return redis.error_reply('TTACORRUPT trim count at ' .. KEYS[3]) end
local len = redis.call('LLEN', KEYS[1])
local n = math.min(tonumber(ARGV[1]) - 1, off + len) - off
if n <= 0 then return 0 end
for i = 0, n - 1, 1000 do
  local keys = {}
  for _, raw in ipairs(redis.call('LRANGE', KEYS[1], i, math.min(i + 999, n - 1))) do
    local ok, e = pcall(cjson.decode, raw)
    if ok and type(e) == 'table' and type(e[2]) == 'string' then keys[#keys + 1] = e[2] end
  end
  if #keys > 0 then redis.call('HDEL', KEYS[2], unpack(keys)) end
end
redis.call('LTRIM', KEYS[1], n, -1)
redis.call('SET', KEYS[3], off + n)
return n
`;

const SCRIPTS = {
  ttaPut: { numberOfKeys: 2, lua: PUT },
  ttaDelete: { numberOfKeys: 2, lua: DELETE },
  ttaList: { numberOfKeys: 1, lua: LIST },
  ttaGetMany: { numberOfKeys: undefined, lua: GET_MANY },
  ttaClear: { numberOfKeys: 1, lua: CLEAR },
  ttaAppend: { numberOfKeys: 3, lua: APPEND },
  ttaAppendIf: { numberOfKeys: 4, lua: APPEND_IF },
  ttaReadLog: { numberOfKeys: 2, lua: READ_LOG },
  ttaLogLength: { numberOfKeys: 2, lua: LOG_LENGTH },
  ttaTrimLog: { numberOfKeys: 3, lua: TRIM_LOG },
} as const;

/** The Lua sources, for tests and benchmarks that compare against raw EVALSHA. */
export const LUA_SOURCES: Readonly<Record<keyof typeof SCRIPTS, string>> = Object.fromEntries(
  Object.entries(SCRIPTS).map(([name, s]) => [name, s.lua]),
) as Record<keyof typeof SCRIPTS, string>;

type Arg = string | number;

declare module "ioredis" {
  interface RedisCommander<Context> {
    ttaPut(...args: Arg[]): Result<[number, number], Context>;
    ttaDelete(...args: Arg[]): Result<[number, number], Context>;
    ttaList(...args: Arg[]): Result<string[], Context>;
    /** First argument: the number of keys. */
    ttaGetMany(...args: Arg[]): Result<(string | null)[], Context>;
    ttaClear(...args: Arg[]): Result<number, Context>;
    ttaAppend(...args: Arg[]): Result<[number[], string[]], Context>;
    ttaAppendIf(...args: Arg[]): Result<[1, [number[], string[]]] | [0, string | null], Context>;
    ttaReadLog(...args: Arg[]): Result<[number, ...string[]], Context>;
    ttaLogLength(...args: Arg[]): Result<number, Context>;
    ttaTrimLog(...args: Arg[]): Result<number, Context>;
  }
}

/**
 * Define the scripts on a client (idempotent). ioredis sends EVALSHA and falls back to EVAL on
 * NOSCRIPT (after a restart or failover), so a script costs one round trip.
 */
export function defineScripts(client: Redis | Cluster): void {
  for (const [name, s] of Object.entries(SCRIPTS)) {
    if (!(name in client)) client.defineCommand(name, { numberOfKeys: s.numberOfKeys, lua: s.lua });
  }
}
