// Parts the run, live and compare pages share: file names, the diagnosis list, the timeline's legend.
import type { Finding } from '../../src/engine/model';
import { el } from '../dom';
import { formatInt } from '../../src/engine/base/format';

export function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

export function findingsSection(findings: Finding[] | null, onChunk: (index: number) => void): HTMLElement {
  const list = el('ul', { class: 'findings' });
  if (findings === null) {
    list.append(el('li', { class: 'muted', text: 'This build of Chunkscope has no diagnosis.' }));
  } else if (findings.length === 0) {
    list.append(
      el('li', { class: 'muted', text: 'No problems found: nothing in the timing records points at a bottleneck.' }),
    );
  }
  for (const f of findings ?? []) {
    const numbers = Object.entries(f.numbers ?? {})
      .map(([k, v]) => `${k} ${Number.isInteger(v) ? formatInt(v) : Number(v.toPrecision(4))}`)
      .join(' · ');
    const chunks = f.chunks?.length
      ? el(
          'div',
          { class: 'chunks' },
          el('span', { class: 'muted', text: 'chunks:' }),
          ...f.chunks.slice(0, 12).map((k) => {
            const b = el('button', {
              class: 'link',
              type: 'button',
              text: String(k),
              title: `Show chunk ${k} in the timeline`,
            });
            b.addEventListener('click', () => onChunk(k));
            return b;
          }),
          f.chunks.length > 12 ? el('span', { class: 'muted', text: `and ${f.chunks.length - 12} more` }) : null,
        )
      : null;
    list.append(
      el(
        'li',
        { class: `finding ${f.severity}`, 'data-finding': f.id },
        el('div', { class: 'title', text: f.title }),
        el('div', { class: 'detail', text: f.detail }),
        f.suggestion ? el('div', { class: 'suggestion', text: `Try: ${f.suggestion}` }) : null,
        numbers ? el('div', { class: 'numbers', text: numbers }) : null,
        chunks,
      ),
    );
  }
  return el('div', { 'data-section': 'diagnosis' }, el('h2', { text: 'Diagnosis' }), list);
}

export function timelineLegend(): HTMLElement {
  const key = (cls: string, label: string) =>
    el('span', { class: 'key' }, el('span', { class: `swatch ${cls}` }), label);
  return el(
    'div',
    { class: 'legend' },
    key('sw-read', 'read'),
    key('sw-parse', 'parse'),
    key('sw-compute', 'compute'),
    key('sw-encode', 'encode'),
    key('sw-other', 'in-task hand-off'),
    key('sw-wait', 'queue wait'),
    key('sw-return', 'return trip'),
    key('sw-main', 'main thread phase'),
    key('sw-result', 'result received'),
    key('sw-straggler', 'straggler (held the run up)'),
  );
}
