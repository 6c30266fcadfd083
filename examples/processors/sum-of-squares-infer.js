// The seed's row function on typed rows: `types: 'infer'` makes the numeric fields numbers while
// the chunk is parsed (straight from the bytes), so Number() below only passes them through.
// Results are identical to sum-of-squares.js on string rows (a field that is not a number adds 0).
'use strict';

exports.options = { types: 'infer' };

const square = (x) => (x === x ? x * x : 0); // NaN (not a number) adds nothing

exports.processRow = (row) =>
  square(Number(row.x1)) +
  square(Number(row.x2)) +
  square(Number(row.x3)) +
  square(Number(row.x4)) +
  square(Number(row.x5)) +
  square(Number(row.x6)) +
  square(Number(row.x7)) +
  square(Number(row.x8));
