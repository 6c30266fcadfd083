// Worker-side loading of a processor module and the check of its exports.
import Module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompiledProcessor, ProcessorContext, ProcessorOptions } from '../model';

export interface Processor {
  processRow?: (row: unknown, ctx: ProcessorContext) => unknown;
  processChunk?: (rows: unknown, ctx: ProcessorContext) => unknown;
  setup?: (ctx: ProcessorContext) => unknown;
  teardown?: (ctx: ProcessorContext) => unknown;
  combine?: (a: unknown, b: unknown) => unknown;
  initial?: unknown;
  hasInitial: boolean;
  options: ProcessorOptions;
}

// A real dynamic import(), kept out of reach of the CommonJS transform that would turn it into require().
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<Record<string, unknown>>;

function compileCommonJs(code: string, filename: string): Record<string, unknown> {
  const mod = new Module(filename, module);
  mod.filename = filename;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.dirname(filename),
  );
  (mod as unknown as { _compile(code: string, filename: string): void })._compile(code, filename);
  return mod.exports as Record<string, unknown>;
}

async function loadModule(compiled: CompiledProcessor): Promise<Record<string, unknown>> {
  if (compiled.code !== undefined) return compileCommonJs(compiled.code, compiled.path);
  if (compiled.path.endsWith('.mjs')) return importModule(pathToFileURL(compiled.path).href);
  try {
    return require(compiled.path) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE')
      return importModule(pathToFileURL(compiled.path).href);
    throw error;
  }
}

function isFunction(value: unknown): value is (...args: unknown[]) => unknown {
  return typeof value === 'function';
}

export async function loadProcessor(compiled: CompiledProcessor): Promise<Processor> {
  let exports = await loadModule(compiled);
  // ESM default exports and TypeScript's interop wrap the contract one level down.
  const hasContract = (e: Record<string, unknown>) => isFunction(e.processRow) || isFunction(e.processChunk);
  if (!hasContract(exports) && exports.default && typeof exports.default === 'object') {
    exports = exports.default as Record<string, unknown>;
  }
  if (!hasContract(exports)) {
    const found = Object.keys(exports).filter((k) => k !== '__esModule');
    throw new Error(
      `Processor ${compiled.path} exports neither processRow(row, ctx) nor processChunk(rows, ctx)` +
        (found.length ? ` (it exports: ${found.join(', ')})` : ' (it exports nothing)'),
    );
  }
  for (const name of ['setup', 'teardown', 'combine'] as const) {
    if (exports[name] !== undefined && !isFunction(exports[name]))
      throw new Error(`Processor ${compiled.path}: ${name} must be a function`);
  }
  return {
    processRow: isFunction(exports.processRow) ? (exports.processRow as Processor['processRow']) : undefined,
    processChunk: isFunction(exports.processChunk) ? (exports.processChunk as Processor['processChunk']) : undefined,
    setup: exports.setup as Processor['setup'],
    teardown: exports.teardown as Processor['teardown'],
    combine: exports.combine as Processor['combine'],
    initial: exports.initial,
    hasInitial: 'initial' in exports && exports.initial !== undefined,
    options: (exports.options as ProcessorOptions | undefined) ?? {},
  };
}
