// Content model and content→collaborative hybrid on MovieLens (issue #3): Recall@20 / NDCG@20 of
// popularity, content, iALS and the hybrid on ml-latest-small (ratings ≥ 4 are positive),
// overall and on the cold-item slice — test interactions whose item had no training interaction,
// which only content can reach. Two protocols:
//   time: the newest 20% of rating events held out (src/data timeSplit). Content: movies.csv
//     titles and genres, tags.csv tags given before the cutoff (later ones would leak).
//   item-cold: 10% of the rated movies (seeded) lose every interaction, and 20% of each user's
//     other positives are held out too; the test is both, so cold and warm items compete as in
//     the time split (about a third of the test pairs are cold in each). Cold movies' content is
//     title and genres only (a new movie has no user tags yet); the others keep their tags.
//     Many more test users than the time split's 28.
// Usage: npx tsx bench/content.mts ['{"ials":{…},"hybrid":{…},"content":{…},"popularity":{…}}']
// MAGPIE_DATA names the folder holding ml-latest-small/ (default ../shared/data).
import { existsSync } from 'node:fs';
import { Rng, type IdIndex } from '../src/core/index.js';
import { getAlgorithm, type Model } from '../src/algorithms/index.js';
import {
  ItemContentBuilder,
  MOVIELENS_FEEDBACK_TYPES,
  SnapshotBuilder,
  readEventsCsv,
  readLines,
  testSetFromRows,
  timeSplit,
  type ItemContent,
  type Split,
} from '../src/data/index.js';
// The readers' CSV record parser (quoted titles hold commas); a bench may reach inside.
import { parseCsvRecord } from '../src/data/readers/csv-record.js';
import { evaluateModel } from '../src/eval/index.js';
import { csrFromTriples, row, topK } from '../src/math/index.js';

const dir = `${process.env['MAGPIE_DATA'] ?? '../shared/data'}/ml-latest-small`;
if (!['ratings', 'movies', 'tags'].every((f) => existsSync(`${dir}/${f}.csv`))) {
  console.log(`skipped: ${dir}/{ratings,movies,tags}.csv not found (set MAGPIE_DATA to the folder holding ml-latest-small/)`);
  process.exit(0);
}
const K = 20;
/** item-cold protocol: share of the rated movies that lose all interactions, and of each user's other positives held out. */
const COLD_ITEM_SHARE = 0.1;
const WARM_HOLDOUT_SHARE = 0.2;
/**
 * iALS parameters for this data set: the best of a 3×3×3 grid (factors 32/64/128, α0
 * 0.02/0.05/0.2, λ 0.003/0.01/0.03) on both protocols, so the collaborative baseline is fair.
 */
const IALS = { factors: 128, epochs: 10, unobservedWeight: 0.2, regularization: 0.01 };
const overrides = JSON.parse(process.argv[2] ?? '{}') as Record<string, Record<string, unknown>>;
const hybridParams = { ...IALS, ...overrides['ials'], ...overrides['hybrid'] };
const runs: [label: string, algorithm: string, params: Record<string, unknown>][] = [
  ['popularity', 'popularity', { ...overrides['popularity'] }],
  ['content', 'content', { ...overrides['content'] }],
  ['ials', 'ials', { ...IALS, ...overrides['ials'] }],
  ['hybrid', 'hybrid', hybridParams],
  ['hybrid cs=2', 'hybrid', { ...hybridParams, coldScale: 2 }],
];

async function readCsv(path: string): Promise<string[][]> {
  const rows: string[][] = [];
  let header = true;
  for await (const line of readLines(path)) {
    if (header || line.trim() === '') {
      header = false;
      continue;
    }
    const r = parseCsvRecord(line, ',');
    if (r.kind !== 'fields') throw new Error(`${path}: cannot parse ${JSON.stringify(line)}`);
    rows.push(r.fields);
  }
  return rows;
}

const events = await readEventsCsv(`${dir}/ratings.csv`);
const movies = new Map((await readCsv(`${dir}/movies.csv`)).map(([id, title, genres]) => [id!, { title: title!, genres: genres! }]));
const tagRows = await readCsv(`${dir}/tags.csv`);

