// A seeded synthetic feedback data set with latent structure, for bench:scale and soak.
//
// Items belong to topics and carry a latent vector (their topic's centroid plus noise); users
// carry a vector mixed from one to three topic centroids. Item popularity is Zipf-skewed. Each
// interaction of a user is drawn by sampling-importance-resampling: CANDIDATES items are drawn
// by popularity and one of them is kept with probability ∝ exp(SHARPNESS · user·item), so the
// kept item follows, approximately, popularity × exp(SHARPNESS · affinity) — what a factor model
// can learn, with the long tail that a real catalogue has. Users' activity is log-normal.
//
// Events are produced in batches, user by user, and nothing beyond the latent vectors, the
// popularity table and the current batch is held in memory: 10 million events stream straight
// into a store.
import type { FeedbackEvent, Item } from '../src/core/index.js';
import { Rng } from '../src/core/index.js';

export interface SyntheticShape {
  interactions: number;
  users: number;
  items: number;
  seed: number;
  /** The data set's last moment (ms); events span the SPAN_DAYS before it. */
  end: number;
}

const FACTORS = 16;
const TOPICS = 64;
const CANDIDATES = 16;
const SHARPNESS = 4;
/** Zipf exponent of item popularity: a few hits, a long tail. */
const ZIPF = 0.9;
/** Spread of users' activity (σ of the log-normal). */
const ACTIVITY_SIGMA = 0.9;
const DAY = 86_400_000;
const SPAN_DAYS = 180;

/** The shape for a number of interactions: 50 per user and 200 per item on average, like MovieLens/Netflix-style data. */
export function shapeFor(interactions: number, overrides: Partial<SyntheticShape> = {}): SyntheticShape {
  return {
    interactions,
    users: Math.max(10, Math.round(interactions / 50)),
    items: Math.max(10, Math.round(interactions / 200)),
    seed: 1,
    // Today at 00:00 UTC: recent enough for time decay and freshness, and the same all day.
    end: Math.floor(Date.now() / DAY) * DAY,
    ...overrides,
  };
}

export const userId = (u: number): string => `u${u}`;
export const itemId = (i: number): string => `i${i}`;

function unitVector(rng: Rng, base: Float32Array | null, noise: number): Float32Array {
  const v = new Float32Array(FACTORS);
  let norm = 0;
  for (let f = 0; f < FACTORS; f++) {
    v[f] = (base ? base[f]! : 0) + noise * rng.normal();
    norm += v[f]! * v[f]!;
  }
  const scale = 1 / Math.sqrt(norm || 1);
  for (let f = 0; f < FACTORS; f++) v[f]! *= scale;
  return v;
}

/** Item latent vectors (row-major), topics and the popularity CDF: the catalogue's hidden truth. */
function catalogue(shape: SyntheticShape): { itemVectors: Float32Array; itemTopic: Int32Array; cdf: Float64Array; centroids: Float32Array[] } {
  const rng = new Rng(shape.seed * 7_919 + 1);
  const centroids = Array.from({ length: TOPICS }, () => unitVector(rng, null, 1));
  const itemVectors = new Float32Array(shape.items * FACTORS);
  const itemTopic = new Int32Array(shape.items);
  for (let i = 0; i < shape.items; i++) {
    itemTopic[i] = rng.int(TOPICS);
    itemVectors.set(unitVector(rng, centroids[itemTopic[i]!]!, 0.35), i * FACTORS);
  }
  // Popularity ranks are a random permutation, so popular items are spread over the topics.
  const rank = Int32Array.from({ length: shape.items }, (_, i) => i);
  rng.shuffle(rank);
  const cdf = new Float64Array(shape.items);
  let total = 0;
  for (let i = 0; i < shape.items; i++) cdf[i] = total += 1 / (rank[i]! + 10) ** ZIPF;
  for (let i = 0; i < shape.items; i++) cdf[i]! /= total;
  return { itemVectors, itemTopic, cdf, centroids };
}

