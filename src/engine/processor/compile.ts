// Main-thread preparation of a processor: TypeScript is compiled once with esbuild (source maps
// inline, so stacks point at .ts lines), and JavaScript is parsed, so a syntax error is reported
// clearly before any worker starts or any row runs. No user code executes here.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { ChunkscopeError } from '../base/errors';
import type { CompiledProcessor } from '../model/processor';

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

function esbuildMessage(error: unknown, file: string): string {
  const errors = (
    error as { errors?: { text: string; location?: { line: number; column: number; lineText: string } }[] }
  ).errors;
  if (!errors || errors.length === 0) return (error as Error).message;
  return errors
    .slice(0, 3)
    .map((e) =>
      e.location
        ? `${file}:${e.location.line}:${e.location.column + 1}: ${e.text}\n    ${e.location.lineText}`
        : `${file}: ${e.text}`,
    )
    .join('\n');
}

export function compileProcessor(file: string): CompiledProcessor {
  if (!existsSync(file)) throw new ChunkscopeError('input', `Cannot read processor ${file}: no such file`);
  const ext = path.extname(file).toLowerCase();
  if (TS_EXTENSIONS.has(ext)) {
    try {
      const result = esbuild().buildSync({
        entryPoints: [file],
        bundle: true,
        // Packages stay external and resolve from the processor's folder at run time.
        packages: 'external',
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        sourcemap: 'inline',
        // Source-map paths are made relative to the output file; placing it (virtually, nothing is
        // written) beside the processor makes Node resolve them back to the real .ts path.
        absWorkingDir: path.dirname(file),
        outfile: path.join(path.dirname(file), `${path.basename(file)}.chunkscope.js`),
        sourcesContent: false,
        write: false,
        logLevel: 'silent',
      });
      return { path: file, code: result.outputFiles[0].text };
    } catch (error) {
      throw new ChunkscopeError('processor', `Processor ${file} does not compile:\n${esbuildMessage(error, file)}`);
    }
  }
  if (!['.js', '.mjs', '.cjs'].includes(ext)) {
    throw new ChunkscopeError('usage', `Processor ${file} must be a .js, .mjs, .cjs or .ts file`);
  }
  const source = readFileSync(file, 'utf8');
  // V8 compiles a CommonJS body in well under a millisecond; esbuild's service takes tens of
  // milliseconds to start, so it checks only ES modules and writes the message for a real error.
  if (ext !== '.mjs' && compilesAsCommonJs(source, file)) return { path: file };
  try {
    esbuild().transformSync(source, { loader: 'js', format: undefined, logLevel: 'silent', sourcefile: file });
  } catch (error) {
    throw new ChunkscopeError('processor', `Processor ${file} has a syntax error:\n${esbuildMessage(error, file)}`);
  }
  return { path: file };
}

/** Loaded on first use: most runs are JavaScript processors that never need it. */
function esbuild(): typeof import('esbuild') {
  return require('esbuild') as typeof import('esbuild');
}

function compilesAsCommonJs(source: string, file: string): boolean {
  try {
    // Compiled, never run: the same wrapper parameters Node gives a CommonJS module.
    vm.compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
    return true;
  } catch {
    // import/export syntax or a real syntax error: esbuild tells them apart.
    return false;
  }
}
