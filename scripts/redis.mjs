#!/usr/bin/env node
// Installs Debian's redis-server when it is missing, for the cluster tests and bench (the test
// harness starts its own redis-server on a free loopback port; the package's service is not used).
// Idempotent: nothing happens when /usr/bin/redis-server exists. Run by scripts/test.mjs, the
// same way the host preparation installs Chromium.
//
//   node scripts/redis.mjs
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const REDIS_SERVER = process.env.CHUNKSCOPE_REDIS_SERVER || '/usr/bin/redis-server';

function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

export function ensureRedisServer(log = (m) => console.log(`[redis] ${m}`)) {
  if (existsSync(REDIS_SERVER)) return REDIS_SERVER;
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && spawnSync('sudo', ['-n', 'true']).status !== 0)
    throw new Error('redis-server is missing. Install it (sudo apt-get install redis-server) and run this again.');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => (asRoot ? run('apt-get', args, env) : run('sudo', ['-n', 'apt-get', ...args], env));
  log('apt-get install redis-server');
  apt(['update', '-q']);
  apt(['install', '-y', '-q', '--no-install-recommends', 'redis-server']);
  if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} not found after installing redis-server`);
  return REDIS_SERVER;
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(ensureRedisServer());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
