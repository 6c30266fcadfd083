// bullmq and ioredis are loaded here only, on first use: a local run never loads them.
import type * as BullMQ from 'bullmq';
import type IORedisType from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { ChunkscopeError } from '../engine';

export type Redis = IORedisType;
export type Bull = typeof BullMQ;

export function bullmq(): Bull {
  return require('bullmq') as Bull;
}

function ioredis(): typeof IORedisType {
  const mod = require('ioredis') as { default?: typeof IORedisType } & typeof IORedisType;
  return mod.default ?? mod;
}

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * A connection as BullMQ needs it (maxRetriesPerRequest null: a blocking command waits through a
 * reconnect instead of failing the worker). Rejects with a clear message when Redis cannot be reached.
 */
export async function connect(url: string, what: string, timeoutMs = 10_000): Promise<Redis> {
  if (!/^rediss?:\/\//.test(url))
    throw new ChunkscopeError('usage', `${what}: a Redis URL starts with redis:// or rediss://, got "${url}"`);
  const IORedis = ioredis();
  const options: RedisOptions = { maxRetriesPerRequest: null, lazyConnect: true, connectionName: 'chunkscope' };
  const redis = new IORedis(url, options);
  // Errors while reconnecting are expected (ioredis retries); they must not be unhandled.
  redis.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    redis.disconnect();
    throw new ChunkscopeError('io', `${what}: cannot reach Redis at ${safeUrl(url)}: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  return redis;
}

/** Every key matching `pattern` (SCAN, never KEYS, which blocks a busy Redis). */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}
