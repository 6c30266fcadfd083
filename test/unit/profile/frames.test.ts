// Frames (src/engine/profile/frames.ts): the one file-URL matcher the flame views, the editor's line
// timings and the source-map rewrite share, and the categories every view colours frames by.
import { strict as assert } from 'node:assert';
import { categorize, formatLocation, isCodeFrame, urlMatchesFile, urlToPath } from '../../../src/engine/profile/frames';

describe('profile frames', function () {
  it('matches file:// URLs and plain paths to a file, POSIX and Windows alike', function () {
    assert.equal(urlMatchesFile('file:///home/u/proc.js', '/home/u/proc.js'), true);
    assert.equal(urlMatchesFile('/home/u/proc.js', '/home/u/proc.js'), true);
    assert.equal(urlMatchesFile('file:///home/u/my%20proc.js', '/home/u/my proc.js'), true);
    assert.equal(urlMatchesFile('file:///home/u/proc.js', '/home/u/other.js'), false);
    // Windows: V8 gives file:///C:/…; the editor gives c:\… (VS Code lower-cases the drive letter).
    assert.equal(urlMatchesFile('file:///C:/work/proc.ts', 'C:\\work\\proc.ts'), true);
    assert.equal(urlMatchesFile('file:///C:/work/proc.ts', 'c:\\work\\proc.ts'), true);
    assert.equal(urlMatchesFile('C:\\work\\proc.ts', 'c:/work/proc.ts'), true);
    assert.equal(urlMatchesFile('file:///C:/work/proc.ts', 'C:\\work\\other.ts'), false);
    assert.equal(urlMatchesFile('', ''), false, 'a builtin frame names no file');
  });

  it('turns file URLs back into paths for people', function () {
    assert.equal(urlToPath('file:///C:/x/y.js'), 'C:/x/y.js');
    assert.equal(urlToPath('node:internal/x'), 'node:internal/x');
    assert.equal(formatLocation({ url: 'file:///a/b%20c.js', line: 3 }), '/a/b c.js:3');
    assert.equal(formatLocation({ url: '', line: 0 }), '(native)');
  });

  it('categorises frames of the processor, the parser (sources, out/ and the bundle) and the engine', function () {
    const proc = 'C:\\w\\proc.ts';
    assert.equal(categorize('processRow', 'file:///C:/w/proc.ts', proc), 'user');
    assert.equal(categorize('scanCsv', 'file:///w/out/src/engine/parse/csv-scan.js', proc), 'parser');
    assert.equal(categorize('parseText', 'file:///w/out/src/engine/worker/chunk-parse.js', proc), 'parser');
    assert.equal(categorize('scanCsv', 'file:///w/dist/chunk-worker.js', proc), 'parser');
    assert.equal(categorize('runChunk', 'file:///w/dist/chunk-worker.js', proc), 'engine');
    assert.equal(categorize('pump', 'file:///w/out/src/engine/run/run.js', proc), 'engine');
    assert.equal(categorize('atomicsWaitLoop', 'file:///w/node_modules/piscina/dist/worker.js', proc), 'idle');
    assert.equal(categorize('(garbage collector)', '', proc), 'gc');
    assert.equal(categorize('readFileSync', 'node:fs', proc), 'node');
  });

  it('(root), (idle) and (program) are not code; (garbage collector) and functions are', function () {
    for (const name of ['(root)', '(idle)', '(program)']) assert.equal(isCodeFrame(name), false, name);
    for (const name of ['(garbage collector)', 'processRow', '']) assert.equal(isCodeFrame(name), true, name);
  });
});
