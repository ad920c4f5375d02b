import { Rng } from '../../core/index.js';
import { ItemContentBuilder, type TrainingData } from '../../data/index.js';
import { DEFAULT_SYNTHETIC, syntheticSplit, type SyntheticOptions, type SyntheticSplit } from './synthetic.js';

/**
 * The synthetic split of synthetic.ts plus item content that reveals each item's latent
 * cluster (the thing users' tastes are made of), noisily: usually the cluster's category, two
 * of the cluster's tags and a cluster word in the title, plus a random tag and noise words.
 * A share of the items is made cold: every interaction with them is removed from training, so
 * only their content can place them.
 */
export interface ColdStartOptions extends SyntheticOptions {
  /** Share of the items made cold. */
  coldShare: number;
  /** Probability that an item's category is its own cluster's (else a random one). */
  categoryFidelity: number;
}

export interface ColdStartSplit extends SyntheticSplit {
  /** The cold items, ascending: in the catalogue and the content, never in training. */
  cold: Int32Array;
  /** Per user (training row), the cold items they interacted with, sorted. */
  coldHoldout: Int32Array[];
}

const TAGS_PER_CLUSTER = 4;
const NOISE_WORDS = 60;

export function coldStartSplit(options: Partial<ColdStartOptions> = {}): ColdStartSplit {
  const o: ColdStartOptions = { ...DEFAULT_SYNTHETIC, coldShare: 0.15, categoryFidelity: 0.85, ...options };
  const base = syntheticSplit(o);
  const rng = new Rng(o.seed ^ 0x5eed);
  const n = o.items;
  const isCold = new Uint8Array(n);
  const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  for (const i of order.subarray(0, Math.round(o.coldShare * n))) isCold[i] = 1;

  const content = new ItemContentBuilder();
  for (let i = 0; i < n; i++) {
    const c = i % o.clusters;
    const category = rng.next() < o.categoryFidelity ? c : rng.int(o.clusters);
    const own = rng.shuffle(Int32Array.from({ length: TAGS_PER_CLUSTER }, (_, t) => t)).subarray(0, 2);
    content.set(i, {
      title: `topic${c} noise${rng.int(NOISE_WORDS)}`,
      text: `noise${rng.int(NOISE_WORDS)} noise${rng.int(NOISE_WORDS)}`,
      categories: [`genre${category}`],
      tags: [...Array.from(own, (t) => `c${c}t${t}`), `c${rng.int(o.clusters)}t${rng.int(TAGS_PER_CLUSTER)}`],
      embedding: null,
    });
  }

  const m = base.train.interactions;
  const indptr = new Int32Array(m.rows + 1);
  const indices: number[] = [];
  const lastSeen: number[] = [];
  const holdout: Int32Array[] = [];
  const coldHoldout: Int32Array[] = [];
  for (let u = 0; u < m.rows; u++) {
    const cold: number[] = [];
    for (let k = m.indptr[u]!; k < m.indptr[u + 1]!; k++) {
      const i = m.indices[k]!;
      if (isCold[i]) {
        cold.push(i);
      } else {
        indices.push(i);
        lastSeen.push(base.train.lastSeen![k]!);
      }
    }
    indptr[u + 1] = indices.length;
    for (const i of base.holdout[u]!) if (isCold[i]) cold.push(i);
    holdout.push(base.holdout[u]!.filter((i) => !isCold[i]));
    coldHoldout.push(Int32Array.from(cold).sort());
  }
  const train: TrainingData = {
    ...base.train,
    interactions: { rows: m.rows, cols: n, indptr, indices: Int32Array.from(indices), values: new Float32Array(indices.length).fill(1) },
    lastSeen: Float64Array.from(lastSeen),
    content: content.build(n)!,
  };
  const cold = Int32Array.from({ length: n }, (_, i) => i).filter((i) => isCold[i] === 1);
  return { train, holdout, cold, coldHoldout };
}
