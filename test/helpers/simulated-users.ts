import { Rng } from '../../src/core/index.js';

/**
 * A population whose true preferences are known: users and items have latent vectors around
 * genre directions, and a user clicks a shown item with probability
 * sigmoid(BIAS + SCALE · user·item + quality(item)). Past behaviour is drawn from the same
 * preferences, so a collaborative model can learn them and a popularity list cannot.
 */
export interface SimulatedWorld {
  users: string[];
  items: { id: string; title: string; categories: string[] }[];
  /** Past positive events (clicks, and purchases of some), to train on. */
  history: { id: string; user: string; item: string; type: string; timestamp: number }[];
  clickProbability(user: string, item: string): number;
}

const DIM = 8;
const BIAS = -3.2;
const SCALE = 1.6;

export function simulateWorld(opts: { users: number; itemsPerGenre: number; eventsPerUser: number; seed: number; t0: number }): SimulatedWorld {
  const rng = new Rng(opts.seed);
  const genre = (g: number): number[] => Array.from({ length: DIM }, (_, d) => (d === g ? 1 : 0));
  const itemVec = new Map<string, number[]>();
  const quality = new Map<string, number>();
  const items: SimulatedWorld['items'] = [];
  for (let g = 0; g < DIM; g++) {
    for (let k = 0; k < opts.itemsPerGenre; k++) {
      const id = `g${g}i${k}`;
      itemVec.set(id, genre(g).map((x) => 2 * x + 0.3 * rng.normal()));
      quality.set(id, 0.4 * rng.normal());
      items.push({ id, title: `Item ${id}`, categories: [`genre${g}`] });
    }
  }
  // Genres are unequally popular (users favour low-numbered ones), as real catalogues are.
  const userVec = new Map<string, number[]>();
  const users: string[] = [];
  for (let u = 0; u < opts.users; u++) {
    const id = `u${u}`;
    const main = Math.min(DIM - 1, Math.floor(-Math.log(1 - rng.next()) * 2.5));
    const second = rng.int(DIM);
    userVec.set(id, genre(main).map((x, d) => x + (d === second ? 0.5 : 0) + 0.2 * rng.normal()));
    users.push(id);
  }
  const logit = (user: string, item: string): number => {
    const u = userVec.get(user)!;
    const v = itemVec.get(item)!;
    let dot = 0;
    for (let d = 0; d < DIM; d++) dot += u[d]! * v[d]!;
    return BIAS + SCALE * dot + quality.get(item)!;
  };
  const history: SimulatedWorld['history'] = [];
  let n = 0;
  for (const user of users) {
    // Items the user came across by themselves, drawn in proportion to exp(logit).
    const weights = items.map((it) => Math.exp(logit(user, it.id)));
    const total = weights.reduce((s, w) => s + w, 0);
    const taken = new Set<string>();
    for (let e = 0; e < opts.eventsPerUser; e++) {
      let r = rng.next() * total;
      let pick = 0;
      while (pick < items.length - 1 && (r -= weights[pick]!) > 0) pick++;
      const item = items[pick]!.id;
      if (taken.has(item)) continue;
      taken.add(item);
      const timestamp = opts.t0 + n * 1000;
      history.push({ id: `h${n++}`, user, item, type: 'click', timestamp });
      if (rng.next() < 0.2) history.push({ id: `h${n++}`, user, item, type: 'purchase', timestamp: timestamp + 1 });
    }
  }
  return { users, items, history, clickProbability: (user, item) => 1 / (1 + Math.exp(-logit(user, item))) };
}
