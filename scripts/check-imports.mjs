#!/usr/bin/env node
// Checks which file may import which: the engine's layers, the faces (CLI, extension, bench) that
// reach the engine only through its public API, the browser-only webview, and no import cycles.
// Every import, export-from, require() and import() of every .ts under src/ and webview/ and every
// .mjs under bench/ is read (type-only imports too). Output: one line per violation,
// `file:line imports X: rule`, and exit code 1 when there is any.
//
// Violations that exist today and are to be fixed are listed in KNOWN_DEBT below, each with its
// reason. The list is strict: an entry that no longer occurs fails the check as a stale exception,
// so remove the entry in the same commit that fixes the import.
//
//   node scripts/check-imports.mjs                  the repository
//   node scripts/check-imports.mjs --list-debt      also print the known debt that still occurs
//   node scripts/check-imports.mjs --root DIR --debt FILE.json
//                                                   another tree, with the known debt from a JSON
//                                                   file { "imports": [...], "cycles": [...] } (tests)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ─── Rules ──────────────────────────────────────────────────────────────────────────────────────
// A target is a folder ('src/engine/model': anything under it) or a file ('…/cost-model.ts').

const ENGINE = 'src/engine';

// The files of profile/ that are plain computation (no Node), for report/ and the webview.
const PURE_PROFILE = [
  'profile/slice.ts',
  'profile/summary.ts',
  'profile/sourcemap.ts',
  'profile/call-tree.ts',
  'profile/frames.ts',
  'profile/check-profile.ts',
];

// Engine layers: each folder of src/engine may import itself, src/engine/options.ts and the
// folders or files listed here (relative to src/engine). Nothing in the engine imports index.ts.
const ENGINE_LAYERS = {
  model: [],
  base: ['model'],
  parse: ['model', 'base'],
  processor: ['model', 'base'],
  read: ['model', 'base', 'parse', 'processor'],
  profile: ['model', 'base', 'parse', 'processor'],
  split: ['model', 'base', 'parse', 'processor', 'read', 'profile'],
  worker: ['model', 'base', 'parse', 'processor', 'read', 'profile'],
  run: ['model', 'base', 'parse', 'processor', 'read', 'profile', 'split'],
  tune: ['model', 'base', 'parse', 'processor', 'read', 'profile', 'split', 'run'],
  report: ['model', 'base', ...PURE_PROFILE, 'tune/cost-model.ts'],
};

// Files at the root of src/engine. Every engine folder may import options.ts.
const ENGINE_ROOT_FILES = {
  'options.ts': ['model', 'base'],
  'index.ts': ['.'], // the public API: anything in the engine
  // the API for faces that never run user code (the language server): no run/, worker/ or tune/
  // plus the file readers it needs: run records, timings files and profiles (report/, profile/) and
  // the tuning file
  'inspect.ts': ['model', 'base', 'parse', 'read', 'processor', 'profile', 'report', 'tune/tuning-file.ts'],
};

// Engine files the webview may import (the browser bundle). The REQUIRED ones must stay
// browser-safe: they may not import a Node built-in or a Node-only package, nor an engine file that
// is not browser-safe. The IF_PURE ones are browser-safe while they (transitively) import neither.
const BROWSER_SAFE_REQUIRED = {
  include: ['model', 'base', ...PURE_PROFILE, 'tune/cost-model.ts'],
  exclude: ['base/atomic-file.ts', 'base/read-text-file.ts'],
};
const BROWSER_SAFE_IF_PURE = ['report'];
const NODE_ONLY_PACKAGES = ['vscode', 'piscina', 'esbuild', 'bullmq', 'ioredis'];
// The cluster's packages: imported in src/cluster only, which faces load lazily (see LAZY below).
const CLUSTER_PACKAGES = ['bullmq', 'ioredis'];

// The public engine API, and the only webview file that Node code may import (types only).
const ENGINE_API = 'src/engine/index.ts';
const ENGINE_INSPECT = 'src/engine/inspect.ts';
const WEBVIEW_PROTOCOL = 'webview/protocol.ts';

