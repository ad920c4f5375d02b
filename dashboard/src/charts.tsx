/**
 * Two small SVG charts, written here rather than taken from a chart library (ADR 0010): a line
 * chart over time and a grouped bar chart with optional confidence intervals. Each is an image
 * with a text alternative, and every point or bar carries a tooltip with its value.
 */

const W = 760;
const PAD = { left: 56, right: 12, top: 12, bottom: 34 };
export const COLORS = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'];

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  // From the step at or below lo to the one at or above hi, so every value lies inside.
  const ticks: number[] = [];
  for (let t = Math.floor(lo / step) * step; t < hi + step - step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

const short = (v: number): string => (Math.abs(v) >= 1000 ? `${(v / 1000).toPrecision(3)}k` : Number(v.toPrecision(3)).toString());

export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

export function LineChart({ title, series, xFormat, height = 220 }: { title: string; series: Series[]; xFormat: (x: number) => string; height?: number }) {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return <p class="muted">{title}: no data.</p>;
  const xs = all.map((p) => p.x);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs) === x0 ? x0 + 1 : Math.max(...xs);
  const yTicks = niceTicks(Math.min(0, ...all.map((p) => p.y)), Math.max(1e-9, ...all.map((p) => p.y)));
  const y0 = yTicks[0]!;
  const y1 = yTicks[yTicks.length - 1]!;
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => height - PAD.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - PAD.top - PAD.bottom);
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => x0 + f * (x1 - x0));
  const total = all.reduce((s, p) => s + p.y, 0);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-label={`${title}: ${all.length} points, total ${short(total)}`}>
        <title>{title}</title>
        <YAxis ticks={yTicks} sy={sy} format={short} />
        {xTicks.map((t, k) => (
          <text key={k} x={sx(t)} y={height - 10} text-anchor={k === 0 ? 'start' : k === 4 ? 'end' : 'middle'} class="tick">
            {xFormat(t)}
          </text>
        ))}
        {series.map((s, k) => (
          <g key={s.name}>
            <polyline fill="none" stroke={COLORS[k % COLORS.length]} stroke-width="2" points={s.points.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' ')} />
            {s.points.length <= 120
              ? s.points.map((p, j) => (
                  <circle key={j} cx={sx(p.x)} cy={sy(p.y)} r="3" fill={COLORS[k % COLORS.length]}>
                    <title>{`${s.name} · ${xFormat(p.x)}: ${short(p.y)}`}</title>
                  </circle>
                ))
              : null}
          </g>
        ))}
      </svg>
      {series.length > 1 ? <Legend names={series.map((s) => s.name)} /> : null}
      <figcaption class="sr-only">{title}</figcaption>
    </figure>
  );
}

export interface Bar {
  name: string;
  value: number;
  /** A confidence interval, drawn as an error bar. */
  lo?: number;
  hi?: number;
}

export function BarChart({ title, groups, height = 240, format = short }: { title: string; groups: { label: string; bars: Bar[] }[]; height?: number; format?: (v: number) => string }) {
  const bars = groups.flatMap((g) => g.bars);
  if (bars.length === 0) return <p class="muted">{title}: no data.</p>;
  const names = [...new Set(bars.map((b) => b.name))];
  const ticks = niceTicks(0, Math.max(1e-9, ...bars.map((b) => Math.max(b.value, b.hi ?? 0))));
  const top = ticks[ticks.length - 1]!;
  const sy = (y: number) => height - PAD.bottom - (y / top) * (height - PAD.top - PAD.bottom);
  const groupW = (W - PAD.left - PAD.right) / groups.length;
  const barW = Math.min(48, (groupW * 0.8) / names.length);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-label={`${title}: ${bars.map((b) => `${b.name} ${format(b.value)}`).join(', ')}`}>
        <title>{title}</title>
        <YAxis ticks={ticks} sy={sy} format={format} />
        {groups.map((g, gi) => {
          const gx = PAD.left + gi * groupW + (groupW - barW * names.length) / 2;
          return (
            <g key={g.label}>
              {g.bars.map((b) => {
                const k = names.indexOf(b.name);
                const x = gx + k * barW;
                return (
                  <g key={b.name}>
                    <rect x={x + 2} y={sy(b.value)} width={barW - 4} height={Math.max(0, sy(0) - sy(b.value))} fill={COLORS[k % COLORS.length]}>
                      <title>{`${g.label} · ${b.name}: ${format(b.value)}${b.lo !== undefined && b.hi !== undefined ? ` (${format(b.lo)} – ${format(b.hi)})` : ''}`}</title>
                    </rect>
                    {b.lo !== undefined && b.hi !== undefined ? (
                      <path d={`M${x + barW / 2},${sy(b.lo)}V${sy(b.hi)}M${x + barW / 2 - 5},${sy(b.lo)}h10M${x + barW / 2 - 5},${sy(b.hi)}h10`} class="interval" />
                    ) : null}
                  </g>
                );
              })}
              <text x={PAD.left + gi * groupW + groupW / 2} y={height - 10} text-anchor="middle" class="tick">
                {g.label}
              </text>
            </g>
          );
        })}
      </svg>
      {names.length > 1 ? <Legend names={names} /> : null}
      <figcaption class="sr-only">{title}</figcaption>
    </figure>
  );
}

/** Horizontal grid lines with their values on the left. */
function YAxis({ ticks, sy, format }: { ticks: number[]; sy: (y: number) => number; format: (v: number) => string }) {
  return (
    <>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={PAD.left} x2={W - PAD.right} y1={sy(t)} y2={sy(t)} class="grid" />
          <text x={PAD.left - 6} y={sy(t) + 4} text-anchor="end" class="tick">
            {format(t)}
          </text>
        </g>
      ))}
    </>
  );
}

function Legend({ names }: { names: string[] }) {
  return (
    <ul class="legend">
      {names.map((n, k) => (
        <li key={n}>
          <span class="swatch" style={{ background: COLORS[k % COLORS.length] }} aria-hidden="true" />
          {n}
        </li>
      ))}
    </ul>
  );
}
