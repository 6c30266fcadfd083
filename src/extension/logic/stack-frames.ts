// Finds where in the user's processor an error was thrown, from a V8 stack trace. The engine
// source-maps TypeScript processors, so frames already name the .ts file and its lines.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StackFrame {
  /** Absolute path (file:// URLs converted), as written in the frame. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  functionName?: string;
}

// "    at fn (/a/b.ts:12:5)", "    at /a/b.js:3:9", "    at async fn (file:///a/b.mjs:1:2)", "C:\\a\\b.ts:1:2".
const FRAME = /^\s*at\s+(?:(.+?)\s+\()?(.+?):(\d+):(\d+)\)?\s*$/;

export function parseStackFrames(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const text of stack.split(/\r?\n/)) {
    const m = FRAME.exec(text);
    if (!m) continue;
    let file = m[2];
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    const functionName = m[1]?.replace(/^async\s+/, '');
    frames.push({ file, line: Number(m[3]), column: Number(m[4]), ...(functionName ? { functionName } : {}) });
  }
  return frames;
}

/** Normalises for comparison: forward slashes, no `.` segments, case-folded on Windows-style paths. */
function normalise(p: string): string {
  const windowsLike = /^[a-zA-Z]:[\\/]/.test(p) || p.includes('\\');
  return windowsLike ? path.win32.normalize(p).replace(/\\/g, '/').toLowerCase() : path.posix.normalize(p);
}

function samePath(a: string, b: string): boolean {
  return normalise(a) === normalise(b);
}

/** Both paths end in the same "<folder>/<file>" (a source map resolved against the wrong base keeps that tail). */
function sameTail(a: string, b: string): boolean {
  const tail = normalise(b).split('/').slice(-2).join('/');
  return normalise(a).endsWith(`/${tail}`);
}

/**
 * A relative frame path (e.g. "../src/p.ts" from a source map whose sources are relative) names the
 * processor when, without its leading "../" and "./", it ends the processor's path at a segment boundary.
 */
function relativeMatch(framePath: string, processorPath: string): boolean {
  if (path.isAbsolute(framePath) || path.win32.isAbsolute(framePath)) return false;
  const tail = normalise(framePath).replace(/^(\.\.?\/)+/, '');
  const full = normalise(processorPath);
  return tail !== '' && (full === tail || full.endsWith(`/${tail}`));
}

/** The first (innermost) frame inside the processor file, or undefined when none is. */
export function findProcessorFrame(stack: string | undefined, processorPath: string): StackFrame | undefined {
  if (!stack) return undefined;
  const frames = parseStackFrames(stack);
  return (
    frames.find((f) => samePath(f.file, processorPath)) ??
    frames.find((f) => relativeMatch(f.file, processorPath)) ??
    // Last resort: a source map whose relative `sources` were resolved against the wrong folder still
    // names the processor's folder, file and the right line; accept that tail outside node_modules.
    frames.find((f) => sameTail(f.file, processorPath) && !/[\\/]node_modules[\\/]/.test(f.file))
  );
}

/** "file:line:col: message" lines, as in the engine's compile/syntax errors; first one in the processor. */
export function findProcessorPositionInMessage(message: string, processorPath: string): StackFrame | undefined {
  for (const text of message.split(/\r?\n/)) {
    const m = /^\s*(.+?):(\d+):(\d+)(?::|\s*$)/.exec(text);
    if (m && samePath(m[1], processorPath)) return { file: m[1], line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}
