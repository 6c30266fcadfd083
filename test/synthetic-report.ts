// A synthetic run of any size for the report's rendering checks (test/report.test.ts) and its render
// bench (bench/report-render.mjs): `workers` lanes of back-to-back chunks of 0.3–1.3 ms with small
// gaps, from a fixed-seed generator, on top of a real run's report (its summary fields and header).
import type { ChunkRecord, RunReport } from '../src/engine/model';

export function syntheticReport(template: RunReport, chunkCount: number, workers = 8): RunReport {
  const chunks: ChunkRecord[] = [];
  const clock = new Array<number>(workers).fill(5);
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < chunkCount; i++) {
    const w = i % workers;
    const dur = 0.3 + rnd();
    const startedAt = clock[w] + rnd() * 0.05;
    const finishedAt = startedAt + dur;
    clock[w] = finishedAt;
    chunks.push({
      index: i,
      workerId: w + 1,
      rows: 100,
      firstRow: i * 100 + 1,
      firstLine: i * 100 + 2,
      bytes: 4000,
      byteStart: i * 4000,
      byteEnd: (i + 1) * 4000,
      submittedAt: startedAt - 0.2,
      startedAt,
      finishedAt,
      receivedAt: finishedAt + 0.05,
      readMs: dur * 0.1,
      parseMs: dur * 0.3,
      computeMs: dur * 0.5,
      encodeMs: dur * 0.05,
      queueWaitMs: 0.2,
      returnMs: 0.05,
      repaired: false,
      skipped: 0,
      resultBytes: 100,
    });
  }
  const end = Math.max(...clock) + 1;
  return {
    ...template,
    summary: {
      ...template.summary,
      workers,
      chunks: chunkCount,
      rows: chunkCount * 100,
      processingMs: end - 5,
      wallMs: end,
      workerSummaries: Array.from({ length: workers }, (_, w) => ({
        workerId: w + 1,
        chunks: chunkCount / workers,
        rows: (chunkCount * 100) / workers,
        busyMs: end * 0.9,
        busyShare: 0.9,
      })),
    },
    chunks,
    mainPhases: [{ name: 'startup', start: 0, end: 5 }],
  };
}
