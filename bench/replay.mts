// Offline replay (magpie replay, docs/replay.md) on data anyone can regenerate or download:
// the configured `home` surface against three candidate changes. Run: npm run bench:replay
//
//   --mode all | demo,movielens   (default all)
//   --data DIR    folder holding ml-latest-small/ (default $MAGPIE_DATA or ../shared/data)
//   --k 10,20
//
// demo: the generated demo catalogue (500 users, 600 films, 90 days, seed 42) dated to end on
// 2026-01-01, replayed over its last 14 days. movielens (skipped when the files are absent):
// ml-latest-small, ratings ≥ 4 positive, replayed over the last 10% of its events; an item
// "exists" from its first rating, its genres are its categories. Everything is seeded: a rerun
// prints the same numbers (the seconds aside).
import { parseArgs } from 'node:util';
import { createMemoryStores, MemoryDataStore } from '../src/adapters/memory/index.js';
import { formatReplayTable } from '../src/cli/commands/replay.js';
import { parseConfig, type MagpieConfigInput } from '../src/config/index.js';
import type { FeedbackEvent, Item, User } from '../src/core/index.js';
import { generateDemoData, MOVIELENS_FEEDBACK_TYPES } from '../src/data/index.js';
import { ReplayService, type ReplayVariant } from '../src/services/index.js';
import { loadMovieLens, timeAt } from './ranker-movielens.mjs';

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'all' },
    data: { type: 'string', default: process.env['MAGPIE_DATA'] ?? '../shared/data' },
    k: { type: 'string', default: '10,20' },
  },
});
const ks = (args.k ?? '10,20').split(',').map(Number);
const modes = args.mode === 'all' ? ['demo', 'movielens'] : (args.mode ?? '').split(',');
const DAY = 86_400_000;

/** The candidates each data set is replayed with, each against the configured home surface. */
const CANDIDATES: ReplayVariant[] = [
  { name: 'popularity-only', surfaceOverride: { sources: [{ type: 'ranked', name: 'popular', role: 'popular', limit: 500 }], ranker: { weights: {} } } },
  { name: 'home+mmr0.7', surfaceOverride: { postprocess: { diversity: { lambda: 0.7 } } } },
  { name: 'main=ials', modelsOverride: { main: { algorithm: 'ials' } } },
];

console.log(`bench/replay.mts mode=${args.mode} k=${ks.join(',')}`);
for (const c of CANDIDATES) console.log(`  candidate ${c.name}: ${JSON.stringify({ surface: c.surfaceOverride, models: c.modelsOverride })}`);

if (modes.includes('demo')) {
  const now = Date.UTC(2026, 0, 1);
  const demo = generateDemoData({ now, seed: 42 });
  await replayAll('demo (500 users, 600 films, seed 42)', demo, {}, now - 14 * DAY, now);
}

if (modes.includes('movielens')) {
  const ml = await loadMovieLens(`${args.data}/ml-latest-small`);
  if (!ml) console.log(`\nmovielens: skipped (no ratings.csv/movies.csv in ${args.data}/ml-latest-small)`);
  else {
    const firstSeen = new Map<string, number>();
    for (const e of ml.events) if (!firstSeen.has(e.item)) firstSeen.set(e.item, e.timestamp);
    const items: Item[] = [...firstSeen].map(([id, createdAt]) => ({
      id, kind: 'movie', title: id, text: '', categories: [...(ml.attributes(id)?.categories ?? [])], tags: [], numeric: {}, embedding: null, createdAt, hidden: false,
    }));
    const from = timeAt(ml, 0.9);
    const to = ml.events[ml.events.length - 1]!.timestamp + 1;
    await replayAll('ml-latest-small, last 10% of events', { users: [], items, events: ml.events }, { feedback: { types: { ...MOVIELENS_FEEDBACK_TYPES } } }, from, to);
  }
}

async function replayAll(title: string, data: { users: User[]; items: Item[]; events: FeedbackEvent[] }, config: MagpieConfigInput, from: number, to: number) {
  const store = new MemoryDataStore();
  await store.upsertUsers(data.users);
  await store.upsertItems(data.items);
  for (let i = 0; i < data.events.length; i += 10_000) await store.insertEvents(data.events.slice(i, i + 10_000), { createMissing: true, now: to });
  const service = new ReplayService({ config: parseConfig({ storage: { url: 'memory:' }, ...config }), store, scratch: createMemoryStores });
  for (const candidate of CANDIDATES) {
    const t0 = performance.now();
    const r = await service.run({ from, to, k: ks, variants: [{ name: 'home' }, candidate] });
    const w = r.window;
    console.log(`\n${title}: window [${new Date(from).toISOString()}, ${new Date(to).toISOString()}), home vs ${candidate.name}`);
    console.log(`  state: ${r.state.events} events, ${r.state.items} items; window: ${w.scoredUsers} users scored (${w.coldUsers} cold), ${w.relevantPairs} relevant pairs; left out ${w.droppedUnknownItems} unknown-item and ${w.droppedKnownItems} already-seen pairs`);
    console.log(`  trained in ${r.state.trainingSeconds.toFixed(1)} s; replayed in ${r.variants.map((v) => `${v.seconds.toFixed(1)} s`).join(' + ')}; total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log(formatReplayTable(r).replace(/^/gm, '  '));
  }
}
