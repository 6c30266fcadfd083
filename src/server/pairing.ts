// Which dataset a processor reads. First match wins:
//   1. a `// @chunkscope-data ./data/trips.csv` comment in the processor (relative to the file);
//   2. the setting `chunkscope.datasets`: { "processors/x.ts": "data/y.csv" } (relative to the
//      workspace folder; absolute paths work too);
//   3. the newest run record of the processor (engine's report/run-record.ts: under the
//      processor's project folder, or the workspace folder, `.chunkscope/runs/`);
//   4. the saved tuning (`.chunkscope/tuning.json` of `chunkscope tune --save`, in the same two
//      folders): the dataset of the processor's newest entry;
//   5. the dataset picked in the editor, sent by the client (`chunkscope/pickedDataset`, for this
//      processor or for every one);
//   6. the only dataset in the processor's folder, else the only one in the workspace folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULTS, newestRunRecord, readTuningFile, runRecordRoot } from '../engine/inspect';

export type PairingSource = 'directive' | 'setting' | 'run-record' | 'tuning' | 'picked' | 'folder' | 'workspace';

export interface Pairing {
  dataset: string;
  source: PairingSource;
  /** Offsets of the path in the directive, for diagnostics about it. */
  directiveStart?: number;
  directiveEnd?: number;
}

/** Datasets the user picked in the editor: per processor (absolute path), and the window's last pick. */
export interface Picks {
  byProcessor: Map<string, string>;
  last?: string;
}

const DIRECTIVE = /\/\/[ \t]*@chunkscope-data[ \t]+(\S+)/;
export const DATASET_FILE = /\.(csv|tsv|jsonl|ndjson|parquet|arrow|feather)(\.(gz|zst))?$/i;

export function directiveOf(text: string): { path: string; start: number; end: number } | undefined {
  const m = DIRECTIVE.exec(text);
  if (!m) return undefined;
  const start = m.index + m[0].length - m[1].length;
  return { path: m[1], start, end: start + m[1].length };
}

/** The workspace folder holding `file` (the deepest), or undefined. */
export function workspaceRootOf(file: string, roots: readonly string[]): string | undefined {
  return roots
    .filter((r) => file === r || file.startsWith(r.endsWith(path.sep) ? r : r + path.sep))
    .sort((a, b) => b.length - a.length)[0];
}

function settingDataset(file: string, root: string | undefined, setting: unknown): string | undefined {
  if (!setting || typeof setting !== 'object') return undefined;
  const base = root ?? path.dirname(file);
  for (const [processor, dataset] of Object.entries(setting as Record<string, unknown>)) {
    if (typeof dataset !== 'string') continue;
    if (path.resolve(base, processor) === file) return path.resolve(base, dataset);
  }
  return undefined;
}

/** The dataset of the newest saved tuning of `file`, from the tuning files of its project and workspace folders. */
function tunedDataset(file: string, root: string | undefined): string | undefined {
  const folders = [...new Set([runRecordRoot(file), ...(root ? [root] : [])])];
  let best: { at: number; data: string } | undefined;
  for (const folder of folders) {
    let entries;
    try {
      entries = readTuningFile(path.join(folder, DEFAULTS.tune.file)).entries;
    } catch {
      continue; // a broken or newer tuning file pairs nothing; `chunkscope run` reports it
    }
    for (const entry of Object.values(entries)) {
      if (!entry || typeof entry.processor !== 'string' || typeof entry.data !== 'string') continue;
      if (path.resolve(folder, entry.processor) !== file) continue;
      const at = Number(entry.tunedAtEpochMs) || 0;
      if (!best || at > best.at) best = { at, data: path.resolve(folder, entry.data) };
    }
  }
  return best?.data;
}

function onlyDatasetIn(dir: string): string | undefined {
  let names: string[];
  try {
    names = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isFile() && DATASET_FILE.test(d.name))
      .map((d) => d.name);
  } catch {
    return undefined;
  }
  return names.length === 1 ? path.join(dir, names[0]) : undefined;
}

export function pairDataset(
  file: string,
  text: string,
  roots: readonly string[],
  setting: unknown,
  picks: Picks = { byProcessor: new Map() },
): Pairing | undefined {
  const directive = directiveOf(text);
  if (directive)
    return {
      dataset: path.resolve(path.dirname(file), directive.path),
      source: 'directive',
      directiveStart: directive.start,
      directiveEnd: directive.end,
    };
  const root = workspaceRootOf(file, roots);
  const fromSetting = settingDataset(file, root, setting);
  if (fromSetting) return { dataset: fromSetting, source: 'setting' };
  const fromRecord = newestRunRecord(file, root ? [root] : []);
  if (fromRecord) return { dataset: fromRecord.dataset, source: 'run-record' };
  const fromTuning = tunedDataset(file, root);
  if (fromTuning) return { dataset: fromTuning, source: 'tuning' };
  const picked = picks.byProcessor.get(file) ?? picks.last;
  if (picked) return { dataset: picked, source: 'picked' };
  const inFolder = onlyDatasetIn(path.dirname(file));
  if (inFolder) return { dataset: inFolder, source: 'folder' };
  const inRoot = root && root !== path.dirname(file) ? onlyDatasetIn(root) : undefined;
  if (inRoot) return { dataset: inRoot, source: 'workspace' };
  return undefined;
}