// Everything outside the engine: the folders each zone may import (its own folder always), the
// targets it may import with `import type` only, and the packages it must not import.
// `lazy`: targets a zone may reach only through import() (or `import type`), so a local run never
// loads them: the cluster face pulls in bullmq and ioredis.
const ZONES = {
  'src/cli': {
    may: [ENGINE_API, 'src/report-html'],
    lazy: ['src/cluster'],
    typeOnly: [WEBVIEW_PROTOCOL],
    forbid: ['vscode', ...CLUSTER_PACKAGES],
  },
  // The client shares the server's message names and types (src/server/protocol.ts: no imports), never its code.
  'src/extension': {
    may: [ENGINE_API, 'src/report-html', 'src/server/protocol.ts'],
    lazy: ['src/cluster'],
    typeOnly: [WEBVIEW_PROTOCOL],
    forbid: CLUSTER_PACKAGES,
  },
  'src/report-html': { may: [ENGINE_API], typeOnly: [WEBVIEW_PROTOCOL], forbid: ['vscode', ...CLUSTER_PACKAGES] },
  // The cluster face (BullMQ on Redis): the engine through its API; the only zone with bullmq/ioredis.
  'src/cluster': { may: [ENGINE_API], forbid: ['vscode'] },
  // The language server never runs user code nor starts workers: it reaches the engine only through
  // inspect.ts (index.ts pulls in the executor and piscina), and index.ts for types.
  'src/server': {
    may: [ENGINE_INSPECT],
    typeOnly: [ENGINE_API, WEBVIEW_PROTOCOL],
    forbid: ['vscode', 'piscina', 'esbuild', ...CLUSTER_PACKAGES],
  },
  // bench reaches the engine through the bundle (dist/engine.js) or tsc's output
  // (out/src/engine/index.js); it also uses the example generators and the tests' synthetic report.
  bench: { may: [ENGINE_API, 'src/report-html', 'examples', 'test'] },
  // webview: browser only (see the browser-safe engine files above).
  webview: { may: [], forbid: ['node-builtins', ...NODE_ONLY_PACKAGES] },
};
// The engine never reaches the cluster (src/cluster is a face on it): neither its files nor its packages.
const ENGINE_FORBID = ['vscode', ...CLUSTER_PACKAGES];

// Built files that stand for their sources (bench loads the build output).
const BUILT_FILES = {
  'dist/engine.js': 'src/engine/index.ts',
  'dist/cli.js': 'src/cli/main.ts',
  'dist/chunk-worker.js': 'src/engine/worker/chunk-worker.ts',
  'dist/extension.js': 'src/extension/extension.ts',
  'dist/server.js': 'src/server/server.ts',
};

// Files checked: [folder, extension].
const SOURCES = [
  ['src', '.ts'],
  ['webview', '.ts'],
  ['bench', '.mjs'],
];

// ─── Known debt ─────────────────────────────────────────────────────────────────────────────────
// Imports and cycles that break the rules today. `to` is a repository path or a package name;
// a cycle is its files in import order (any starting file). Remove an entry when it is fixed.
// Empty since the layout redesign: every import obeys the rules.
// One line per entry (prettier leaves the table as it is).
// prettier-ignore
const KNOWN_DEBT = {
  imports: [],
  cycles: [],
};

// ─── Scanner ────────────────────────────────────────────────────────────────────────────────────

/**
 * Blanks comments and the insides of string, template and regex literals (same length, newlines
 * kept, so offsets and line numbers stay), and returns the string literals by the offset of their
 * opening quote. The import patterns then run over code only.
 */
