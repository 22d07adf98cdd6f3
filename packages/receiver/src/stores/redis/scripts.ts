import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The Redis store's multi-key steps, as Lua so each runs atomically on the server: a client that
 * dies half-way cannot leave a dedupe key without its job, or a job in two sets at once.
 *
 * Keys of jobs named inside a script (claim, reap) are built from a prefix passed in ARGV, so on
 * Redis Cluster every key must hash to one slot: use a prefix with a hash tag, `{bookflow}:...`.
 */
export interface LuaScript {
  lua: string;
  sha: string;
}

function script(lua: string): LuaScript {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/** EVALSHA, falling back to EVAL the first time a server has not cached the script. */
export async function run(
  redis: Redis,
  s: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(s.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(s.lua, keys.length, ...keys, ...args);
  }
}

const HELD = `
local function held(job, worker)
  return redis.call('HGET', job, 'status') == 'running' and redis.call('HGET', job, 'lockedBy') == worker
end
`;

/** A held job leaves the running set for another sorted set (the queue or the dead letter) at `score`. */
const MOVE = `
local function move(running, target, id, score)
  redis.call('ZREM', running, id)
  redis.call('ZADD', target, score, id)
  return 1
end
`;

/**
 * KEYS: seen, job, queued, wake channel, the hour's counts. ARGV: ttlMs, receivedAtMs, eventId,
 * eventType, schemaVersion, body (the envelope's JSON text), headers, countsExpireAtMs,
 * traceparent ('' when none).
 *
 * SET NX PX first; then the job. If writing the job fails the dedupe key is released, so the
 * sender's retry is not mistaken for a duplicate of an event that was never queued. A job that
 * outlived its dedupe key (dead-lettered for longer than the TTL) also counts as a duplicate.
 * Once queued, the event adds one to its type in the hour's hash, which expires by itself after
 * the volume retention.
 */
export const ACCEPT = script(`
if not redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[1]) then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local ok = redis.pcall('HSET', KEYS[2], 'eventId', ARGV[3], 'eventType', ARGV[4], 'schemaVersion', ARGV[5],
  'body', ARGV[6], 'headers', ARGV[7], 'traceparent', ARGV[9], 'receivedAt', ARGV[2], 'attempts', 0,
  'status', 'queued', 'lockedBy', '')
if type(ok) == 'table' and ok.err then
  redis.call('DEL', KEYS[1])
  return ok
end
ok = redis.pcall('ZADD', KEYS[3], ARGV[2], ARGV[3])
if type(ok) == 'table' and ok.err then
  redis.call('DEL', KEYS[1], KEYS[2])
  return ok
end
redis.call('HINCRBY', KEYS[5], ARGV[4], 1)
redis.call('PEXPIREAT', KEYS[5], ARGV[8])
redis.call('PUBLISH', KEYS[4], '')
return 1
`);

/** KEYS: queued, running. ARGV: nowMs, limit, leaseUntilMs, workerId, job key prefix. */
export const CLAIM = script(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local job = ARGV[5] .. id
  if redis.call('EXISTS', job) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[3], id)
    redis.call('HSET', job, 'status', 'running', 'lockedBy', ARGV[4])
    redis.call('HINCRBY', job, 'attempts', 1)
    table.insert(out, redis.call('HGETALL', job))
  end
end
return out
`);

/** KEYS: job, running. ARGV: eventId, workerId, untilMs. */
export const EXTEND_LEASE = script(`${HELD}
if not held(KEYS[1], ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[2], 'XX', ARGV[3], ARGV[1])
return 1
`);

/** KEYS: job, running, ledger. ARGV: eventId, workerId, ledgerTtlMs. The ledger starts expiring only now. */
export const COMPLETE = script(`${HELD}
if not held(KEYS[1], ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return 1
`);

/** KEYS: job, running, queued. ARGV: eventId, workerId, runAtMs, error. */
export const RETRY = script(`${HELD}${MOVE}
if not held(KEYS[1], ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'status', 'queued', 'lockedBy', '', 'lastError', ARGV[4])
return move(KEYS[2], KEYS[3], ARGV[1], ARGV[3])
`);

/** KEYS: job, running, dead. ARGV: eventId, workerId, atMs, error. */
export const DEAD_LETTER = script(`${HELD}${MOVE}
if not held(KEYS[1], ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'status', 'dead', 'lockedBy', '', 'lastError', ARGV[4], 'deadAt', ARGV[3])
return move(KEYS[2], KEYS[3], ARGV[1], ARGV[3])
`);

/** KEYS: job, running, queued. ARGV: eventId, workerId, nowMs. The released attempt does not count. */
export const RELEASE = script(`${HELD}${MOVE}
if not held(KEYS[1], ARGV[2]) then return 0 end
local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0')
redis.call('HSET', KEYS[1], 'status', 'queued', 'lockedBy', '', 'attempts', math.max(attempts - 1, 0))
return move(KEYS[2], KEYS[3], ARGV[1], ARGV[3])
`);

/** KEYS: running, queued. ARGV: nowMs, job key prefix. Leases that ended before now go back to the queue. */
export const REAP = script(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local job = ARGV[2] .. id
  if redis.call('EXISTS', job) == 1 then
    redis.call('HSET', job, 'status', 'queued', 'lockedBy', '')
    if (redis.call('HGET', job, 'lastError') or '') == '' then redis.call('HSET', job, 'lastError', 'lease expired') end
    redis.call('ZADD', KEYS[2], ARGV[1], id)
  end
end
return #ids
`);

/** KEYS: job, dead, queued, wake channel. ARGV: eventId, nowMs. */
export const REPLAY = script(`
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'queued', 'attempts', 0)
redis.call('HDEL', KEYS[1], 'deadAt')
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('PUBLISH', KEYS[4], '')
return 1
`);
