import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { href, num, pct, when } from '../format.js';
import { PickById, Section, Show, Stat, Table, useLoad } from '../ui.js';

export function ItemPage({ id }: { id?: string | undefined }) {
  if (!id) return <PickItem />;
  return <ItemInspector key={id} id={id} />;
}

function PickItem() {
  return (
    <PickById title="Item inspector" label="Item id" placeholder="m0103" to={href.item}>
      <p class="muted small">
        Or browse the <a href="#/data/items">items</a>.
      </p>
    </PickById>
  );
}

function ItemInspector({ id }: { id: string }) {
  const item = useLoad(() => client.items.get(id), [id]);
  const similar = useLoad(() => client.items.similar(id, { n: 10 }), [id]);
  const [hours, setHours] = useState(24);
  const audience = useLoad(() => client.items.audience(id, { hours, limit: 50 }), [id, hours]);
  return (
    <>
      <h1>
        Item <span class="mono">{id}</span>
      </h1>
      <Show loaded={item}>
        {(it) => (
          <Section title={it.title || it.id}>
            <dl class="facts">
              <dt>kind</dt>
              <dd>{it.kind}</dd>
              <dt>categories</dt>
              <dd>{it.categories.join(', ') || '–'}</dd>
              <dt>tags</dt>
              <dd>{it.tags.join(', ') || '–'}</dd>
              {Object.entries(it.numeric).map(([k, v]) => (
                <>
                  <dt key={`k-${k}`}>{k}</dt>
                  <dd key={`v-${k}`}>{num(v)}</dd>
                </>
              ))}
              <dt>created</dt>
              <dd>{when(it.createdAt)}</dd>
              <dt>status</dt>
              <dd>{it.hidden ? 'hidden (never recommended)' : 'recommendable'}</dd>
            </dl>
            {it.text ? <p class="small">{it.text}</p> : null}
          </Section>
        )}
      </Show>
      <Section title="Similar items">
        <Show loaded={similar}>
          {(s) => (
            <Table caption={`Items similar to ${id}`} head={['#', 'item', 'source', 'score', 'reason']}>
              {s.items.map((r, k) => (
                <tr key={r.id}>
                  <td class="num">{k + 1}</td>
                  <td>
                    <a href={href.item(r.id)}>{r.id}</a>
                  </td>
                  <td>{r.source}</td>
                  <td class="num">{num(r.score)}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </Table>
          )}
        </Show>
      </Section>
      <Section
        title="Recommended to"
        actions={
          <label class="inline">
            Window{' '}
            <select value={hours} onChange={(e) => setHours(Number(e.currentTarget.value))}>
              <option value={1}>1 hour</option>
              <option value={24}>24 hours</option>
              <option value={168}>7 days</option>
              <option value={720}>30 days</option>
            </select>
          </label>
        }
      >
        <Show loaded={audience}>
          {(a) => {
            const impressions = a.users.reduce((s, u) => s + u.impressions, 0);
            const clicks = a.users.reduce((s, u) => s + u.clicks, 0);
            return (
              <>
                <div class="stats">
                  <Stat label="users shown to" value={num(a.users.length)} hint={a.users.length === 50 ? 'the 50 most recent' : undefined} />
                  <Stat label="impressions" value={num(impressions)} />
                  <Stat label="attributed clicks" value={num(clicks)} />
                  <Stat label="CTR" value={impressions ? pct(clicks / impressions) : '–'} />
                </div>
                {a.truncated ? <p class="muted small">The window holds more impressions than were scanned ({num(a.scanned)}): counts are partial.</p> : null}
                {a.users.length === 0 ? (
                  <p class="muted">Not recommended to anyone in this window.</p>
                ) : (
                  <Table caption={`Users ${id} was recommended to`} head={['user', 'impressions', 'clicks', 'best position', 'last shown', 'surfaces']}>
                    {a.users.map((u) => (
                      <tr key={u.user}>
                        <td>
                          <a href={href.user(u.user)}>{u.user || '(anonymous)'}</a>
                        </td>
                        <td class="num">{u.impressions}</td>
                        <td class="num">{u.clicks}</td>
                        <td class="num">{u.bestPosition + 1}</td>
                        <td>{when(u.lastShownAt)}</td>
                        <td>{u.surfaces.join(', ')}</td>
                      </tr>
                    ))}
                  </Table>
                )}
              </>
            );
          }}
        </Show>
      </Section>
    </>
  );
}
