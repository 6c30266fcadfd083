// Deliberately compute-bound: about 50 µs of busy work per row, so parsing and transport are
// negligible and the worker count, not the chunk size, decides the wall time.
'use strict';

const BUSY_NS = 50_000n;

exports.processRow = (row) => {
  const until = process.hrtime.bigint() + BUSY_NS;
  let spins = 0;
  while (process.hrtime.bigint() < until) spins++;
  return spins;
};
