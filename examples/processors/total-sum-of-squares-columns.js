// The columnar fast path folded to one number: the same work DuckDB does with
// `SELECT sum(x1*x1 + … + x8*x8)`, so the two can be compared like for like.
'use strict';

exports.options = { rowShape: 'columns' };

exports.processChunk = (chunk) => {
  let total = 0;
  // chunk.numeric lists the Float64Array columns; touching a text column would build its strings.
  for (const name of chunk.numeric) {
    if (name === 'id') continue;
    const column = chunk.columns[name];
    for (let r = 0; r < column.length; r++) {
      const x = column[r];
      if (x === x) total += x * x; // NaN marks an empty field
    }
  }
  return [total];
};

exports.combine = (a, b) => a + b;
exports.initial = 0;
