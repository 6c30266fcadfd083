// The README is one screen for newcomers that links to docs/ pages: every relative link in the
// README, docs/ and bench/README.md must reach a file that exists, and every #anchor a heading of
// that file (GitHub's slugs), so moving a section cannot leave a dead link behind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers';

const PAGES = [
  'README.md',
  'bench/README.md',
  'scripts/vscode-host/README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = fs.readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  const anchors = new Set<string>();
  for (const m of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slugOf(m[1]);
    let slug = base;
    for (let n = 1; anchors.has(slug); n++) slug = `${base}-${n}`;
    anchors.add(slug);
  }
  return anchors;
}

function linksOf(file: string): string[] {
  // Code spans and blocks hold examples, not links.
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

describe('README and docs/ links', () => {
  it('the README is the newcomer page: quick start, install and a guide table of docs/ pages', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    assert.ok(readme.split('\n').length < 120, 'the README grew past one screen of overview');
    assert.match(readme, /## Quick start[\s\S]*npm ci && npm run demo[\s\S]*npm test/);
    const guides = linksOf(path.join(ROOT, 'README.md')).filter((l) => l.startsWith('docs/'));
    assert.ok(guides.length >= 12, `the README links ${guides.length} docs/ pages`);
  });

  for (const page of PAGES) {
    it(`${page}: every relative link and anchor resolves`, () => {
      const file = path.join(ROOT, page);
      const dead: string[] = [];
      for (const link of linksOf(file)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:, vscode:
        const [target, anchor] = link.split('#');
        const resolved = target ? path.resolve(path.dirname(file), decodeURIComponent(target)) : file;
        if (!fs.existsSync(resolved)) {
          dead.push(`${link} (no ${path.relative(ROOT, resolved)})`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor))
          dead.push(`${link} (no heading #${anchor})`);
      }
      assert.deepEqual(dead, []);
    });
  }

  it('the anchor rule is GitHub’s', () => {
    assert.equal(slugOf('Strategies (all give identical output)'), 'strategies-all-give-identical-output');
    assert.equal(slugOf('Run on many machines'), 'run-on-many-machines');
    assert.equal(slugOf('`chunkscope lsp --stdio`'), 'chunkscope-lsp---stdio');
  });
});
