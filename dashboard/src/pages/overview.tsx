import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { LineChart } from '../charts.js';
import { age, ms, num, pct, when } from '../format.js';
import { Section, Show, Stat, Table, useLoad } from '../ui.js';

const BUCKETS = { minute: 'Events per minute (last hour)', hour: 'Events per hour (last 60 hours)', day: 'Events per day (last 60 days)' } as const;
type Bucket = keyof typeof BUCKETS;

export function OverviewPage() {
  const status = useLoad(() => client.status(), []);
  const serving = useLoad(() => client.stats.serving(), []);
  const [bucket, setBucket] = useState<Bucket>('minute');
  const events = useLoad(() => client.stats.events({ bucket }), [bucket]);

  return (
    <>
      <h1>Overview</h1>
      <Show loaded={status}>
        {(s) => {
          const main = s.models['main'];
          return (
            <div class="stats" data-testid="counts">
              <Stat label="users" value={num(s.counts.users)} />
              <Stat label="items" value={num(s.counts.items)} />
              <Stat label="events" value={num(s.counts.events)} />
              <Stat label="serving model" value={main ? `${main.algorithm} v${main.version}` : 'none yet'} hint={main ? `trained ${age(main.trainedAt)}` : undefined} />
              <Stat label="training" value={s.training.state} hint={s.training.lastError ?? (s.training.lastRunAt ? `last run ${age(s.training.lastRunAt)}` : undefined)} />
              <Stat label="event log lag" value={num(s.logLag)} />
            </div>
          );
        }}
      </Show>

      <Section
        title="Feedback events"
        actions={
          <label class="inline">
            Bucket{' '}
            <select value={bucket} onChange={(e) => setBucket(e.currentTarget.value as Bucket)}>
              <option value="minute">minute</option>
              <option value="hour">hour</option>
              <option value="day">day</option>
            </select>
          </label>
        }
      >
        <Show loaded={events}>
          {(e) => (
            <LineChart
              title={BUCKETS[bucket]}
              series={[{ name: 'events', points: e.buckets.map((b) => ({ x: Date.parse(b.start), y: b.events })) }]}
              xFormat={(x) => {
                const d = new Date(x).toISOString();
                return bucket === 'day' ? d.slice(5, 10) : d.slice(bucket === 'hour' ? 5 : 11, 16).replace('T', ' ');
              }}
            />
          )}
        </Show>
        <p class="muted small">By event time, UTC. Counts what is stored, wherever it came from.</p>
      </Section>

      <Section title="Serving" actions={<button type="button" onClick={serving.reload}>Refresh</button>}>
        <Show loaded={serving}>
          {(sv) => (
            <>
              <div class="stats">
                <Stat label="results-cache hit rate" value={pct(sv.cache.hitRate)} hint={`${num(sv.cache.hits)} hits, ${num(sv.cache.misses)} misses, ${num(sv.cache.entries)} lists held`} />
              </div>
              <Table caption="Latency per route since this process started" head={['route', 'requests', 'p50', 'p95', 'p99', 'mean']}>
                {sv.routes
                  .filter((r) => r.route.startsWith('/api/'))
                  .map((r) => (
                    <tr key={`${r.method} ${r.route}`}>
                      <td>
                        <code>
                          {r.method} {r.route}
                        </code>
                      </td>
                      <td class="num">{num(r.requests)}</td>
                      <td class="num">{ms(r.p50)}</td>
                      <td class="num">{ms(r.p95)}</td>
                      <td class="num">{ms(r.p99)}</td>
                      <td class="num">{ms(r.mean)}</td>
                    </tr>
                  ))}
              </Table>
              <p class="muted small">Percentiles estimated within the request histogram's buckets, since this process started.</p>
            </>
          )}
        </Show>
      </Section>

      <Show loaded={status}>
        {(s) => (
          <Section title="Models in service">
            <Table caption="Models in service by role" head={['role', 'algorithm', 'version', 'trained', 'age', 'training s']}>
              {Object.entries(s.models).map(([role, m]) => (
                <tr key={role}>
                  <td>{role}</td>
                  <td>{m.algorithm}</td>
                  <td class="num">{m.version}</td>
                  <td>{when(m.trainedAt)}</td>
                  <td>{age(m.trainedAt)}</td>
                  <td class="num">{num(m.trainingSeconds)}</td>
                </tr>
              ))}
            </Table>
          </Section>
        )}
      </Show>
    </>
  );
}