function drawByPopularity(cdf: Float64Array, x: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many events each user has: log-normal, scaled so that they sum to exactly `interactions`. */
function activity(shape: SyntheticShape, rng: Rng): Int32Array {
  const raw = Float64Array.from({ length: shape.users }, () => Math.exp(ACTIVITY_SIGMA * rng.normal()));
  const sum = raw.reduce((a, b) => a + b, 0);
  const counts = new Int32Array(shape.users);
  let assigned = 0;
  for (let u = 0; u < shape.users; u++) assigned += counts[u] = Math.max(1, Math.floor((raw[u]! / sum) * shape.interactions));
  // Rounding left some over (or the minimum of one took some): spread the rest one by one.
  for (let k = 0; assigned !== shape.interactions; k++) {
    const u = rng.int(shape.users);
    if (assigned < shape.interactions) {
      counts[u]!++;
      assigned++;
    } else if (counts[u]! > 1) {
      counts[u]!--;
      assigned--;
    }
  }
  return counts;
}

/** The catalogue's items, with a topic as category and a title, so content and filters have something to use. */
export function syntheticItems(shape: SyntheticShape): Item[] {
  const { itemTopic } = catalogue(shape);
  const rng = new Rng(shape.seed * 31 + 5);
  return Array.from({ length: shape.items }, (_, i) => ({
    id: itemId(i),
    kind: 'product',
    title: `Product ${i} of topic ${itemTopic[i]}`,
    text: '',
    categories: [`topic-${itemTopic[i]}`],
    tags: [],
    numeric: {},
    embedding: null,
    // Most items are old; one in 500 is new, so the fresh source has work to do.
    createdAt: i % 500 === 0 ? shape.end - rng.int(3) * DAY : shape.end - SPAN_DAYS * DAY,
    hidden: false,
  }));
}

/**
 * Every event of the data set, `batchSize` at a time, user by user; ids are zero-padded
 * sequence numbers so that they arrive in the store's key order. Types: click (weight 1),
 * like (2), purchase (4) — all positive, so every event is an interaction.
 */
export function* syntheticEvents(shape: SyntheticShape, batchSize = 50_000): Generator<FeedbackEvent[]> {
  const { itemVectors, cdf, centroids } = catalogue(shape);
  const rng = new Rng(shape.seed * 104_729 + 3);
  const counts = activity(shape, rng);
  const user = new Float32Array(FACTORS);
  const candidates = new Int32Array(CANDIDATES);
  const weights = new Float64Array(CANDIDATES);
  const times: number[] = [];
  let batch: FeedbackEvent[] = [];
  let n = 0;
  for (let u = 0; u < shape.users; u++) {
    // A user likes one to three topics, mixed, plus a little of their own taste.
    const mix = new Float32Array(FACTORS);
    const topics = 1 + rng.int(3);
    for (let t = 0; t < topics; t++) {
      const c = centroids[rng.int(TOPICS)]!;
      for (let f = 0; f < FACTORS; f++) mix[f]! += c[f]!;
    }
    user.set(unitVector(rng, mix, 0.3 * Math.sqrt(topics)));
    // The user's events fall in an active window that ends by the data set's end.
    const start = shape.end - SPAN_DAYS * DAY + rng.next() * (SPAN_DAYS - 7) * DAY;
    const window = rng.next() * (shape.end - start);
    times.length = 0;
    for (let k = 0; k < counts[u]!; k++) times.push(Math.floor(start + rng.next() * window));
    times.sort((a, b) => a - b);
    for (let k = 0; k < counts[u]!; k++) {
      let total = 0;
      for (let c = 0; c < CANDIDATES; c++) {
        const i = drawByPopularity(cdf, rng.next());
        let dot = 0;
        for (let f = 0, o = i * FACTORS; f < FACTORS; f++) dot += user[f]! * itemVectors[o + f]!;
        candidates[c] = i;
        weights[c] = total += Math.exp(SHARPNESS * dot);
      }
      const pick = rng.next() * total;
      let c = 0;
      while (c < CANDIDATES - 1 && weights[c]! < pick) c++;
      const kind = rng.next();
      batch.push({
        id: `s${String(n++).padStart(10, '0')}`,
        user: userId(u),
        item: itemId(candidates[c]!),
        type: kind < 0.8 ? 'click' : kind < 0.95 ? 'like' : 'purchase',
        value: null,
        timestamp: times[k]!,
        context: null,
      });
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}
