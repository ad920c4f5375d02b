import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { client, errorText, session, type ApiMe } from './api.js';
import { Me } from './ui.js';
import { OverviewPage } from './pages/overview.js';
import { DataPage } from './pages/data.js';
import { UserPage } from './pages/user.js';
import { ItemPage } from './pages/item.js';
import { EvaluationPage } from './pages/evaluation.js';
import { ModelsPage } from './pages/models.js';
import './styles.css';

const NAV = [
  ['overview', 'Overview'],
  ['data', 'Data'],
  ['users', 'User inspector'],
  ['items', 'Item inspector'],
  ['models', 'Models'],
  ['evaluation', 'Evaluation'],
] as const;

/** "#/users/alice" → ["users", "alice"]. */
function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function Page({ route }: { route: string[] }) {
  const [page = 'overview', id] = route;
  switch (page) {
    case 'data':
      return <DataPage tab={id} />;
    case 'users':
      return <UserPage id={id} />;
    case 'items':
      return <ItemPage id={id} />;
    case 'models':
      return <ModelsPage />;
    case 'evaluation':
      return <EvaluationPage />;
    default:
      return <OverviewPage />;
  }
}

function Login({ onDone, failed }: { onDone: () => void; failed: string | null }) {
  const [key, setKey] = useState('');
  return (
    <main class="login">
      <h1>Magpie</h1>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          session.login(key.trim());
          onDone();
        }}
      >
        <p>This server needs an API key (create one with <code>magpie keys create</code>).</p>
        <label for="api-key">API key</label>
        <input id="api-key" type="password" autoComplete="off" required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        {failed ? (
          <p class="error" role="alert">
            {failed}
          </p>
        ) : null}
        <button type="submit">Log in</button>
        <p class="muted small">The key stays in this tab (sessionStorage) and is sent as a bearer token.</p>
      </form>
    </main>
  );
}

function App() {
  const route = useRoute();
  const [me, setMe] = useState<ApiMe | null>(null);
  const [needLogin, setNeedLogin] = useState<string | null | false>(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    (async () => {
      // Asked first without a key, so an open server never shows a login and no 401 is provoked.
      if ((await client.authRequired()) && !session.key()) return setNeedLogin(null);
      try {
        setMe(await client.me());
        setNeedLogin(false);
      } catch (err) {
        session.logout();
        setNeedLogin(errorText(err));
      }
    })().catch((err: unknown) => setNeedLogin(errorText(err)));
  }, [attempt]);

  if (needLogin !== false) return <Login failed={needLogin} onDone={() => setAttempt((a) => a + 1)} />;
  if (!me) return <p class="muted">Loading…</p>;
  const current = route[0] ?? 'overview';
  return (
    <Me.Provider value={me}>
      <header class="top">
        <a class="brand" href="#/overview">
          Magpie
        </a>
        <nav aria-label="Pages">
          {NAV.map(([path, label]) => (
            <a key={path} href={`#/${path}`} aria-current={current === path ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <div class="who">
          {me.auth ? (
            <>
              <span class="muted small">
                {me.name} ({me.role})
              </span>
              <button
                type="button"
                class="link"
                onClick={() => {
                  session.logout();
                  setMe(null);
                  setAttempt((a) => a + 1);
                }}
              >
                Log out
              </button>
            </>
          ) : (
            <span class="muted small">open API (no keys)</span>
          )}
        </div>
      </header>
      <main id="main">
        <Page route={route} />
      </main>
    </Me.Provider>
  );
}

render(<App />, document.getElementById('app')!);
