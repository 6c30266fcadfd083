#!/usr/bin/env node
// `npm run bench`: Chunkscope against the floor (a raw read), the article's Python designs and
// DuckDB, on one generated CSV, every measurement in its own child process, best of N.
//   node bench/run.mjs [--rows N] [--repeats N]
// Exits 1 only when results disagree or something crashed; missed bars are reported, not fatal.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCsv } from './bench-data.mjs';
import { measure, lastJson } from './measure.mjs';
import { referenceSum, sumOutFile, agrees } from './reference.mjs';
import { formatTable, fmtBytes } from './table.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const rel = (p) => path.relative(root, p) || '.';
const SEED = 42;
const DEFAULT_ROWS = 2_000_000;
const PREFIX_ROWS = 100_000; // per-row dispatches one task per row: only a prefix is affordable
const KiB = 1024;
const MiB = 1024 * 1024;
// The chunk sizes each strategy is swept over; the table shows each strategy at its best one.
const SWEEP = {
  batches: [2_000, 10_000, 50_000].map((n) => ({ flag: '--chunk-rows', value: n, label: `${n / 1000}k rows` })),
  'byte-range': [256 * KiB, MiB, 4 * MiB].map((n) => ({ flag: '--chunk-bytes', value: n, label: fmtBytes(n) })),
  'shared-columns': [256 * KiB, MiB, 4 * MiB].map((n) => ({ flag: '--chunk-bytes', value: n, label: fmtBytes(n) })),
};
const PROC = {
  rows: path.join(root, 'examples/processors/sum-of-squares.js'),
  columns: path.join(root, 'examples/processors/sum-of-squares-columns.js'),
  infer: path.join(root, 'examples/processors/sum-of-squares-infer.js'),
  columnsTotal: path.join(root, 'examples/processors/total-sum-of-squares-columns.js'),
};
const CLI = path.join(root, 'bin/chunkscope.js');

function parseArgs(argv) {
  const opts = { rows: DEFAULT_ROWS, repeats: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!(key in opts) || !Number.isInteger(value) || value < 1) {
      console.error('usage: node bench/run.mjs [--rows N] [--repeats N]');
      process.exit(2);
    }
    opts[key] = value;
  }
  return opts;
}

/** The bench file for `rows`, generated once and reused while its marker matches. */
async function ensureData(rows) {
  const data = await benchCsv(rows, {
    seed: SEED,
    onGenerate: (file) => process.stdout.write(`generating ${rel(file)} (${rows.toLocaleString('en')} rows)… `),
  });
  if (data.seconds !== undefined) console.log(`${(data.bytes / 1e6).toFixed(1)} MB in ${data.seconds.toFixed(1)} s`);
  return { file: data.file, rows, bytes: data.bytes };
}

const problems = []; // disagreements and crashes: any of them makes the run exit 1

/** Run a child that prints a JSON report; undefined (and a recorded problem) if it failed. */
async function runChild(label, cmd, args, inputRows) {
  // Generous (60 s + 100 µs a row), but a hung child must fail instead of stalling the bench.
  const timeoutMs = 60_000 + inputRows * 0.1;
  const m = await measure(cmd, args, { cwd: root, timeoutMs });
  const report = m.code === 0 ? lastJson(m.stdout) : undefined;
  if (!report) {
    const why = m.timedOut ? `killed after ${timeoutMs / 1000} s (hung?)` : `exit ${m.code}`;
    problems.push(`${label}: ${why}; ${cmd} ${args.join(' ')}\n${(m.stderr || m.stdout).trim().slice(-2000)}`);
    console.log(`  ${label}: FAILED (${why})`);
    return undefined;
  }
  return {
    report,
    peakRssBytes: Math.max(report.peakRssBytes ?? report.summary?.peakRssBytes ?? 0, m.peakRssBytes ?? 0),
  };
}

function check(label, got, expected) {
  const ok = got.rows === expected.rows && agrees(got.total, expected.total);
  if (!ok)
    problems.push(
      `${label}: got ${got.rows} rows, total ${got.total}; expected ${expected.rows} rows, total ${expected.total}`,
    );
  return ok;
}

