// Recording one thread's CPU profile through node:inspector (a session on the thread's own
// isolate; this works inside worker threads), saving it as a standard .cpuprofile, and putting
// its timestamps on the run's clock. Used by the chunk worker and by the executor's main thread.
import { Session } from 'node:inspector';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { epochNow } from '../base/clock';
import { ChunkscopeError } from '../base/errors';
import type { CompiledProcessor } from '../model/processor';
import { inlineSourceMap, mapProfileToSources } from './sourcemap';
import type { CpuProfile, LoadedProfile, ThreadProfile } from '../model/profile';
import type { SavedThreadProfile } from '../model/protocol';
import type { RunOptions } from '../model';
import { DEFAULTS, defaultProfileDir } from '../options';

const PROFILE_DEFAULTS = DEFAULTS.profile;

/** The names this module gives profile files; only these are ever replaced in a reused folder. */
const THREAD_PROFILE_FILE = /^(main|worker-\d+)\.cpuprofile$/;

export interface ProfileSettings {
  dir: string;
  intervalUs: number;
}

/** Checks a run's profile options; undefined when the run is not profiled. Creates the folder. */
export function resolveProfileSettings(
  options: Pick<
    RunOptions,
    'profile' | 'profileIntervalUs' | 'profileDir' | 'data' | 'processor' | 'out' | 'timings' | 'cwd'
  >,
): ProfileSettings | undefined {
  if (!options.profile) {
    // profile: false switches a copied set of options off on purpose; left out, it is a mistake.
    if (
      options.profile === undefined &&
      (options.profileIntervalUs !== undefined || options.profileDir !== undefined)
    ) {
      throw new ChunkscopeError('usage', 'A profile interval or folder was given without profile: true (--profile)');
    }
    return undefined;
  }
  const intervalUs = options.profileIntervalUs ?? PROFILE_DEFAULTS.intervalUs;
  if (!Number.isInteger(intervalUs) || intervalUs < PROFILE_DEFAULTS.minIntervalUs) {
    throw new ChunkscopeError(
      'usage',
      `The profile sampling interval must be a whole number of microseconds of at least ${PROFILE_DEFAULTS.minIntervalUs}, got ${intervalUs}`,
    );
  }
  const dir = options.profileDir
    ? path.resolve(options.cwd ?? process.cwd(), options.profileDir)
    : defaultProfileDir(options);
  try {
    mkdirSync(dir, { recursive: true });
    // A folder holds one run's profiles: an earlier run's worker ids would differ and linger.
    for (const name of readdirSync(dir)) if (THREAD_PROFILE_FILE.test(name)) rmSync(path.join(dir, name));
  } catch (error) {
    throw new ChunkscopeError('io', `Cannot create the profile folder ${dir}: ${(error as Error).message}`);
  }
  return { dir, intervalUs };
}

function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))),
  );
}

/** A running CPU profile of the calling thread. */
export class ThreadProfiler {
  private constructor(
    private readonly session: Session,
    readonly intervalUs: number,
    /** Monotonic ms read just before and just after Profiler.start. */
    private readonly startWindow: [number, number],
    private readonly epochMinusMonotonicMs: number,
  ) {}

  static async start(intervalUs: number): Promise<ThreadProfiler> {
    const session = new Session();
    session.connect();
    try {
      await post(session, 'Profiler.enable');
      await post(session, 'Profiler.setSamplingInterval', { interval: intervalUs });
      // V8 stamps profiles in µs on the monotonic clock process.hrtime reads (both CLOCK_MONOTONIC
      // on Linux, mach time on macOS, QPC on Windows); one reading of both clocks converts to epoch.
      const epochMinusMonotonicMs = epochNow() - monotonicMs();
      const before = monotonicMs();
      await post(session, 'Profiler.start');
      const after = monotonicMs();
      return new ThreadProfiler(session, intervalUs, [before, after], epochMinusMonotonicMs);
    } catch (error) {
      session.disconnect();
      throw error;
    }
  }

  /** Stops the profile; the offset is checked against the profile's own start and end stamps. */
  async stop(): Promise<{ profile: CpuProfile; epochMinusMonotonicMs: number; clockCheckMs: number }> {
    try {
      const before = monotonicMs();
      const { profile } = await post<{ profile: CpuProfile }>(this.session, 'Profiler.stop');
      const after = monotonicMs();
      const outside = (stampUs: number, [from, to]: [number, number]) =>
        Math.max(0, from - stampUs / 1000, stampUs / 1000 - to);
      const clockCheckMs = Math.max(
        outside(profile.startTime, this.startWindow),
        outside(profile.endTime, [before, after]),
      );
      // A platform where V8's clock is not hrtime's: anchor the start instead (error ≤ the start call).
      const epochMinusMonotonicMs =
        clockCheckMs > 50
          ? this.epochMinusMonotonicMs + this.startWindow[0] - profile.startTime / 1000
          : this.epochMinusMonotonicMs;
      return { profile, epochMinusMonotonicMs, clockCheckMs };
    } finally {
      this.session.disconnect();
    }
  }
}

