// Checking that a parsed `.cpuprofile` has the shape the flame views read. Pure, types only: the
// report's Node side checks each file before inlining it, and the webview checks again before
// building its model, with the same messages.
import type { CpuProfile } from '../model/profile';

/** Checks the shape of a `.cpuprofile` and says what is wrong and where. */
export function checkProfile(p: unknown, where: string): asserts p is CpuProfile {
  const fail = (what: string) => {
    throw new Error(`${where} is not a V8 CPU profile: ${what}`);
  };
  if (!p || typeof p !== 'object') fail('not an object');
  const q = p as Partial<CpuProfile>;
  if (!Array.isArray(q.nodes)) fail('"nodes" is missing');
  if (!Array.isArray(q.samples)) fail('"samples" is missing');
  if (!Array.isArray(q.timeDeltas)) fail('"timeDeltas" is missing');
  if (typeof q.startTime !== 'number') fail('"startTime" is missing');
  if (q.samples!.length !== q.timeDeltas!.length)
    fail(`${q.samples!.length} samples but ${q.timeDeltas!.length} timeDeltas`);
  for (let i = 0; i < q.nodes!.length; i++) {
    const n = q.nodes![i];
    if (!n || typeof n.id !== 'number' || !n.callFrame || typeof n.callFrame.functionName !== 'string')
      fail(`node ${i} has no id or callFrame`);
  }
}
