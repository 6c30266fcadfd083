// The benches' one command-line reader: `--name value` pairs over defaults, whole numbers unless a
// key is a folder; anything else prints the usage line and exits 2.
import path from 'node:path';

/**
 * @param usage the line printed on bad arguments
 * @param defaults every option with its default (a folder option's default is undefined)
 * @param rules `min`: the smallest number a key takes (1 unless said); `dirs`: folder keys, each
 *   with a check that the resolved folder is usable
 */
export function benchOptions(usage, defaults, { min = {}, dirs = {} } = {}) {
  const opts = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    const raw = argv[i + 1];
    let ok = key in opts && raw !== undefined;
    if (ok && key in dirs) {
      opts[key] = path.resolve(raw);
      ok = dirs[key](opts[key]);
    } else if (ok) {
      opts[key] = Number(raw);
      ok = Number.isInteger(opts[key]) && opts[key] >= (min[key] ?? 1);
    }
    if (!ok) {
      console.error(`usage: ${usage}`);
      process.exit(2);
    }
  }
  return opts;
}
