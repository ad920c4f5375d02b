import { useState } from 'preact/hooks';
import { client, type ApiEvent } from '../api.js';
import { href, when } from '../format.js';
import { ErrorNote, EventsTable, Section, Show, Table, useLoad } from '../ui.js';

const TABS = [
  ['users', 'Users'],
  ['items', 'Items'],
  ['events', 'Events'],
] as const;

export function DataPage({ tab = 'users' }: { tab?: string | undefined }) {
  return (
    <>
      <h1>Data</h1>
      <nav class="tabs" aria-label="Data kinds">
        {TABS.map(([t, label]) => (
          <a key={t} href={`#/data/${t}`} aria-current={tab === t ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      {tab === "items" ? <Records key="items" kind="items" /> : tab === "events" ? <Events /> : <Records key="users" kind="users" />}
    </>
  );
}

/** Users or items by id, a page at a time; the search box opens an id or filters the page. */
function Records({ kind }: { kind: 'users' | 'items' }) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const q = { limit: 50, ...(cursor ? { cursor } : {}) };
  const users = useLoad(() => (kind === 'users' ? client.users.list(q) : Promise.resolve(null)), [kind, cursor]);
  const items = useLoad(() => (kind === 'items' ? client.items.list(q) : Promise.resolve(null)), [kind, cursor]);
  const [search, setSearch] = useState('');
  const [lookupError, setLookupError] = useState<unknown>(undefined);
  const needle = search.trim().toLowerCase();
  const matches = (...fields: string[]) => !needle || fields.some((f) => f.toLowerCase().includes(needle));
  const pager = (next: string | null) => (
    <div class="row">
      <button type="button" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
        Previous page
      </button>
      <button type="button" disabled={next === null} onClick={() => setCursors((c) => [...c, next ?? undefined])}>
        Next page
      </button>
    </div>
  );

  return (
    <Section title={kind === 'users' ? 'Users' : 'Items'}>
      <form
        class="row"
        role="search"
        onSubmit={async (e) => {
          e.preventDefault();
          const id = search.trim();
          if (!id) return;
          try {
            await (kind === 'users' ? client.users.get(id) : client.items.get(id));
            location.hash = kind === 'users' ? href.user(id) : href.item(id);
          } catch (err) {
            setLookupError(err);
          }
        }}
      >
        <label for={`find-${kind}`}>Find {kind === 'users' ? 'a user' : 'an item'} by id, or filter this page</label>
        <input id={`find-${kind}`} value={search} onInput={(e) => (setSearch(e.currentTarget.value), setLookupError(undefined))} placeholder={kind === 'users' ? 'alice' : 'm0103'} />
        <button type="submit">Open</button>
      </form>
      <ErrorNote error={lookupError} />
      {kind === 'users' ? (
        <Show loaded={users}>
          {(p) =>
            p && (
              <>
                <Table caption="Users" head={['id', 'attributes', 'created']}>
                  {p.items
                    .filter((u) => matches(u.id))
                    .map((u) => (
                      <tr key={u.id}>
                        <td>
                          <a href={href.user(u.id)}>{u.id}</a>
                        </td>
                        <td class="clip">{JSON.stringify(u.attributes)}</td>
                        <td>{when(u.createdAt)}</td>
                      </tr>
                    ))}
                </Table>
                {pager(p.next)}
              </>
            )
          }
        </Show>
      ) : (
        <Show loaded={items}>
          {(p) =>
            p && (
              <>
                <Table caption="Items" head={['id', 'title', 'categories', 'tags', 'hidden']}>
                  {p.items
                    .filter((i) => matches(i.id, i.title))
                    .map((i) => (
                      <tr key={i.id}>
                        <td>
                          <a href={href.item(i.id)}>{i.id}</a>
                        </td>
                        <td>{i.title}</td>
                        <td>{i.categories.join(', ')}</td>
                        <td class="clip">{i.tags.join(', ')}</td>
                        <td>{i.hidden ? 'hidden' : ''}</td>
                      </tr>
                    ))}
                </Table>
                {pager(p.next)}
              </>
            )
          }
        </Show>
      )}
    </Section>
  );
}

/** One user's feedback, newest first, paged backwards. */
function Events() {
  const [user, setUser] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const [events, setEvents] = useState<ApiEvent[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [more, setMore] = useState(false);

  const load = async (id: string, after: ApiEvent | undefined) => {
    try {
      const page = await client.users.events(id, { limit: 50, ...(after ? { before: Date.parse(after.timestamp), beforeId: after.id } : {}) });
      setEvents((e) => (after ? [...e, ...page.items] : page.items));
      setMore(page.items.length === 50);
      setShown(id);
      setError(undefined);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Section title="Events">
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (user.trim()) void load(user.trim(), undefined);
        }}
      >
        <label for="events-user">User id</label>
        <input id="events-user" value={user} onInput={(e) => setUser(e.currentTarget.value)} placeholder="alice" />
        <button type="submit">Show events</button>
      </form>
      <ErrorNote error={error} />
      {shown !== null ? (
        <>
          <p class="muted small">
            Feedback of <a href={href.user(shown)}>{shown}</a>, newest first ({events.length} shown).
          </p>
          <EventsTable caption={`Events of ${shown}`} events={events} />
          {more ? (
            <button type="button" onClick={() => void load(shown, events[events.length - 1])}>
              Older events
            </button>
          ) : null}
        </>
      ) : null}
    </Section>
  );
}