/** Best (lowest wall time) of `repeats` runs; the first run is checked against the reference. */
async function bestOf(repeats, once) {
  let best;
  for (let i = 0; i < repeats; i++) {
    const r = await once(i === 0);
    if (!r) return undefined;
    if (!best || r.wallMs < best.wallMs) best = r;
  }
  return best;
}

async function run({ rows, repeats }) {
  const data = await ensureData(rows);
  const prefix = rows > PREFIX_ROWS ? await ensureData(PREFIX_ROWS) : data;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-bench-'));
  const outFile = path.join(tmp, 'out.ndjson');
  const expected = new Map([
    [data.file, await referenceSum(data.file)],
    [prefix.file, await referenceSum(prefix.file)],
  ]);
  const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  const pythonVersion =
    python.status === 0 ? (python.stdout || python.stderr).trim().replace(/^Python /, '') : undefined;

  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    ramBytes: os.totalmem(),
    node: process.version,
    python: pythonVersion ?? 'absent',
    os: `${os.type()} ${os.release()}`,
    hostname: os.hostname(),
  };
  machine.loadAverageAtStart = os.loadavg()[0];
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${fmtBytes(machine.ramBytes)} RAM, Node ${machine.node}, Python ${machine.python}`,
  );
  // Other work on the machine skews the multi-worker rows most: say so rather than hide it.
  if (machine.loadAverageAtStart > 0.5)
    console.log(
      `warning: load average ${machine.loadAverageAtStart.toFixed(2)} before the bench started; figures will be noisy`,
    );
  console.log(
    `input:   ${rel(data.file)}: ${data.rows.toLocaleString('en')} rows, ${data.bytes.toLocaleString('en')} bytes; best of ${repeats}\n`,
  );

  const table = [];
  const sweeps = [];
  let floor;
  let threadScaling;
  const add = (row) => {
    if (!row) return undefined;
    row.rowsPerSecond = row.rows / (row.wallMs / 1000);
    row.mbPerSecond = row.bytes / 1e6 / (row.wallMs / 1000);
    table.push(row);
    console.log(`  ${row.design} · ${row.workers ?? '—'} · ${row.chunk ?? '—'}: ${(row.wallMs / 1000).toFixed(3)} s`);
    return row;
  };

  try {
    // (1) The floor.
    add(
      await bestOf(repeats, async () => {
        const c = await runChild('raw read', process.execPath, ['bench/raw-read.mjs', data.file], data.rows);
        return (
          c && {
            design: 'raw read (floor)',
            rows: data.rows,
            bytes: c.report.bytes,
            wallMs: c.report.wallMs,
            peakRssBytes: c.peakRssBytes,
          }
        );
      }),
    );

    // (2)–(4) Chunkscope through its CLI, one child per run.
    // `total`: the processor folds everything to one number (combine) and nothing is written, like DuckDB's sum.
    const chunkscope =
      ({ design, input = data, processor = PROC.rows, strategy = 'byte-range', workers, chunk, total = false }) =>
      async (verify) => {
        rmSync(outFile, { force: true });
        const args = [
          CLI,
          'run',
          input.file,
          '--processor',
          processor,
          '--strategy',
          strategy,
          '--workers',
          String(workers),
          ...(chunk ? [chunk.flag, String(chunk.value)] : []),
          ...(total ? [] : ['--out', outFile]),
          '--json',
        ];
        const label = `${design} (${workers} worker${workers > 1 ? 's' : ''}${chunk ? ', ' + chunk.label : ''})`;
        const c = await runChild(label, process.execPath, args, input.rows);
        if (!c) return undefined;
        const s = c.report.summary;
        const got = total ? { rows: s.rows, total: c.report.result } : await sumOutFile(outFile);
        if (verify && !check(label, got, expected.get(input.file))) return undefined;
        return {
          design,
          workers,
          chunk: chunk?.label ?? (strategy === 'per-row' ? '1 row' : `default (${s.chunks} chunks)`),
          rows: s.rows,
          bytes: input.bytes,
          wallMs: s.wallMs,
          peakRssBytes: c.peakRssBytes,
          overheadShare: s.overheadShare,
          strategy,
          // Worker time is the processing phase on every worker, as in the engine's overheadShare.
          encodeShare: s.encodeMs / (s.processingMs * s.workers),
          idleShare: s.idleShare,
          engine: {
            rowsPerSecond: s.rowsPerSecond,
            processingMs: s.processingMs,
            startupMs: s.startupMs,
            chunks: s.chunks,
            repairedChunks: s.repairedChunks,
          },
        };
      };

    if (!existsSync(path.join(root, 'dist/cli.js'))) {
      problems.push('dist/cli.js is missing: build first (npm run bench does, or node scripts/build.mjs)');
    } else {
      for (const workers of [1, 2]) {
        add(await bestOf(repeats, chunkscope({ design: 'chunkscope default (object rows, byte-range)', workers })));
      }

      for (const workers of [1, 2]) {
        add(
          await bestOf(
            repeats,
            chunkscope({
              design: `chunkscope per-row (prefix ${fmtRows(prefix.rows)} rows)`,
              input: prefix,
              strategy: 'per-row',
              workers,
            }),
          ),
        );
      }
      for (const [strategy, sizes] of Object.entries(SWEEP)) {
        for (const workers of [1, 2]) {
          // One checked run per size, then the remaining repeats at the best size only.
          const tried = [];
          for (const chunk of sizes)
            tried.push(await chunkscope({ design: `chunkscope ${strategy}`, strategy, workers, chunk })(true));
          sweeps.push({
            strategy,
            workers,
            wallMsBySize: Object.fromEntries(sizes.map((c, i) => [c.label, tried[i]?.wallMs ?? null])),
          });
          if (tried.some((t) => !t)) continue;
          const first = tried.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
          const chunk = sizes[tried.indexOf(first)];
          const rest =
            repeats > 1
              ? await bestOf(repeats - 1, chunkscope({ design: `chunkscope ${strategy}`, strategy, workers, chunk }))
              : undefined;
          add({ ...(rest && rest.wallMs < first.wallMs ? rest : first), chunk: `${chunk.label} (best)` });
        }
      }
      for (const workers of [1, 2]) {
        add(
          await bestOf(
            repeats,
            chunkscope({ design: 'chunkscope columnar (byte-range)', processor: PROC.columns, workers }),
          ),
        );
      }
      // The seed's function as Number(row.x1) … Number(row.x8) on typed rows: numbers parsed from the
      // bytes while the chunk is parsed (parse/typed-scan.ts). Held against the columnar row above.
      add(
        await bestOf(
          repeats,
          chunkscope({
            design: "chunkscope types:'infer' (object rows, byte-range)",
            processor: PROC.infer,
            workers: 2,
          }),
        ),
      );
      for (const workers of [1, 2]) {
        add(
          await bestOf(
            repeats,
            chunkscope({
              design: 'chunkscope columnar total (no --out)',
              processor: PROC.columnsTotal,
              workers,
              total: true,
            }),
          ),
        );
      }
    }

    // (5) The article's designs, in Python.
    if (pythonVersion) {
      const designs = [
        ['single', 'python: one process, csv.reader', 1],
        ['pool', 'python: Pool.map over rows', 2],
        ['queue', 'python: Queue of 1,000-row chunks', 2],
      ];
      for (const [name, design, workers] of designs) {
        add(
          await bestOf(repeats, async (verify) => {
            const c = await runChild(
              design,
              'python3',
              ['bench/python/seed_designs.py', name, data.file, '--processes', '2', '--chunksize', '1000'],
              data.rows,
            );
            if (!c || (verify && !check(design, c.report, expected.get(data.file)))) return undefined;
            return {
              design,
              workers,
              chunk: name === 'queue' ? '1k rows' : name === 'pool' ? 'map default' : '—',
              rows: c.report.rows,
              bytes: data.bytes,
              wallMs: c.report.wallMs,
              peakRssBytes: c.peakRssBytes,
              isPython: true,
            };
          }),
        );
      }
    } else {
      console.log("  python3 not found: the article's designs are skipped");
    }

    // (6) DuckDB.
    for (const threads of [1, 2]) {
      add(
        await bestOf(repeats, async (verify) => {
          const c = await runChild(
            `duckdb ${threads} threads`,
            process.execPath,
            ['bench/duckdb.mjs', data.file, '--threads', String(threads)],
            data.rows,
          );
          if (!c || (verify && !check(`duckdb ${threads} threads`, c.report, expected.get(data.file))))
            return undefined;
          return {
            design: 'duckdb read_csv + sum',
            workers: threads,
            chunk: '—',
            rows: c.report.rows,
            bytes: data.bytes,
            wallMs: c.report.wallMs,
            peakRssBytes: c.peakRssBytes,
          };
        }),
      );
    }
    // (7) What no design avoids: the user's function and JSON output, per row, on one thread.
    const floorChild = await runChild('per-row floor', process.execPath, ['bench/floor.mjs', data.file], data.rows);
    if (floorChild) floor = floorChild.report;
    // (8) What a second thread gives that same per-row work on this machine, with no engine at all.
    const scalingChild = await runChild(
      'thread scaling',
      process.execPath,
      ['bench/thread-scaling.mjs', data.file, '--rows', String(Math.min(400_000, data.rows))],
      data.rows,
    );
    if (scalingChild) threadScaling = scalingChild.report;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  // Ratios use rows/s, so the per-row prefix rows compare fairly with full-file rows.
  const pyBest = table
    .filter((r) => r.isPython)
    .reduce((a, b) => (!a || b.rowsPerSecond > a.rowsPerSecond ? b : a), undefined);
  const find = (prefixOfDesign, workers) =>
    table.find((r) => r.design.startsWith(prefixOfDesign) && r.workers === workers);
  const cs1 = find('chunkscope default', 1);
  for (const r of table) {
    r.vsPythonBest = pyBest && r.rowsPerSecond / pyBest.rowsPerSecond;
    r.vsChunkscope1 = cs1 && r.rowsPerSecond / cs1.rowsPerSecond;
  }
  console.log('\n' + formatTable(table));
  console.log(
    '\nwall s: the run itself (pool start-up included, process start-up excluded); per-row ran on a prefix, so compare its rows/s, not its time.',
  );
  console.log('peak RSS: the whole process (Chunkscope: all worker threads); Python: parent + its largest child.');

  // The bars the project set itself.
  const cs2 = find('chunkscope default', 2);
  const col2 = find('chunkscope columnar total', 2);
  const duck2 = find('duckdb', 2);
  const infer2 = find("chunkscope types:'infer'", 2);
  const columnar2 = find('chunkscope columnar (byte-range)', 2);
  const bars = [
    bar(
      'default (object rows, byte-range, 2 workers, --out) ≥ 7× the best Python design',
      cs2 && pyBest,
      () => cs2.vsPythonBest,
      (v) => v >= 7,
      (v) => `${v.toFixed(2)}× (best Python: ${pyBest.design})`,
    ),
    bar(
      'default with 2 workers ≥ 1.7× its own 1-worker run',
      cs2 && cs1,
      () => cs2.vsChunkscope1,
      (v) => v >= 1.7,
      (v) =>
        `${v.toFixed(2)}×` +
        (threadScaling
          ? ` (the same per-row work with no engine, 1 → 2 threads: ${threadScaling.scaling.toFixed(2)}× on this machine)`
          : ''),
    ),
    bar(
      "default's 2-worker scaling ≥ 0.9 of the same per-row work's with no engine (bench/scaling.mjs pairs them round by round)",
      cs2 && cs1 && threadScaling,
      () => cs2.vsChunkscope1 / threadScaling.scaling,
      (v) => v >= 0.9,
      (v) => `${v.toFixed(2)} (${cs2.vsChunkscope1.toFixed(2)}× against ${threadScaling.scaling.toFixed(2)}×)`,
    ),
    bar(
      'overhead share of the default 2-worker run ≤ 10 %',
      cs2,
      () => cs2.overheadShare,
      (v) => v <= 0.1,
      (v) =>
        `${(v * 100).toFixed(1)} %` +
        (cs2.encodeShare !== undefined
          ? ` (writing the results as JSON ${(cs2.encodeShare * 100).toFixed(1)} %, idle ${(cs2.idleShare * 100).toFixed(1)} %, the rest ${(Math.max(0, v - cs2.encodeShare - cs2.idleShare) * 100).toFixed(1)} %)`
          : ''),
    ),
    bar(
      'columnar total, 2 workers, wall ≤ DuckDB 2 threads wall (same work: one sum)',
      col2 && duck2,
      () => col2.wallMs / duck2.wallMs,
      (v) => v <= 1,
      (v) => `${(col2.wallMs / 1000).toFixed(3)} s vs ${(duck2.wallMs / 1000).toFixed(3)} s`,
    ),
    bar(
      "types:'infer' object rows, 2 workers, wall ≤ 1.25 × the columnar path's (both write every result)",
      infer2 && columnar2,
      () => infer2.wallMs / columnar2.wallMs,
      (v) => v <= 1.25,
      (v) =>
        `${v.toFixed(2)}×` +
        (pyBest ? `; ${infer2.vsPythonBest.toFixed(2)}× the best Python design (aim 7×)` : '') +
        ` (side by side, interleaved: node bench/infer.mjs)`,
    ),
  ];
  console.log('\n' + bars.map((b) => `${b.status.padEnd(4)}  ${b.name}: ${b.detail}`).join('\n'));
  if (floor && pyBest) {
    // The bound any design meets: (user's function + JSON output) per row × rows / 2 workers.
    floor.boundMs2Workers = ((floor.userUsPerRow + floor.encodeUsPerRow + floor.buildUsPerRow) * data.rows) / 2 / 1000;
    floor.sevenTimesPythonMs = pyBest.wallMs / 7;
    console.log(
      `\nfloor: the row function alone ${floor.userUsPerRow.toFixed(3)} µs/row + JSON output ${floor.encodeUsPerRow.toFixed(3)} µs/row + making row objects from cut fields ${floor.buildUsPerRow.toFixed(3)} µs/row (one thread)` +
        ` → no design runs the default job in under ${(floor.boundMs2Workers / 1000).toFixed(3)} s with 2 workers; 7× the best Python is ${(floor.sevenTimesPythonMs / 1000).toFixed(3)} s.`,
    );
  }

  machine.loadAverageAtEnd = os.loadavg()[0];
  const results = {
    date: new Date().toISOString(),
    machine,
    repeats,
    input: { path: rel(data.file), rows: data.rows, bytes: data.bytes, seed: SEED, prefixRows: prefix.rows },
    table: table.map(({ isPython, ...r }) => r),
    sweeps,
    bars,
    floor,
    threadScaling,
    problems,
  };
  const resultsDir = path.join(root, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const suffix = rows === DEFAULT_ROWS ? '' : `-${rows}rows`; // smoke runs never overwrite a full run
  const resultsFile = path.join(resultsDir, `${results.date.slice(0, 10)}-${os.hostname()}${suffix}.json`);
  // Three decimals are plenty for ms and ratios, and keep the committed file small.
  const round = (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v);
  writeFileSync(resultsFile, JSON.stringify(results, round, 1) + '\n');
  console.log(`\nresults: ${rel(resultsFile)}`);

  if (problems.length) {
    console.error(`\nFAILED: ${problems.length} problem(s):\n` + problems.map((p) => '  - ' + p).join('\n'));
    process.exitCode = 1;
  }
}

function bar(name, available, value, passes, describe) {
  if (!available) return { name, status: 'SKIP', detail: 'not measured' };
  const v = value();
  if (v === undefined || Number.isNaN(v)) return { name, status: 'SKIP', detail: 'no figure' };
  return { name, status: passes(v) ? 'PASS' : 'MISS', detail: describe(v), value: v };
}

function fmtRows(n) {
  return n >= 1000 ? `${n / 1000}k` : String(n);
}

run(parseArgs(process.argv.slice(2))).catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
