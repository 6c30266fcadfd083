// What a profile's call frame is: which file it names (one matcher for file:// URLs and paths, on
// every platform), what kind of code it is (the flame views' colours and the function tables), and
// whether it is code at all. Pure (browser-safe): the webview, the editor's hovers and the CLI's
// summaries all classify frames with these functions.

export type Category = 'user' | 'parser' | 'engine' | 'node' | 'gc' | 'idle' | 'other';
export const CATEGORIES: { key: Category; label: string }[] = [
  { key: 'user', label: 'your code' },
  { key: 'parser', label: 'parser' },
  { key: 'engine', label: 'pool / Chunkscope' },
  { key: 'node', label: 'Node internals' },
  { key: 'gc', label: 'GC' },
  { key: 'idle', label: 'idle' },
  { key: 'other', label: 'other' },
];

/** V8's pseudo-frames that stand for no function: left out of function rankings and tables. */
const NOT_CODE = new Set(['(root)', '(idle)', '(program)']);

/** False for V8's (root), (idle) and (program) frames, which are no function of anyone's. */
export function isCodeFrame(functionName: string): boolean {
  return !NOT_CODE.has(functionName);
}

/** Chunkscope's parsing code: its own files (out/, sources), or (in the bundled dist/chunk-worker.js) these functions. */
const PARSER_FILES =
  /(^|[\\/])(chunk-parse|csv-scan|typed-scan|columnar-scan|row-shape|record-boundaries)\.[cm]?[jt]s$/;
const PARSER_FUNCTIONS = new Set([
  'parseChunk',
  'parseText',
  'parseColumns',
  'parseSource',
  'parseByteRange',
  'emptyChunk',
  'rowBuilder',
  'countLineFeeds',
  'shareNumericColumns',
  'scanCsv',
  'scanCsvTyped',
  'typedScanSupports',
  'mayBeNumber',
  'untypedFields',
  'typedRowBuilder',
  'makeTypedRowBuilder',
  'countLines',
  'byteOffsetOf',
  'parseDecimal',
  'slowParse',
  'scanResult',
  'scanColumns',
  'decodeField',
  'parseTextNumber',
  'grow',
  'inferValue',
  'isNumericText',
  'objectRowConstructor',
  'makeRowBuilder',
  'syntheticHeader',
]);
/** piscina, the bundles in dist/, and the engine's compiled stage folders in out/src/engine/. */
const ENGINE_FILES = /([\\/]piscina[\\/])|([\\/]dist[\\/][^\\/]+\.js$)|([\\/]out[\\/]src[\\/]engine[\\/].+\.js$)/;

/** file:///a/b%20c.js → /a/b c.js, file:///C:/x.js → C:/x.js; other URLs and plain paths unchanged. */
export function urlToPath(url: string): string {
  if (!url.startsWith('file://')) return url;
  let p = url.slice('file://'.length);
  try {
    p = decodeURIComponent(p);
  } catch {
    // A malformed escape: keep the raw text.
  }
  return /^\/[A-Za-z]:[\\/]/.test(p) ? p.slice(1) : p;
}

/** One path form to compare: forward slashes and a lower-case drive letter (C:\x and c:/x are one file). */
function comparable(p: string): string {
  return p.replace(/\\/g, '/').replace(/^([A-Za-z]):/, (_, drive: string) => `${drive.toLowerCase()}:`);
}

/** True when a call frame's url (a file:// URL, or a plain path as V8 sometimes gives) names `file`. */
export function urlMatchesFile(url: string, file: string): boolean {
  if (url === '' || file === '') return false;
  return comparable(urlToPath(url)) === comparable(file);
}

/** The colour category of a frame: your processor, the parser, the pool, Node internals, GC or idle. */
export function categorize(name: string, url: string, processorFile: string): Category {
  if (name === '(garbage collector)') return 'gc';
  if (name === '(idle)' || name === '(program)') return 'idle';
  const file = urlToPath(url);
  // piscina's worker blocks in Atomics.wait here between tasks: waiting for work, not working.
  if (name === 'atomicsWaitLoop' && /[\\/]piscina[\\/]/.test(file)) return 'idle';
  if (processorFile && urlMatchesFile(url, processorFile)) return 'user';
  if (PARSER_FILES.test(file)) return 'parser';
  if (/[\\/]chunk-worker\.js$/.test(file) && PARSER_FUNCTIONS.has(name)) return 'parser';
  if (ENGINE_FILES.test(file)) return 'engine';
  if (url === '' || url.startsWith('node:')) return 'node';
  return 'other';
}

/** A call frame's location for people: path:line, with file:// URLs turned back into paths. */
export function formatLocation(timing: { url: string; line: number }): string {
  if (!timing.url) return '(native)';
  return `${urlToPath(timing.url)}:${timing.line}`;
}
