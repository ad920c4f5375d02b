import { useState } from 'preact/hooks';
import { client, type ApiInspection } from '../api.js';
import { href, num } from '../format.js';
import { AdminOnly, EventsTable, PickById, Section, Show, Table, useIsAdmin, useLoad } from '../ui.js';

interface Controls {
  surface: string;
  n: number;
  category: string;
  tags: string;
  filter: string;
  exclude: string;
}

const START: Controls = { surface: 'home', n: 10, category: '', tags: '', filter: '', exclude: '' };
const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean);

export function UserPage({ id }: { id?: string | undefined }) {
  if (!id) return <PickUser />;
  return <Inspector key={id} id={id} />;
}

function PickUser() {
  return (
    <PickById title="User inspector" label="User id" placeholder="alice" to={href.user}>
      <p class="muted small">
        Demo personas:{' '}
        {['alice', 'bob', 'carol', 'dave', 'erin'].map((u, k) => (
          <span key={u}>
            {k > 0 ? ', ' : ''}
            <a href={href.user(u)}>{u}</a>
          </span>
        ))}
        .
      </p>
    </PickById>
  );
}

function Inspector({ id }: { id: string }) {
  const admin = useIsAdmin();
  const [draft, setDraft] = useState<Controls>(START);
  const [applied, setApplied] = useState<Controls>(START);
  const inspection = useLoad(
    () =>
      admin
        ? client.admin.inspect(id, {
            surface: applied.surface,
            n: applied.n,
            ...(applied.category ? { category: applied.category } : {}),
            ...(applied.filter ? { filter: applied.filter } : {}),
            tags: list(applied.tags),
            exclude: list(applied.exclude),
            rankedLimit: 30,
          })
        : Promise.resolve(null),
    [id, admin, applied],
  );
  const history = useLoad(() => client.users.events(id, { limit: 30 }), [id]);
  const set = (k: keyof Controls) => (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
    setDraft((d) => ({ ...d, [k]: k === 'n' ? Number(e.currentTarget.value) : e.currentTarget.value }));
  const surfaces = inspection.data?.surfaces ?? [applied.surface];

  return (
    <>
      <h1>
        User <span class="mono">{id}</span>
      </h1>
      {!admin ? <AdminOnly what="The user inspector (GET /api/admin/inspect)" /> : null}
      {admin ? (
        <Section title="Request">
          <form
            class="controls"
            aria-label="Recommendation request"
            onSubmit={(e) => {
              e.preventDefault();
              setApplied(draft);
            }}
          >
            <label>
              Surface
              <select name="surface" value={draft.surface} onChange={set('surface')}>
                {surfaces.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label>
              n
              <input name="n" type="number" min={1} max={100} value={draft.n} onInput={set('n')} />
            </label>
            <label>
              Category
              <input name="category" value={draft.category} onInput={set('category')} placeholder="Sci-Fi" />
            </label>
            <label>
              Tags (any of)
              <input name="tags" value={draft.tags} onInput={set('tags')} placeholder="space, aliens" />
            </label>
            <label class="wide">
              Filter expression
              <input name="filter" value={draft.filter} onInput={set('filter')} placeholder='year >= 2000 and "Drama" in categories' />
            </label>
            <label class="wide">
              Exclude ids
              <input name="exclude" value={draft.exclude} onInput={set('exclude')} placeholder="m0001, m0002" />
            </label>
            <div class="row">
              <button type="submit">Apply</button>
              <button type="button" class="link" onClick={() => (setDraft(START), setApplied(START))}>
                Reset
              </button>
            </div>
          </form>
        </Section>
      ) : null}
      {admin ? <Show loaded={inspection}>{(x) => (x ? <Stages x={x} /> : null)}</Show> : null}
      <Section title="History">
        <Show loaded={history}>
          {(h) =>
            h.items.length === 0 ? (
              <p class="muted">No feedback yet: the list comes from trending, fresh and popular items (cold start).</p>
            ) : (
              <EventsTable caption={`Newest feedback of ${id}`} events={h.items} />
            )
          }
        </Show>
      </Section>
    </>
  );
}

function Stages({ x }: { x: ApiInspection }) {
  const title = (id: string) => x.titles[id] ?? id;
  const final = new Set(x.items.map((i) => i.id));
  const featureNames = Object.keys(x.ranked[0]?.features ?? {});
  return (
    <>
      <Section title="Recommendations">
        <p class="muted small">
          Surface <b>{x.surface}</b> · ranker {x.ranker.type}
          {x.ranker.type === 'learned' ? ` v${x.ranker.version}` : ''} · history: {x.history.positives} liked, {x.history.negatives} disliked, {x.history.seen} seen
        </p>
        {x.items.length === 0 ? (
          <p class="muted">Nothing passes this request's filters.</p>
        ) : (
          <Table caption="The final list" head={['#', 'item', 'source', 'score', 'reason']}>
            {x.items.map((it, k) => (
              <tr key={it.id} data-item={it.id}>
                <td class="num">{k + 1}</td>
                <td>
                  <a href={href.item(it.id)}>{title(it.id)}</a> <span class="muted mono small">{it.id}</span>
                </td>
                <td>
                  <span class="tag">{it.source}</span>
                </td>
                <td class="num">{num(it.score)}</td>
                <td>{it.reason}</td>
              </tr>
            ))}
          </Table>
        )}
      </Section>
      <Section title="Candidates by source">
        <p class="muted small">What each source proposed before ranking, with its own score; bold ones made the final list.</p>
        <div class="sources">
          {x.sources.map((s) => (
            <div class="source" key={s.source}>
              <h3>
                {s.source} <span class="muted small">({s.candidates.length} of {s.limit})</span>
              </h3>
              {s.candidates.length === 0 ? (
                <p class="muted small">no candidates</p>
              ) : (
                <ol>
                  {s.candidates.slice(0, 15).map((c) => (
                    <li key={c.id} class={final.has(c.id) ? 'hit' : ''} title={c.reason}>
                      <a href={href.item(c.id)}>{title(c.id)}</a> <span class="muted small">{num(c.score)}</span>
                    </li>
                  ))}
                </ol>
              )}
            </div>
          ))}
        </div>
      </Section>
      <Section title="Ranked candidates">
        <details>
          <summary>
            Top {x.ranked.length} of {x.rankedTotal} ranked candidates, with the ranker's features
          </summary>
          <Table caption="Ranked candidates with features" head={['item', 'source', 'score', ...featureNames]}>
            {x.ranked.map((c) => (
              <tr key={c.id}>
                <td>
                  <a href={href.item(c.id)}>{title(c.id)}</a>
                </td>
                <td>{c.source}</td>
                <td class="num">{num(c.score)}</td>
                {featureNames.map((f) => (
                  <td class="num" key={f}>
                    {num(c.features[f] ?? null)}
                  </td>
                ))}
              </tr>
            ))}
          </Table>
        </details>
      </Section>
    </>
  );
}