export function maskSource(text) {
  const out = text.split('');
  const strings = new Map();
  const n = text.length;
  const blank = (from, to) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  const templates = []; // brace depth inside each open `${`
  let prev = ''; // the last significant token: an operator character or 'x' for an operand, or a keyword
  let i = 0;
  const readTemplate = (from) => {
    // From inside a template (after ` or }), up to the closing ` or the next ${.
    let k = from;
    while (k < n && text[k] !== '`') {
      if (text[k] === '\\') k += 2;
      else if (text[k] === '$' && text[k + 1] === '{') {
        blank(from, k);
        templates.push(0);
        prev = '{';
        return k + 2;
      } else k++;
    }
    blank(from, Math.min(k, n));
    prev = 'x';
    return k + 1;
  };
  while (i < n) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === "'" || c === '"') {
      let k = i + 1;
      let value = '';
      while (k < n && text[k] !== c && text[k] !== '\n') {
        if (text[k] === '\\') {
          value += text[k + 1] ?? '';
          k += 2;
        } else value += text[k++];
      }
      strings.set(i, value);
      blank(i + 1, Math.min(k, n));
      prev = 'x';
      i = k + 1;
    } else if (c === '`') {
      i = readTemplate(i + 1);
    } else if (c === '{') {
      if (templates.length) templates[templates.length - 1]++;
      prev = c;
      i++;
    } else if (c === '}') {
      if (templates.length && templates[templates.length - 1] === 0) {
        templates.pop();
        i = readTemplate(i + 1);
      } else {
        if (templates.length) templates[templates.length - 1]--;
        prev = c;
        i++;
      }
    } else if (c === '/' && regexMayStart(prev)) {
      let k = i + 1;
      let inClass = false;
      while (k < n && text[k] !== '\n') {
        if (text[k] === '\\') k += 2;
        else if (text[k] === '[') ((inClass = true), k++);
        else if (text[k] === ']') ((inClass = false), k++);
        else if (text[k] === '/' && !inClass) break;
        else k++;
      }
      blank(i + 1, Math.min(k, n));
      i = k + 1;
      while (i < n && /[a-z]/i.test(text[i])) i++;
      prev = 'x';
    } else if (/[A-Za-z_$0-9]/.test(c)) {
      let k = i;
      while (k < n && /[A-Za-z_$0-9]/.test(text[k])) k++;
      const word = text.slice(i, k);
      prev = REGEX_KEYWORDS.has(word) ? word : 'x';
      i = k;
    } else {
      if (!/\s/.test(c)) prev = c;
      i++;
    }
  }
  return { code: out.join(''), strings };
}

const REGEX_KEYWORDS = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'await',
  'yield',
  'instanceof',
]);
function regexMayStart(prev) {
  return prev === '' || REGEX_KEYWORDS.has(prev) || '(,=:[!&|?{};+-*%<>~^'.includes(prev);
}

