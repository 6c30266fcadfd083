// String-heavy work: lowercase the trip note, count its words, pull out hashtags, and fold the
// chunks into one histogram. Shows what a processor costs when it allocates strings.
'use strict';

const HASHTAG = /#[\p{L}\p{N}_]+/gu;

exports.processRow = (row) => {
  const note = (row.note ?? '').toLowerCase();
  const words = note.split(/\s+/).filter(Boolean).length;
  return { words, tags: note.match(HASHTAG) ?? [], multiline: note.includes('\n') };
};

// Chunk results (and the running total) are histograms; a single row's value is turned into one.
function asHistogram(v) {
  if (v.rows !== undefined) return v;
  const h = { rows: 1, words: v.words, multiline: v.multiline ? 1 : 0, tags: {} };
  for (const t of v.tags) h.tags[t] = (h.tags[t] ?? 0) + 1;
  return h;
}

exports.initial = { rows: 0, words: 0, multiline: 0, tags: {} };

exports.combine = (a, b) => {
  const x = asHistogram(a);
  const y = asHistogram(b);
  const tags = { ...x.tags };
  for (const [t, n] of Object.entries(y.tags)) tags[t] = (tags[t] ?? 0) + n;
  return { rows: x.rows + y.rows, words: x.words + y.words, multiline: x.multiline + y.multiline, tags };
};
