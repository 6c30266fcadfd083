// One formatter (src/engine/base/format.ts): the same value reads the same on every surface. Checked
// three ways: the formatter's own outputs; a real run's numbers as the CLI summary, the extension's
// output-channel summary and notification, and the diagnosis write them; and no other module of
// src/ or webview/ formatting numbers by hand (en-US grouping, binary or decimal units).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diagnose, runDataset, type RunReport } from '../../../src/engine';
import {
  formatBytes,
  formatCompact,
  formatInt,
  formatMicros,
  formatMs,
  formatPercent,
  formatMbPerSecond,
  formatRatio,
  formatRows,
  formatTick,
} from '../../../src/engine/base/format';
import { formatSummary } from '../../../src/cli/summary-table';
import { notificationText, summaryLines } from '../../../src/extension/logic/summary';
import { ROOT, TempDir, writeProcessor } from '../../helpers';

describe('one formatter', function () {
  it('writes bytes in binary units, times with three significant digits, shares and ratios alike', function () {
    assert.deepEqual([900, 64 * 1024, 1.5 * 2 ** 20, 10 * 2 ** 20, 10.5 * 2 ** 20, 2.25 * 2 ** 30].map(formatBytes), [
      '900 B',
      '64 KiB',
      '1.5 MiB',
      '10 MiB',
      '10.5 MiB',
      '2.25 GiB',
    ]);
    assert.deepEqual([0, 0.25, 4.2, 42.5, 992, 1024, 4210, 125_000].map(formatMs), [
      '0 ms',
      '250 µs',
      '4.20 ms',
      '42.5 ms',
      '992 ms',
      '1.02 s',
      '4.21 s',
      '2 min 5.0 s',
    ]);
    assert.deepEqual([0.42, 12.5, 1250].map(formatMicros), ['0.42 µs', '12.5 µs', '1,250 µs']);
    assert.deepEqual([0, 0.0042, 0.03, 0.125, 0.944].map(formatPercent), ['0 %', '0.4 %', '3.0 %', '13 %', '94 %']);
    assert.deepEqual([1.44, 3, 128].map(formatRatio), ['1.4×', '3.0×', '128×']);
    assert.deepEqual([8.44, 99.96, 152.4, 1234].map(formatMbPerSecond), [
      '8.4 MB/s',
      '100 MB/s',
      '152 MB/s',
      '1,234 MB/s',
    ]);
    assert.deepEqual([950, 1234, 12_345, 1_234_567, 1.2e9].map(formatCompact), [
      '950',
      '1,234',
      '12.3k',
      '1.23M',
      '1.20G',
    ]);
    assert.deepEqual([500, 1000, 2500, 1e6].map(formatTick), ['500', '1k', '2.5k', '1M']);
    assert.equal(formatInt(1234567.4), '1,234,567');
    assert.deepEqual([1, 2500].map(formatRows), ['1 row', '2,500 rows']);
    for (const f of [formatBytes, formatMs, formatMicros, formatPercent, formatRatio, formatCompact, formatInt])
      assert.equal(f(NaN), '–');
  });

  describe('on every surface, for one real run', function () {
    let tmp: TempDir;
    let report: RunReport;
    before(async function () {
      tmp = new TempDir('chunkscope-format-');
      let csv = 'id,x\n';
      for (let i = 1; i <= 3000; i++) csv += `${i},${i % 7}\n`;
      const data = tmp.write('rows.csv', csv);
      const proc = writeProcessor(tmp, 'x.js', 'exports.processRow = (row) => Number(row.x);\n');
      report = await runDataset({ data, processor: proc, workers: 2, chunkRows: 100 });
    });
    after(() => tmp?.dispose());

    it('the CLI summary, the output channel and the notification show the same strings for the same numbers', function () {
      const s = report.summary;
      const cli = formatSummary(report, {});
      const channel = summaryLines(report).join('\n');
      for (const [what, text] of [
        ['rows', formatInt(s.rows)],
        ['wall time', formatMs(s.wallMs)],
        ['start-up', formatMs(s.startupMs)],
        ['processing', formatMs(s.processingMs)],
        ['overhead', formatPercent(s.overheadShare)],
      ] as const) {
        assert.ok(cli.includes(text), `CLI summary shows ${what} as ${text}:\n${cli}`);
        assert.ok(channel.includes(text), `output channel shows ${what} as ${text}:\n${channel}`);
      }
      assert.ok(cli.includes(`${formatBytes(s.peakRssBytes)} RSS`), cli);
      assert.ok(channel.includes(formatBytes(s.bytes)), channel);
      assert.ok(
        notificationText(report).includes(`${formatInt(s.rows)} rows in ${formatMs(s.wallMs)}`),
        notificationText(report),
      );
    });

    it('the diagnosis writes its figures with the same functions', function () {
      // A run of 3,000 rows spends most of its time starting up: the finding quotes both times.
      const s = report.summary;
      const startup = diagnose(report).find((f) => f.id === 'startup-dominates');
      assert.ok(
        startup,
        `a short run is start-up bound: ${diagnose(report)
          .map((f) => f.id)
          .join(', ')}`,
      );
      assert.ok(startup.title.includes(`${formatMs(s.startupMs)} of ${formatMs(s.wallMs)}`), startup.title);
      assert.ok(startup.title.includes(formatPercent(s.startupMs / s.wallMs)), startup.title);
    });
  });

  it('no other module of src/ or webview/ formats numbers by hand', function () {
    const own = path.join(ROOT, 'src/engine/base/format.ts');
    const handMade = [
      /toLocaleString\(['"]en/,
      /\/ 1024\b/,
      /\/ 2 \*\* (10|20|30)\b/,
      /\/ 1e6\)\.toFixed/,
      /\* 100\)\.toFixed/,
    ];
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts') && file !== own) {
          fs.readFileSync(file, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              // CSS widths and ARIA values are numbers for the browser, not text for people.
              if (handMade.some((re) => re.test(line)) && !/style\.width|aria-value/.test(line))
                found.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
            });
        }
      }
    };
    for (const dir of ['src', 'webview']) walk(path.join(ROOT, dir));
    assert.deepEqual(found, [], 'use src/engine/base/format.ts');
  });
});