/** Movie content for an item index; `tagsOf` gives a movie's usable tags. */
function movieContent(items: IdIndex, tagsOf: (movie: string) => string[]): ItemContent {
  const builder = new ItemContentBuilder();
  for (let i = 0; i < items.size; i++) {
    const m = movies.get(items.idAt(i));
    if (!m) continue;
    const categories = m.genres === '(no genres listed)' ? [] : m.genres.split('|');
    builder.set(i, { title: m.title, text: '', categories, tags: tagsOf(items.idAt(i)), embedding: null });
  }
  return builder.build(items.size)!;
}

function tagsBefore(cutoffMs: number): Map<string, string[]> {
  const tags = new Map<string, string[]>();
  for (const [, movie, tag, seconds] of tagRows) {
    if (Number(seconds) * 1000 < cutoffMs) tags.set(movie!, [...(tags.get(movie!) ?? []), tag!]);
  }
  return tags;
}

function timeProtocol(): Split {
  const base = timeSplit(events, { testFraction: 0.2, types: MOVIELENS_FEEDBACK_TYPES });
  const tags = tagsBefore(base.cutoff);
  return { train: { ...base.train, content: movieContent(base.train.items, (m) => tags.get(m) ?? []) }, test: base.test };
}

function itemColdProtocol(): Split {
  const builder = new SnapshotBuilder(MOVIELENS_FEEDBACK_TYPES);
  for (const e of events) builder.add(e);
  const full = builder.build(Math.max(...events.map((e) => e.timestamp)));
  const x = full.interactions;
  const rng = new Rng(7);
  const rated = Int32Array.from(new Set(x.indices)).sort();
  const cold = new Set(rng.shuffle(rated).subarray(0, Math.round(COLD_ITEM_SHARE * rated.length)));
  const r: number[] = [];
  const c: number[] = [];
  const held = new Map<number, number[]>();
  for (let u = 0; u < x.rows; u++) {
    const warm = Array.from(x.indices.subarray(x.indptr[u]!, x.indptr[u + 1]!)).filter((i) => !cold.has(i));
    rng.shuffle(warm);
    const nTest = Math.min(Math.round(WARM_HOLDOUT_SHARE * warm.length), warm.length - 1);
    const test = [...warm.slice(0, Math.max(0, nTest))];
    for (const i of warm.slice(Math.max(0, nTest))) (r.push(u), c.push(i));
    for (let k = x.indptr[u]!; k < x.indptr[u + 1]!; k++) if (cold.has(x.indices[k]!)) test.push(x.indices[k]!);
    if (warm.length > 0 && test.length > 0) held.set(u, test);
  }
  const interactions = csrFromTriples(x.rows, x.cols, r, c, new Float32Array(r.length).fill(1));
  const tags = tagsBefore(Infinity);
  const content = movieContent(full.items, (m) => (cold.has(full.items.indexOf(m)) ? [] : (tags.get(m) ?? [])));
  return { train: { ...full, interactions, lastSeen: null, content }, test: testSetFromRows(held) };
}

/** The test restricted to items without training interactions. */
function coldSlice(split: Split): Split {
  const counts = new Int32Array(split.train.items.size);
  for (const i of split.train.interactions.indices) counts[i]!++;
  const users: number[] = [];
  const items: Int32Array[] = [];
  for (const [j, u] of split.test.users.entries()) {
    const cold = split.test.items[j]!.filter((i) => counts[i] === 0);
    if (cold.length > 0) (users.push(u), items.push(cold));
  }
  return { train: split.train, test: { users: Int32Array.from(users), items } };
}

/**
 * The model ranking only the items without training interactions (a "new arrivals for you"
 * shelf). `tied` tells afterwards whether it gave them all one score for every user: its order
 * is then the item index order, which in MovieLens follows popularity and would flatter it.
 */
