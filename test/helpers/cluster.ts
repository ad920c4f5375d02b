// Helpers for tests that run several `magpie serve` processes against shared backends.

/** A synthetic catalogue with latent structure: `groups` tastes, each user liking items of one. */
export function clusteredData(opts: { users: number; items: number; groups: number; perUser: number; t0?: number }) {
  const t0 = opts.t0 ?? Date.UTC(2026, 0, 1);
  const items = Array.from({ length: opts.items }, (_, i) => ({
    id: `i${i}`,
    title: `Item ${i}`,
    categories: [`g${i % opts.groups}`],
  }));
  const events: { id: string; user: string; item: string; type: string; timestamp: number }[] = [];
  const perGroup = Math.floor(opts.items / opts.groups);
  for (let u = 0; u < opts.users; u++) {
    const g = u % opts.groups;
    for (let k = 0; k < opts.perUser; k++) {
      // A deterministic spread over the group's items, different per user.
      const slot = (u * 7 + k * 13) % perGroup;
      const item = slot * opts.groups + g;
      events.push({ id: `e${u}_${k}`, user: `u${u}`, item: `i${item}`, type: 'like', timestamp: t0 + (u * opts.perUser + k) * 1_000 });
    }
  }
  return { items, events };
}

export interface HttpAnswer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of any route
  headers: Headers;
}

export async function http(base: string, method: string, path: string, body?: unknown): Promise<HttpAnswer> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (metrics): keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** POSTs in batches and fails on the first answer that is not 200. */
export async function postAll(base: string, path: string, records: unknown[], batch = 2_000): Promise<void> {
  for (let i = 0; i < records.length; i += batch) {
    const r = await http(base, 'POST', path, records.slice(i, i + batch));
    if (r.status !== 200) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

export async function waitUntil(what: string, condition: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Requests sent in a loop by `clients` concurrent clients until stopped; every answer is counted. */
export class LoadLoop {
  ok = 0;
  readonly failures: string[] = [];
  private stopped = false;
  private readonly running: Promise<void>[] = [];

  constructor(paths: (client: number, n: number) => { base: string; path: string }, clients = 2, pauseMs = 10) {
    for (let c = 0; c < clients; c++) {
      this.running.push(
        (async () => {
          for (let n = 0; !this.stopped; n++) {
            const { base, path } = paths(c, n);
            try {
              const r = await http(base, 'GET', path);
              if (r.status === 200 && Array.isArray(r.body?.items)) this.ok++;
              else this.failures.push(`${base}${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
            } catch (err) {
              this.failures.push(`${base}${path}: ${String(err)}`);
            }
            await new Promise((resolve) => setTimeout(resolve, pauseMs));
          }
        })(),
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }
}
