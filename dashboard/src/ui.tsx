import type { ComponentChildren } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import { errorText, type ApiEvent, type ApiMe } from './api.js';
import { href, when } from './format.js';

/** Who is logged in: what the UI may offer (the server enforces it either way). */
export const Me = createContext<ApiMe>({ auth: false, name: null, role: 'read' });

export function useIsAdmin(): boolean {
  return useContext(Me).role === 'admin';
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change (and on reload); a stale answer never overwrites a newer one. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => current && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function ErrorNote({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return (
    <p class="error" role="alert">
      {errorText(error)}
    </p>
  );
}

/** Error, spinner text or the content, for one loaded value. */
export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.error !== undefined) return <ErrorNote error={loaded.error} />;
  if (loaded.data === undefined) return <p class="muted" aria-live="polite">Loading…</p>;
  return <>{children(loaded.data)}</>;
}

export function Stat({ label, value, hint }: { label: string; value: ComponentChildren; hint?: string | undefined }) {
  return (
    <div class="stat">
      <div class="stat-value">{value}</div>
      <div class="stat-label">{label}</div>
      {hint ? <div class="muted small">{hint}</div> : null}
    </div>
  );
}

export function Section({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  const id = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section class="card" aria-labelledby={id}>
      <div class="card-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** A table that scrolls sideways on a phone instead of breaking the page. */
export function Table({ caption, head, children }: { caption: string; head: string[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export function AdminOnly({ what }: { what: string }) {
  return <p class="muted note">{what} needs an admin key: log in with one to use it.</p>;
}

/** A user's feedback events, newest first, each item linked to its inspector. */
export function EventsTable({ caption, events }: { caption: string; events: ApiEvent[] }) {
  return (
    <Table caption={caption} head={['time', 'type', 'item', 'value', 'id']}>
      {events.map((e) => (
        <tr key={e.id}>
          <td>{when(e.timestamp)}</td>
          <td>{e.type}</td>
          <td>
            <a href={href.item(e.item)}>{e.item}</a>
          </td>
          <td class="num">{e.value ?? ''}</td>
          <td class="clip">{e.id}</td>
        </tr>
      ))}
    </Table>
  );
}

/** An inspector's landing form: type an id, go to its page. */
export function PickById({ title, label, placeholder, to, children }: { title: string; label: string; placeholder: string; to: (id: string) => string; children?: ComponentChildren }) {
  const [id, setId] = useState('');
  const inputId = `pick-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <>
      <h1>{title}</h1>
      <Section title={`Open ${label.toLowerCase()}`}>
        <form class="row" onSubmit={(e) => (e.preventDefault(), id.trim() && (location.hash = to(id.trim())))}>
          <label for={inputId}>{label}</label>
          <input id={inputId} value={id} onInput={(e) => setId(e.currentTarget.value)} placeholder={placeholder} />
          <button type="submit">Inspect</button>
        </form>
        {children}
      </Section>
    </>
  );
}