/** Writes a profile atomically (temp file, then rename) so a reader never sees half a file. */
export function writeProfileFile(file: string, profile: CpuProfile): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(profile));
  renameSync(temp, file);
}

/**
 * Stops `profiler`, maps a compiled TypeScript processor's frames back to its sources, and saves
 * `<dir>/<name>.cpuprofile`. What the thread reports back is small; the profile stays on disk.
 */
export async function stopAndSave(
  profiler: ThreadProfiler,
  dir: string,
  name: string,
  processor?: CompiledProcessor,
): Promise<SavedThreadProfile> {
  const stopped = await profiler.stop();
  let profile = stopped.profile;
  let mappedSources: string[] | undefined;
  const map = processor?.code !== undefined ? inlineSourceMap(processor.code) : undefined;
  if (processor && map) {
    const mapped = mapProfileToSources(profile, processor.path, map);
    profile = mapped.profile;
    mappedSources = mapped.mappedSources;
  }
  const file = path.join(dir, `${name}.cpuprofile`);
  writeProfileFile(file, profile);
  return {
    file,
    samples: profile.samples.length,
    intervalUs: profiler.intervalUs,
    epochMinusMonotonicMs: stopped.epochMinusMonotonicMs,
    clockCheckMs: stopped.clockCheckMs,
    mappedSources,
  };
}

/** The report's entry for a saved profile: its clock offset made relative to the run's start. */
export function toThreadProfile(
  saved: SavedThreadProfile,
  thread: ThreadProfile['thread'],
  runStartEpochMs: number,
): ThreadProfile {
  return {
    thread,
    label: thread === 'main' ? 'main thread' : `worker ${thread}`,
    file: saved.file,
    samples: saved.samples,
    clockOffsetMs: saved.epochMinusMonotonicMs - runStartEpochMs,
    samplingIntervalUs: saved.intervalUs,
    clockCheckMs: saved.clockCheckMs,
    ...(saved.mappedSources ? { mappedSources: saved.mappedSources } : {}),
  };
}

/** Reads a run's profiles back from their files, with a clear error naming a missing or broken one. */
export function readThreadProfiles(profiles: ThreadProfile[]): LoadedProfile[] {
  return profiles.map((thread) => {
    let profile: CpuProfile;
    try {
      profile = JSON.parse(readFileSync(thread.file, 'utf8')) as CpuProfile;
    } catch (error) {
      throw new ChunkscopeError(
        'input',
        `Cannot read the CPU profile of ${thread.label} at ${thread.file}: ${(error as Error).message}`,
      );
    }
    if (!Array.isArray(profile.nodes) || !Array.isArray(profile.samples) || !Array.isArray(profile.timeDeltas)) {
      throw new ChunkscopeError('input', `${thread.file} is not a .cpuprofile (it lacks nodes, samples or timeDeltas)`);
    }
    return { thread, profile };
  });
}

/** The main thread's side of a profiled run: its own profile, and the workers' gathered at teardown. */
export class RunProfiles {
  private constructor(
    private readonly settings: ProfileSettings,
    private main: ThreadProfiler | undefined,
  ) {}

  static async start(settings: ProfileSettings): Promise<RunProfiles> {
    return new RunProfiles(settings, await ThreadProfiler.start(settings.intervalUs));
  }

  /** Saves the main thread's profile and lists every thread's; problems become warnings, not failures. */
  async finish(
    teardowns: { workerId: number; profile?: SavedThreadProfile; profileError?: string }[],
    runStartEpochMs: number,
    warnings: string[],
  ): Promise<ThreadProfile[]> {
    const profiles: ThreadProfile[] = [];
    if (this.main) {
      const main = this.main;
      this.main = undefined;
      try {
        profiles.push(toThreadProfile(await stopAndSave(main, this.settings.dir, 'main'), 'main', runStartEpochMs));
      } catch (error) {
        warnings.push(`Main thread: could not save the CPU profile: ${(error as Error).message}`);
      }
    }
    for (const t of [...teardowns].sort((a, b) => a.workerId - b.workerId)) {
      if (t.profileError) warnings.push(`Worker ${t.workerId}: ${t.profileError}`);
      if (t.profile) profiles.push(toThreadProfile(t.profile, t.workerId, runStartEpochMs));
    }
    return profiles;
  }

  /** A failed run: stop the main thread's sampler without saving anything. */
  discard(): void {
    const main = this.main;
    this.main = undefined;
    if (main) void main.stop().catch(() => undefined);
  }
}
