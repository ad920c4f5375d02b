// The speed mode of bench/ranker.mts: scoring throughput of a large forest (300 trees of 31
// leaves over 22 features, the width of the ranking features with three sources) on requests
// of 300 candidates, batch (GbdtModel.predict, four rows in lockstep) and row by row.
import { Rng } from '../src/core/index.js';
import { trainGbdt } from '../src/pipeline/ranking/index.js';

export function runSpeed(seed: number): void {
  const rng = new Rng(seed);
  const rows = 30_000;
  const cols = 22;
  const values = Float64Array.from({ length: rows * cols }, () => (rng.next() < 0.1 ? NaN : rng.next()));
  const labels = Float64Array.from({ length: rows }, (_, r) => {
    const a = values[r * cols]!;
    const b = values[r * cols + 1]!;
    return rng.next() < (a > 0.5 !== b > 0.5 ? 0.8 : 0.2) ? 1 : 0;
  });
  const t0 = performance.now();
  const { model } = trainGbdt({ features: { rows, cols, values }, labels }, { objective: 'binary', trees: 300, maxLeaves: 31, minDataInLeaf: 20, earlyStoppingRounds: 0 }, { seed });
  const trainSeconds = (performance.now() - t0) / 1000;
  console.log(`\n== Scoring speed ==`);
  console.log(`  forest: ${model.treeCount} trees, ${model.arrays.value.length} nodes, ${cols} features (trained on ${rows} rows in ${trainSeconds.toFixed(1)} s)`);
  const request = 300;
  const batch = time(() => {
    for (let start = 0; start + request <= rows; start += request) {
      model.predict({ rows: request, cols, values: values.subarray(start * cols, (start + request) * cols) });
    }
  }, rows - (rows % request));
  const single = time(() => {
    for (let r = 0; r < rows; r++) model.predictRow(values, r * cols);
  }, rows);
  console.log(`  batch (requests of ${request}): ${Math.round(batch)} rows/s = ${((request / batch) * 1000).toFixed(2)} ms per request`);
  console.log(`  row by row (predictRow):     ${Math.round(single)} rows/s`);
}

/** Rows per second of `work` (which scores `rows` rows), over at least one second. */
function time(work: () => void, rows: number): number {
  work(); // warm up
  let done = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1500) {
    work();
    done += rows;
  }
  return done / ((performance.now() - t0) / 1000);
}
