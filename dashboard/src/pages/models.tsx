import { useState } from 'preact/hooks';
import { client, type ApiModelMeta } from '../api.js';
import { LineChart } from '../charts.js';
import { age, num, when } from '../format.js';
import { AdminOnly, ErrorNote, Section, Show, Table, useIsAdmin, useLoad } from '../ui.js';

export function ModelsPage() {
  const models = useLoad(() => client.models.list(), []);
  return (
    <>
      <h1>Models</h1>
      <Show loaded={models}>
        {(list) => (list.length === 0 ? <p class="muted">No model has been trained yet.</p> : <Registry models={list} reload={models.reload} />)}
      </Show>
    </>
  );
}

function Registry({ models, reload }: { models: ApiModelMeta[]; reload: () => void }) {
  const admin = useIsAdmin();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<string | null>(null);
  const act = async (what: string, run: () => Promise<ApiModelMeta>) => {
    if (!confirm(`${what}?`)) return;
    setBusy(true);
    setError(undefined);
    try {
      const m = await run();
      setDone(`${m.name} v${m.version} is serving.`);
      reload();
    } catch (err) {
      setError(err);
      setDone(null);
    } finally {
      setBusy(false);
    }
  };
  const names = [...new Set(models.map((m) => m.name))].sort();
  const [name, setName] = useState(names.includes('main') ? 'main' : names[0]!);
  const versions = models.filter((m) => m.name === name);
  const metricNames = [...new Set(versions.flatMap((m) => Object.keys(m.metrics)))].sort();
  const [metric, setMetric] = useState('ndcg@20');
  const shown = metricNames.includes(metric) ? metric : metricNames[0];
  const oldestFirst = [...versions].reverse();

  return (
    <>
      <Section
        title="Offline metrics over time"
        actions={
          <div class="row">
            <label class="inline">
              Model{' '}
              <select value={name} onChange={(e) => setName(e.currentTarget.value)}>
                {names.map((n) => (
                  <option key={n}>{n}</option>
                ))}
              </select>
            </label>
            {metricNames.length ? (
              <label class="inline">
                Metric{' '}
                <select value={shown} onChange={(e) => setMetric(e.currentTarget.value)}>
                  {metricNames.map((n) => (
                    <option key={n}>{n}</option>
                  ))}
                </select>
              </label>
            ) : null}
          </div>
        }
      >
        {shown ? (
          <LineChart
            title={`${name}: ${shown} on the training holdout, per version`}
            series={[{ name: shown, points: oldestFirst.filter((m) => m.metrics[shown] !== undefined).map((m) => ({ x: Date.parse(m.trainedAt), y: m.metrics[shown]! })) }]}
            xFormat={(x) => new Date(x).toISOString().slice(5, 16).replace('T', ' ')}
          />
        ) : (
          <p class="muted">These versions carry no holdout metrics (too few events for a holdout).</p>
        )}
      </Section>
      <Section
        title={`Registry: ${name}`}
        actions={
          <button type="button" disabled={!admin || busy} onClick={() => void act(`Roll ${name} back to the version that served before`, () => client.admin.rollback(name))}>
            Roll back {name}
          </button>
        }
      >
        {!admin ? <AdminOnly what="Promoting and rolling back" /> : null}
        <ErrorNote error={error} />
        {done ? (
          <p class="small" role="status">
            {done}
          </p>
        ) : null}
        <Table caption={`Versions of ${name}, newest first`} head={['version', 'state', 'gate', 'algorithm', 'trained', 'age', 'train s', 'users', 'items', 'events', ...metricNames, '']}>
          {versions.map((m) => (
            <tr key={m.version} data-version={m.version} data-state={m.state}>
              <td class="num">{m.version}</td>
              <td>
                <span class={`tag state-${m.state}`}>{m.state}</span>
              </td>
              <td class="small" title={m.gate?.reason ?? 'no gate judged this version'}>
                {m.gate ? (m.gate.passed ? 'passed' : 'failed') : '–'}
              </td>
              <td>{m.algorithm}</td>
              <td>{when(m.trainedAt)}</td>
              <td>{age(m.trainedAt)}</td>
              <td class="num">{num(m.trainingSeconds)}</td>
              <td class="num">{num(m.data.users)}</td>
              <td class="num">{num(m.data.items)}</td>
              <td class="num">{num(m.data.events)}</td>
              {metricNames.map((k) => (
                <td class="num" key={k}>
                  {m.metrics[k] === undefined ? '–' : m.metrics[k]!.toFixed(4)}
                </td>
              ))}
              <td>
                {m.state !== 'serving' ? (
                  <button type="button" disabled={!admin || busy} onClick={() => void act(`Put ${m.name} v${m.version} in service`, () => client.admin.promote(m.name, m.version))}>
                    Promote v{m.version}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </Table>
      </Section>
    </>
  );
}
