// The seed's row function on typed rows: `types: 'infer'` makes the numeric fields numbers while
// the chunk is parsed (straight from the bytes), so Number() below only passes them through.
// Results are identical to sum-of-squares.js on string rows.
'use strict';

exports.options = { types: 'infer' };

exports.processRow = (row) => {
  const xs = [
    Number(row.x1),
    Number(row.x2),
    Number(row.x3),
    Number(row.x4),
    Number(row.x5),
    Number(row.x6),
    Number(row.x7),
    Number(row.x8),
  ];
  let sum = 0;
  for (let i = 0; i < xs.length; i++) if (xs[i] === xs[i]) sum += xs[i] * xs[i];
  return sum;
};
