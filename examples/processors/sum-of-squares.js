// The article's row function: the sum of squares of a row's numeric fields.
// One number per row, so run it with --out to keep every result (like the article's result list).
'use strict';

// Columns that are identifiers or free text, never summed even when they look numeric.
const TEXT_COLUMNS = new Set(['id', 'name', 'note', 'vendor', 'place', 'payment', 'pickup_time']);
const isIdColumn = (name) => /(^|_)id$/i.test(name);

let lastHeader;
let keys = [];

// Work out the columns once per header, not once per row.
function numericKeys(header) {
  if (header !== lastHeader) {
    lastHeader = header;
    keys = header.filter((name) => !TEXT_COLUMNS.has(name) && !isIdColumn(name));
  }
  return keys;
}

function sumOfSquares(row, header) {
  const cols = numericKeys(header);
  let sum = 0;
  for (let i = 0; i < cols.length; i++) {
    const field = row[cols[i]];
    if (field === '' || field === undefined) continue; // empty cell: nothing to add
    const x = Number(field);
    if (x === x) sum += x * x; // skip values that are not numbers (NaN !== NaN)
  }
  return sum;
}

exports.sumOfSquares = sumOfSquares;
exports.processRow = (row, ctx) => sumOfSquares(row, ctx.header);
