// Maps a CPU profile of a compiled (TypeScript) processor back to its .ts sources. V8 reports the
// compiled file's positions under the .ts path (the processor is evaluated as if it were that
// file), so without this every line is off. The source map is the inline one esbuild wrote when
// the processor was compiled (processor-compile.ts); its VLQ mappings are decoded here (a few
// dozen lines, no dependency). No Node imports: the webview can bundle this too.
import type { CpuProfile, CpuProfileNode } from '../model/profile';
import { urlMatchesFile } from './frames';

export interface SourceMapV3 {
  version: number;
  sources: string[];
  mappings: string;
  sourceRoot?: string;
  names?: string[];
}

/** One decoded mapping segment: a generated column (0-based) and where it came from. */
interface Segment {
  column: number;
  source: number;
  line: number;
  sourceColumn: number;
}

export interface OriginalPosition {
  /** Absolute path of the original source. */
  source: string;
  /** 0-based, like V8's call frames. */
  line: number;
  column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = new Map([...BASE64].map((c, i) => [c, i]));

/** Decodes one `mappings` string into segments per generated line (lines 0-based, segments sorted by column). */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  // Every field but the generated column is relative to the previous segment anywhere in the file.
  let source = 0;
  let sourceLine = 0;
  let sourceColumn = 0;
  let column = 0;
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  const endSegment = () => {
    if (fields.length === 0) return;
    column += fields[0];
    if (fields.length >= 4) {
      source += fields[1];
      sourceLine += fields[2];
      sourceColumn += fields[3];
      line.push({ column, source, line: sourceLine, sourceColumn });
    }
    fields.length = 0;
  };
  for (let i = 0; i < mappings.length; i++) {
    const c = mappings[i];
    if (c === ',' || c === ';') {
      endSegment();
      if (c === ';') {
        line.sort((a, b) => a.column - b.column);
        lines.push(line);
        line = [];
        column = 0;
      }
      continue;
    }
    const digit = BASE64_VALUE.get(c);
    if (digit === undefined)
      throw new Error(`Invalid source map: character ${JSON.stringify(c)} at offset ${i} of mappings`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  endSegment();
  line.sort((a, b) => a.column - b.column);
  lines.push(line);
  return lines;
}

/** The source map inlined as a base64 data URL at the end of `code`, if any. */
export function inlineSourceMap(code: string): SourceMapV3 | undefined {
  const match =
    /\/\/[#@] sourceMappingURL=data:application\/json(?:;charset=[^;,]+)?;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
  if (!match) return undefined;
  const json = new TextDecoder().decode(Uint8Array.from(atob(match[1]), (c) => c.charCodeAt(0)));
  const map = JSON.parse(json) as SourceMapV3;
  if (typeof map.mappings !== 'string' || !Array.isArray(map.sources))
    throw new Error('Invalid inline source map: no mappings or sources');
  return map;
}

/** Resolves a source map's relative source path against the generated file's folder (either separator). */
export function resolveSourcePath(generatedFile: string, sourceRoot: string | undefined, source: string): string {
  const isAbsolute = (p: string) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
  const joined = sourceRoot ? `${sourceRoot.replace(/[\\/]$/, '')}/${source}` : source;
  if (isAbsolute(joined)) return joined;
  const windows = /^[A-Za-z]:\\/.test(generatedFile);
  const sep = windows ? '\\' : '/';
  const parts = generatedFile.split(/[\\/]/);
  parts.pop();
  for (const part of joined.split(/[\\/]/)) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join(sep);
}

export class SourceMapper {
  private readonly lines: Segment[][];
  private readonly sources: string[];

  constructor(map: SourceMapV3, generatedFile: string) {
    this.lines = decodeMappings(map.mappings);
    this.sources = map.sources.map((s) => resolveSourcePath(generatedFile, map.sourceRoot, s));
  }

  /** The original position of a generated 0-based line and column: the last segment at or before the column, else the line's first. */
  original(line: number, column: number): OriginalPosition | undefined {
    const segments = this.lines[line];
    if (!segments || segments.length === 0) return undefined;
    let found = segments[0];
    for (const segment of segments) {
      if (segment.column > column) break;
      found = segment;
    }
    return { source: this.sources[found.source], line: found.line, column: found.sourceColumn };
  }
}

function fileUrl(path: string): string {
  const posix = path.replace(/\\/g, '/');
  return 'file://' + (posix.startsWith('/') ? '' : '/') + encodeURI(posix);
}

/**
 * A copy of `profile` whose call frames and positionTicks that point into the compiled processor
 * (`generatedFile`, the path V8 saw) are rewritten to the original sources' url, line and column.
 * Times and the tree are untouched, so the file stays a standard .cpuprofile that DevTools,
 * speedscope and VS Code load, now showing .ts lines. Line ticks mapping to another source file
 * than their function's start are dropped from positionTicks (they cannot be expressed there).
 */
export function mapProfileToSources(
  profile: CpuProfile,
  generatedFile: string,
  map: SourceMapV3,
): { profile: CpuProfile; mappedSources: string[] } {
  const mapper = new SourceMapper(map, generatedFile);
  const used = new Set<string>();
  const nodes = profile.nodes.map((node): CpuProfileNode => {
    const frame = node.callFrame;
    if (!urlMatchesFile(frame.url, generatedFile)) return node;
    const start = mapper.original(frame.lineNumber, frame.columnNumber);
    if (!start) return node;
    used.add(start.source);
    const mapped: CpuProfileNode = {
      ...node,
      callFrame: {
        ...frame,
        url: frame.url.startsWith('file://') ? fileUrl(start.source) : start.source,
        lineNumber: start.line,
        columnNumber: start.column,
      },
    };
    if (node.positionTicks) {
      const ticksByLine = new Map<number, number>();
      for (const { line, ticks } of node.positionTicks) {
        const original = mapper.original(line - 1, 0);
        if (!original || original.source !== start.source) continue;
        ticksByLine.set(original.line + 1, (ticksByLine.get(original.line + 1) ?? 0) + ticks);
      }
      mapped.positionTicks = [...ticksByLine].sort((a, b) => a[0] - b[0]).map(([line, ticks]) => ({ line, ticks }));
    }
    return mapped;
  });
  return { profile: { ...profile, nodes }, mappedSources: [...used] };
}