function coldShelf(model: Model, counts: Int32Array): { shelf: Model; tied: () => boolean } {
  let distinct = false;
  const shelf: Model = {
    ...model,
    items: model.items,
    scoreUser(query, out) {
      model.scoreUser(query, out);
      let first: number | null = null;
      for (let i = 0; i < out.length; i++) {
        if (counts[i]! > 0) out[i] = -Infinity;
        else if (first === null) first = out[i]!;
        else if (out[i] !== first) distinct = true;
      }
    },
    serialize: () => model.serialize(),
  };
  return { shelf, tied: () => !distinct };
}

/** Share of all the slice's test pairs found in their user's top K (a micro average, unlike recall@K). */
function hitShare(model: Model, split: Split): number {
  const scores = new Float32Array(split.train.items.size);
  let hits = 0;
  let pairs = 0;
  for (const [j, u] of split.test.users.entries()) {
    const history = row(split.train.interactions, u);
    scores.fill(0);
    model.scoreUser({ user: u, items: history.indices, weights: history.values }, scores);
    for (const i of history.indices) scores[i] = -Infinity;
    const wanted = new Set(split.test.items[j]);
    pairs += wanted.size;
    for (const i of topK(scores, K).indices) if (wanted.has(i)) hits++;
  }
  return hits / pairs;
}

async function report(name: string, split: Split): Promise<void> {
  const cold = coldSlice(split);
  const pairs = (s: Split): number => s.test.items.reduce((n, a) => n + a.length, 0);
  console.log(
    `\n== ${name}: ${split.train.users.size} users, ${split.train.items.size} items, ${split.train.interactions.indices.length} training pairs; ` +
      `test ${pairs(split)} pairs of ${split.test.users.length} users, ${pairs(cold)} on cold items (${cold.test.users.length} users); ` +
      `vocabulary ${split.train.content!.vocabulary.length}`,
  );
  const counts = new Int32Array(split.train.items.size);
  for (const i of split.train.interactions.indices) counts[i]!++;
  const coldItems = counts.filter((c) => c === 0).length;
  console.log(
    `model         train s  recall@${K}  ndcg@${K}  cold recall@${K}  cold ndcg@${K}  cold hit share  shelf recall@${K}  shelf ndcg@${K}`,
  );
  const f = (x: number, w: number): string => x.toFixed(4).padStart(w);
  for (const [label, algo, raw] of runs) {
    const algorithm = getAlgorithm(algo);
    const t0 = performance.now();
    const model = await algorithm.train(split.train, algorithm.paramsSchema.parse(raw), { seed: 42 });
    const seconds = (performance.now() - t0) / 1000;
    const all = evaluateModel(model, split, { k: K }).metrics;
    const c = evaluateModel(model, cold, { k: K }).metrics;
    const { shelf: shelfModel, tied } = coldShelf(model, counts);
    const shelfMetrics = evaluateModel(shelfModel, cold, { k: K }).metrics;
    const shelf = tied() ? null : shelfMetrics;
    console.log(
      `${label.padEnd(13)} ${seconds.toFixed(2).padStart(7)}  ${f(all[`recall@${K}`]!, 9)}  ${f(all[`ndcg@${K}`]!, 7)}  ` +
        `${f(c[`recall@${K}`]!, 14)}  ${f(c[`ndcg@${K}`]!, 12)}  ${f(hitShare(model, cold), 14)}  ` +
        `${shelf ? f(shelf[`recall@${K}`]!, 15) : 'tie'.padStart(15)}  ${shelf ? f(shelf[`ndcg@${K}`]!, 13) : 'tie'.padStart(13)}`,
    );
  }
  console.log(`(shelf: only the ${coldItems} items without training interactions ranked; a random order's recall@${K} is ${f(K / coldItems, 0)})`);
}

await report('time split (newest 20% of events)', timeProtocol());
await report('item cold-start split (10% of rated movies without interactions + 20% of other positives)', itemColdProtocol());
console.log(`\nparams: ${JSON.stringify(Object.fromEntries(runs.map(([label, , p]) => [label, p])))}`);
