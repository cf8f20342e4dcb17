// The Lua scripts the driver runs in Redis, so that finding an entry's id, a stream's counters or
// setting a group's position moves a few values over the network, never the entries themselves.
import { createHash } from "node:crypto"
import type { RedisConnection } from "./connection.js"

export interface Script {
  readonly source: string
  readonly sha: string
}

const script = (source: string): Script => ({ source, sha: createHash("sha1").update(source).digest("hex") })

/**
 * For each key: {1, entries-added, length, last-generated-id}, or {0} when the key does not exist
 * (or is not a stream: {-1}). XINFO STREAM's reply is flat field/value pairs.
 */
export const streamInfo = script(`
local out = {}
for i, key in ipairs(KEYS) do
  local kind = redis.call('TYPE', key)['ok']
  if kind == 'none' then
    out[i] = {0}
  elseif kind ~= 'stream' then
    out[i] = {-1}
  else
    local info = redis.call('XINFO', 'STREAM', key)
    local fields = {}
    for j = 1, #info, 2 do fields[info[j]] = info[j + 1] end
    out[i] = {1, fields['entries-added'], fields['length'], fields['last-generated-id']}
  end
end
return out
`)

/**
 * Group ARGV[1]'s position in each key: {1, last-delivered-id, entries-read (-1 when Redis does not
 * know it)}, {0} when the key has no such group, {-1} when the key is missing.
 */
export const groupPositions = script(`
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('TYPE', key)['ok'] ~= 'stream' then
    out[i] = {-1}
  else
    out[i] = {0}
    local groups = redis.call('XINFO', 'GROUPS', key)
    for _, group in ipairs(groups) do
      local fields = {}
      for j = 1, #group, 2 do fields[group[j]] = group[j + 1] end
      if fields['name'] == ARGV[1] then
        local read = fields['entries-read']
        if type(read) ~= 'number' then read = -1 end
        out[i] = {1, fields['last-delivered-id'], read}
      end
    end
  end
end
return out
`)

/**
 * Walks ARGV[3] entries of KEYS[1] from id ARGV[2] (exclusive), forwards (ARGV[1] = 'f') or
 * backwards: {entries walked, id of the last one} (the start id when there was none).
 */
export const walk = script(`
local entries
if ARGV[1] == 'f' then
  entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[2], '+', 'COUNT', ARGV[3])
else
  entries = redis.call('XREVRANGE', KEYS[1], '(' .. ARGV[2], '-', 'COUNT', ARGV[3])
end
if #entries == 0 then return {0, ARGV[2]} end
return {#entries, entries[#entries][1]}
`)

/**
 * Sets group ARGV[1]'s position in KEYS[1] to id ARGV[2] with ARGV[3] entries read, creating the
 * group there when it does not exist (never the stream: a missing key is an error).
 */
export const setGroupPosition = script(`
local set = redis.pcall('XGROUP', 'SETID', KEYS[1], ARGV[1], ARGV[2], 'ENTRIESREAD', ARGV[3])
if type(set) == 'table' and set['err'] ~= nil then
  if string.find(set['err'], 'NOGROUP') then
    return redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], ARGV[2], 'ENTRIESREAD', ARGV[3])
  end
  return set
end
return set
`)

/** Runs `s` by its hash, loading it when the server does not have it (a new or restarted server). */
export const run = async <A>(
  client: RedisConnection,
  s: Script,
  keys: ReadonlyArray<string>,
  args: ReadonlyArray<string>
): Promise<A> => {
  const tail = [String(keys.length), ...keys, ...args]
  try {
    return await client.sendCommand<A>(["EVALSHA", s.sha, ...tail])
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error
    return await client.sendCommand<A>(["EVAL", s.source, ...tail])
  }
}
