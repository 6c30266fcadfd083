// A real redis-server and real `chunkscope worker` processes for the cluster tests: Redis on a free
// loopback port (no persistence, a temp dir), workers spawned from the built CLI as a user starts
// them. Everything started here is stopped by stopAll(), also when a test failed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { ROOT } from '../helpers';

export const REDIS_SERVER = process.env.CHUNKSCOPE_REDIS_SERVER || '/usr/bin/redis-server';
export const BIN = path.join(ROOT, 'bin', 'chunkscope.js');
/** Short locks so a dead worker's chunk comes back within ~2 s (the defaults are 30 s). */
export const FAST_LOCKS = ['--lock-ms', '1500', '--stalled-ms', '500'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class RedisServer {
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly proc: ChildProcess,
    readonly client: IORedis,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static available(): boolean {
    return existsSync(REDIS_SERVER);
  }

  static async start(): Promise<RedisServer> {
    const port = await freePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-redis-'));
    const proc = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    const client = new IORedis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    const server = new RedisServer(port, dir, proc, client);
    try {
      await waitFor('redis-server to answer PING', async () => {
        if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`);
        try {
          if (client.status === 'wait') await client.connect();
          return (await client.ping()) === 'PONG' ? true : undefined;
        } catch {
          return undefined;
        }
      });
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  async keys(pattern: string): Promise<string[]> {
    return (await this.client.keys(pattern)).sort();
  }

  async stop(): Promise<void> {
    this.client.disconnect();
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface WorkerProc {
  name: string;
  proc: ChildProcess;
  /** Its stderr so far. */
  log(): string;
  exited: Promise<number | null>;
}

/** Every process a suite started; stopAll() kills what is still running. */
export class Procs {
  private readonly all: ChildProcess[] = [];

  track(proc: ChildProcess): ChildProcess {
    this.all.push(proc);
    return proc;
  }

  async worker(url: string, name: string, extra: string[] = []): Promise<WorkerProc> {
    const proc = this.track(
      spawn(process.execPath, [BIN, 'worker', '--redis', url, '--threads', '1', '--name', name, ...extra], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    );
    let text = '';
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (d: string) => (text += d));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const worker = { name, proc, log: () => text, exited };
    await waitFor(`worker ${name} to be ready`, () => {
      if (proc.exitCode !== null) throw new Error(`worker ${name} exited (${proc.exitCode}):\n${text}`);
      return text.includes(`worker ${name} ready`) ? true : undefined;
    });
    return worker;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.all.map(async (proc) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGCONT');
        proc.kill('SIGKILL');
        await exited;
      }),
    );
    this.all.length = 0;
  }
}
