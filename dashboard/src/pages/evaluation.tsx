import { useState } from 'preact/hooks';
import { client, type ApiEvaluation } from '../api.js';
import { BarChart } from '../charts.js';
import { num, when } from '../format.js';
import { AdminOnly, ErrorNote, Section, Table, useIsAdmin } from '../ui.js';

export function EvaluationPage() {
  const admin = useIsAdmin();
  const [algorithms, setAlgorithms] = useState('');
  const [testFraction, setTestFraction] = useState(0.2);
  const [maxEvents, setMaxEvents] = useState(200_000);
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<ApiEvaluation | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  const run = async () => {
    setRunning(true);
    setError(undefined);
    try {
      const names = algorithms.split(',').map((a) => a.trim()).filter(Boolean);
      setReport(await client.admin.evaluate({ testFraction, maxEvents, k: [10, 20], ...(names.length ? { algorithms: names } : {}) }));
    } catch (err) {
      setError(err);
    } finally {
      setRunning(false);
    }
  };

  return (
    <>
      <h1>Evaluation</h1>
      <Section title="Run an offline evaluation on the current data">
        <p class="muted small">
          A time split of the stored events: each model is trained on the older ones and ranks every item for the users of the newest ones
          (the protocol of <code>magpie eval</code>). Nothing is saved; the models in service do not change.
        </p>
        {!admin ? <AdminOnly what="Running an evaluation (POST /api/admin/eval)" /> : null}
        <form
          class="controls"
          aria-label="Evaluation settings"
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
        >
          <label class="wide">
            Algorithms (comma-separated; empty: every configured model role)
            <input name="algorithms" value={algorithms} onInput={(e) => setAlgorithms(e.currentTarget.value)} placeholder="popularity, itemknn, ials" />
          </label>
          <label>
            Test fraction
            <input name="testFraction" type="number" step="0.05" min="0.05" max="0.5" value={testFraction} onInput={(e) => setTestFraction(Number(e.currentTarget.value))} />
          </label>
          <label>
            Newest events used
            <input name="maxEvents" type="number" min="100" step="100" value={maxEvents} onInput={(e) => setMaxEvents(Number(e.currentTarget.value))} />
          </label>
          <div class="row">
            <button type="submit" disabled={!admin || running}>
              {running ? 'Running…' : 'Run evaluation'}
            </button>
          </div>
        </form>
        <ErrorNote error={error} />
      </Section>
      {report ? <Report r={report} /> : null}
    </>
  );
}

function Report({ r }: { r: ApiEvaluation }) {
  const metrics = Object.keys(r.results[0]?.metrics ?? {});
  const chart = (prefix: string) =>
    r.k.map((k) => ({ label: `${prefix}@${k}`, bars: r.results.map((m) => ({ name: m.name, value: m.metrics[`${prefix}@${k}`] ?? 0 })) }));
  return (
    <Section title="Report">
      <p class="small" data-testid="eval-summary">
        {num(r.data.events)} events{r.data.truncated ? ' (the newest only)' : ''}, cut at {when(r.data.cutoff)}: {num(r.data.trainUsers)} training users,{' '}
        {num(r.data.testUsers)} test users, {num(r.data.items)} items; {r.seconds.toFixed(1)} s.
      </p>
      <div class="charts">
        <BarChart title="Recall" groups={chart('recall')} format={(v) => v.toFixed(3)} />
        <BarChart title="NDCG" groups={chart('ndcg')} format={(v) => v.toFixed(3)} />
      </div>
      <Table caption="Offline metrics per model" head={['model', 'algorithm', 'train s', ...metrics]}>
        {r.results.map((m) => (
          <tr key={m.name}>
            <td>{m.name}</td>
            <td>{m.algorithm}</td>
            <td class="num">{m.trainSeconds.toFixed(2)}</td>
            {metrics.map((k) => (
              <td class="num" key={k}>
                {(m.metrics[k] ?? 0).toFixed(4)}
              </td>
            ))}
          </tr>
        ))}
      </Table>
      {r.skipped.length ? <p class="muted small">Skipped: {r.skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}</p> : null}
      <p class="muted small">{r.protocol}</p>
    </Section>
  );
}