const IMPORT_PATTERNS = [
  // import x from '…', import { a, type B } from '…', import type X from '…', export * from '…', export { a } from '…'
  { kind: 'static', re: /(?<![\w$.])(import|export)\s+(type\s+)?([\w$\s{},*]*?)from\s*(['"])/g },
  // import '…' (side effects only)
  { kind: 'side-effect', re: /(?<![\w$.])import\s*(['"])/g },
  // import('…'): dynamic, or a type (typeof import('…'), import('…').Name)
  { kind: 'dynamic', re: /(?<![\w$.])import\s*\(\s*(['"])/g },
  // require('…'), import x = require('…')
  { kind: 'require', re: /(?<![\w$.])require\s*\(\s*(['"])/g },
  // require(path.join(root, '…')) and require(path.join(__dirname, '…'))
  {
    kind: 'require-joined',
    re: /(?<![\w$.])require\s*\(\s*path\.(?:join|resolve)\(\s*(root|ROOT|__dirname)\s*,\s*(['"])/g,
  },
];

/** The imports of one file: { line, spec, typeOnly, base } with base 'file' or 'root'. */
export function scanImports(text) {
  const { code, strings } = maskSource(text);
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === '\n') lineStarts.push(k + 1);
  const lineOf = (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const found = [];
  for (const { kind, re } of IMPORT_PATTERNS) {
    re.lastIndex = 0;
    for (let m; (m = re.exec(code));) {
      const quoteAt = m.index + m[0].length - 1;
      const spec = strings.get(quoteAt);
      if (spec === undefined) continue;
      let typeOnly = false;
      let base = 'file';
      if (kind === 'static') {
        const clause = m[3].trim();
        typeOnly =
          Boolean(m[2]) ||
          (/^\{\s*type\s[\s\S]*\}$/.test(clause) &&
            clause
              .slice(1, -1)
              .split(',')
              .every((s) => !s.trim() || /^type\s/.test(s.trim())));
      } else if (kind === 'dynamic') {
        const before = code.slice(Math.max(0, m.index - 12), m.index);
        const closeAt = code.indexOf(code[quoteAt], quoteAt + 1);
        const after = code.slice(closeAt + 1, closeAt + 40);
        typeOnly = /typeof\s*$/.test(before) || /^\s*\)\s*\.\s*(?!then\b|catch\b|finally\b)[A-Za-z_$]/.test(after);
      } else if (kind === 'require-joined') {
        if (m[1] !== '__dirname') base = 'root';
      }
      found.push({ line: lineOf(m.index), spec, typeOnly, base, dynamic: kind === 'dynamic' });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

// ─── Graph ──────────────────────────────────────────────────────────────────────────────────────

const toPosix = (p) => p.split(path.sep).join('/');

function listSources(root) {
  const files = [];
  for (const [dir, ext] of SOURCES) {
    const abs = path.join(root, dir);
    if (!existsSync(abs)) continue;
    for (const rel of readdirSync(abs, { recursive: true })) {
      const p = toPosix(path.join(dir, String(rel)));
      if (
        p.endsWith(ext) &&
        !p.endsWith('.d.ts') &&
        !p.split('/').includes('node_modules') &&
        statSync(path.join(root, p)).isFile()
      )
        files.push(p);
    }
  }
  return files.sort();
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The repository file an import names ({ file }), a package ({ pkg, builtin }) or { unresolved }. */
function resolveImport(root, from, { spec, base }) {
  if (base === 'file' && !spec.startsWith('.') && !spec.startsWith('/')) {
    return { pkg: spec.startsWith('node:') ? spec : packageName(spec), builtin: isBuiltin(spec) };
  }
  const abs = path.resolve(base === 'root' ? root : path.join(root, path.dirname(from)), spec);
  let rel = toPosix(path.relative(root, abs));
  if (BUILT_FILES[rel]) rel = BUILT_FILES[rel];
  else if (rel.startsWith('out/')) rel = rel.slice(4).replace(/\.js$/, '.ts');
  const candidates = [rel, `${rel}.ts`, `${rel}.mjs`, `${rel}.js`, rel.replace(/\.m?js$/, '.ts'), `${rel}/index.ts`];
  for (const c of candidates) {
    const p = path.join(root, c);
    if (existsSync(p) && statSync(p).isFile()) return { file: c };
  }
  return { unresolved: rel };
}

function buildGraph(root) {
  const files = listSources(root);
  const edges = new Map(); // file → [{ line, spec, typeOnly, file | pkg | unresolved }]
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    edges.set(
      file,
      scanImports(text).map((imp) => ({ ...imp, ...resolveImport(root, file, imp) })),
    );
  }
  return { files, edges };
}

// ─── Rules, applied ─────────────────────────────────────────────────────────────────────────────

const inTarget = (file, target) =>
  /\.(ts|mjs|js)$/.test(target) ? file === target : file === target || file.startsWith(`${target}/`);
const engineTarget = (t) => (t === '.' ? ENGINE : `${ENGINE}/${t}`);
const describe = (targets) => (targets.length ? targets.join(', ') : 'nothing else');

/** Where a file belongs: { kind: 'layer' | 'engine-root' | 'zone', name } or null. */
function zoneOf(file) {
  if (file.startsWith(`${ENGINE}/`)) {
    const rest = file.slice(ENGINE.length + 1);
    if (!rest.includes('/')) return ENGINE_ROOT_FILES[rest] ? { kind: 'engine-root', name: rest } : null;
    const layer = rest.split('/')[0];
    return Object.hasOwn(ENGINE_LAYERS, layer) ? { kind: 'layer', name: layer } : null;
  }
  const zone = Object.keys(ZONES).find((z) => inTarget(file, z));
  return zone ? { kind: 'zone', name: zone } : null;
}

function browserSafety(edges) {
  const candidate = (f) =>
    (BROWSER_SAFE_REQUIRED.include.some((t) => inTarget(f, engineTarget(t))) &&
      !BROWSER_SAFE_REQUIRED.exclude.some((t) => inTarget(f, engineTarget(t)))) ||
    BROWSER_SAFE_IF_PURE.some((t) => inTarget(f, engineTarget(t)));
  const unsafe = new Map(); // engine file → why it is not browser-safe
  for (const f of edges.keys())
    if (f.startsWith(`${ENGINE}/`) && !candidate(f)) unsafe.set(f, 'not in the browser-safe set');
  for (let changed = true; changed;) {
    changed = false;
    for (const [f, imps] of edges) {
      if (unsafe.has(f) || !f.startsWith(`${ENGINE}/`)) continue;
      for (const imp of imps) {
        const why =
          imp.builtin || NODE_ONLY_PACKAGES.includes(imp.pkg)
            ? `imports ${imp.pkg}`
            : unsafe.has(imp.file)
              ? `imports ${imp.file}`
              : null;
        if (why) {
          unsafe.set(f, why);
          changed = true;
          break;
        }
      }
    }
  }
  const required = (f) =>
    BROWSER_SAFE_REQUIRED.include.some((t) => inTarget(f, engineTarget(t))) &&
    !BROWSER_SAFE_REQUIRED.exclude.some((t) => inTarget(f, engineTarget(t)));
  return { unsafe, required };
}

function checkEdge(from, imp, zone, safety) {
  const problems = [];
  const target = imp.file ?? imp.pkg ?? imp.unresolved;
  if (imp.unresolved) return [`cannot resolve '${imp.spec}'`];
  const forbid = zone.kind === 'zone' ? (ZONES[zone.name].forbid ?? []) : ENGINE_FORBID;
  if (imp.pkg) {
    if (forbid.includes(imp.pkg) || (imp.builtin && forbid.includes('node-builtins'))) {
      problems.push(
        `${zone.kind === 'zone' ? zone.name : ENGINE} must not import ${imp.builtin ? 'Node built-ins' : imp.pkg}`,
      );
    }
  } else if (zone.kind === 'layer' || zone.kind === 'engine-root') {
    const allowed = zone.kind === 'layer' ? [zone.name, ...ENGINE_LAYERS[zone.name]] : ENGINE_ROOT_FILES[zone.name];
    const label = `${ENGINE}/${zone.name}`;
    if (!target.startsWith(`${ENGINE}/`)) problems.push(`engine files import only engine files`);
    else if (target === ENGINE_API && zone.name !== 'index.ts')
      problems.push(`the engine must not import its public API ${ENGINE_API}`);
    else if (target !== `${ENGINE}/options.ts` && !allowed.some((t) => inTarget(target, engineTarget(t)))) {
      const others = allowed.filter((t) => t !== zone.name).map((t) => `${t}${/\.ts$/.test(t) ? '' : '/'}`);
      problems.push(
        `${label} may import only ${zone.kind === 'layer' ? [`${zone.name}/`, ...others, 'options.ts'].join(', ') : describe(others)}`,
      );
    }
  } else if (zone.name === 'webview') {
    if (inTarget(target, 'webview')) {
      // its own folder
    } else if (target.startsWith(`${ENGINE}/`)) {
      if (safety.unsafe.has(target))
        problems.push(`webview may import only browser-safe engine files: ${target} ${safety.unsafe.get(target)}`);
    } else problems.push('webview may import only webview/ and browser-safe engine files');
  } else {
    const rules = ZONES[zone.name];
    if (inTarget(target, zone.name) || rules.may.some((t) => inTarget(target, t))) {
      // allowed
    } else if ((rules.lazy ?? []).some((t) => inTarget(target, t))) {
      if (!imp.dynamic && !imp.typeOnly) problems.push(`${target} may be loaded only lazily, with import()`);
    } else if ((rules.typeOnly ?? []).some((t) => inTarget(target, t))) {
      if (!imp.typeOnly) problems.push(`${target} may be imported only with \`import type\``);
    } else if (target.startsWith(`${ENGINE}/`))
      problems.push(`${zone.name} imports the engine only through ${ENGINE_API}`);
    else if (target.startsWith('webview/'))
      problems.push(`${zone.name} imports from webview/ only types from ${WEBVIEW_PROTOCOL}`);
    else
      problems.push(
        `${zone.name} may import only ${describe([zone.name, ...rules.may, ...(rules.typeOnly ?? []).map((t) => `${t} (types)`)])}`,
      );
  }
  // Browser-safe engine files stay browser-safe.
  if (zone.kind === 'layer' && safety.required(from) && !problems.length) {
    const rule = 'files in the browser-safe set stay browser-safe';
    if (imp.builtin || NODE_ONLY_PACKAGES.includes(imp.pkg)) problems.push(`${rule}: no ${imp.pkg}`);
    else if (imp.file && safety.unsafe.has(imp.file))
      problems.push(`${rule}: ${imp.file} ${safety.unsafe.get(imp.file)}`);
  }
  return problems;
}

/** Every elementary cycle (Johnson's algorithm), each starting at its smallest file. */
function findCycles(files, edges) {
  const succ = new Map(
    files.map((f) => [
      f,
      [
        ...new Set(
          edges
            .get(f)
            .filter((e) => e.file && edges.has(e.file))
            .map((e) => e.file),
        ),
      ].sort(),
    ]),
  );
  const cycles = [];
  const order = [...files].sort();
  for (let s = 0; s < order.length; s++) {
    const start = order[s];
    const allowed = new Set(order.slice(s));
    const blocked = new Set();
    const blockMap = new Map();
    const stack = [];
    const unblock = (v) => {
      blocked.delete(v);
      for (const w of blockMap.get(v) ?? []) if (blocked.has(w)) unblock(w);
      blockMap.delete(v);
    };
    const circuit = (v) => {
      let closed = false;
      stack.push(v);
      blocked.add(v);
      for (const w of succ.get(v)) {
        if (!allowed.has(w)) continue;
        if (w === start) {
          cycles.push([...stack]);
          closed = true;
        } else if (!blocked.has(w) && circuit(w)) closed = true;
      }
      if (closed) unblock(v);
      else
        for (const w of succ.get(v)) if (allowed.has(w)) (blockMap.get(w) ?? blockMap.set(w, new Set()).get(w)).add(v);
      stack.pop();
      return closed;
    };
    circuit(start);
    if (cycles.length > 1000) break;
  }
  return cycles;
}

function canonicalCycle(cycle) {
  let best = 0;
  for (let k = 1; k < cycle.length; k++) if (cycle[k] < cycle[best]) best = k;
  return [...cycle.slice(best), ...cycle.slice(0, best)].join(' → ');
}

/** Runs every rule: { violations: string[], known: string[] }. */
export function checkImports(root, debt) {
  const { files, edges } = buildGraph(root);
  const safety = browserSafety(edges);
  const violations = [];
  const known = [];
  const debtImports = new Map(debt.imports.map((d) => [`${d.from} → ${d.to}`, { ...d, used: false }]));
  const debtCycles = new Map(debt.cycles.map((d) => [canonicalCycle(d.cycle), { ...d, used: false }]));

  for (const file of files) {
    const zone = zoneOf(file);
    if (!zone) {
      violations.push(`${file}:1 is in no zone of the rule table in scripts/check-imports.mjs`);
      continue;
    }
    for (const imp of edges.get(file)) {
      const target = imp.file ?? imp.pkg ?? imp.unresolved;
      for (const rule of checkEdge(file, imp, zone, safety)) {
        const line = `${file}:${imp.line} imports ${target}${imp.typeOnly ? ' (type)' : ''}: ${rule}`;
        const entry = debtImports.get(`${file} → ${target}`);
        if (entry) {
          entry.used = true;
          known.push(`${line} [known debt: ${entry.reason}]`);
        } else violations.push(line);
      }
    }
  }

  for (const cycle of findCycles(files, edges)) {
    const key = canonicalCycle(cycle);
    const first = cycle.indexOf(key.split(' → ')[0]);
    const chain = [...cycle.slice(first), ...cycle.slice(0, first)];
    const hops = chain.map((f, k) => `${f}:${edges.get(f).find((e) => e.file === chain[(k + 1) % chain.length]).line}`);
    const line = `${hops[0]} imports ${chain[1 % chain.length]}: import cycle ${[...hops, chain[0]].join(' → ')}`;
    const entry = debtCycles.get(key);
    if (entry) {
      entry.used = true;
      known.push(`${line} [known debt: ${entry.reason}]`);
    } else violations.push(line);
  }

  for (const [key, entry] of [...debtImports, ...debtCycles]) {
    if (!entry.used)
      violations.push(
        `stale exception: ${entry.cycle ? 'cycle ' : ''}${key} is listed as known debt (${entry.reason}) but no longer occurs: remove it from the list`,
      );
  }
  return { violations, known, files: files.length };
}

// ─── Command line ───────────────────────────────────────────────────────────────────────────────

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name) => {
    const k = args.indexOf(name);
    return k >= 0 ? args[k + 1] : undefined;
  };
  const root = path.resolve(option('--root') ?? path.dirname(path.dirname(fileURLToPath(import.meta.url))));
  const debtFile = option('--debt');
  const debt = debtFile ? JSON.parse(readFileSync(debtFile, 'utf8')) : KNOWN_DEBT;
  const { violations, known, files } = checkImports(root, { imports: debt.imports ?? [], cycles: debt.cycles ?? [] });
  if (args.includes('--list-debt')) for (const line of known) console.log(line);
  for (const line of violations) console.log(line);
  const summary = `check-imports: ${files} files, ${violations.length} violation${violations.length === 1 ? '' : 's'}, ${known.length} known debt`;
  if (violations.length) {
    console.log(`${summary} (rules and known debt: scripts/check-imports.mjs)`);
    process.exitCode = 1;
  } else console.log(summary);
}
