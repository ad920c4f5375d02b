import { roleOf, type FeedbackEvent, type FeedbackTypes } from '../../core/index.js';
import type { DataStore, Experiment, ExperimentStore, ImpressionStore, VariantMode } from '../../ports/index.js';
import { summarise, type HealthSummary } from './health.js';
import { impressionVariant } from './naming.js';
import {
  meanInterval,
  moments,
  twoProportionZTest,
  welchTest,
  wilsonInterval,
  type Interval,
  type TestResult,
} from './statistics.js';

export interface ShadowSummary {
  /** Shadow lists computed and logged. */
  lists: number;
  users: number;
  /** Mean share of a shadow list's items that were also in the list shown. */
  meanOverlap: number;
  /** Positive events of these users that followed a logged list within the attribution window. */
  positives: number;
  /** Of those, how many were on an item of the shadow list (had it been shown)… */
  positivesOnShadowItems: number;
  /** …and on an item of the list actually shown. */
  positivesOnShownItems: number;
}

export interface VariantReport {
  name: string;
  mode: VariantMode;
  share: number;
  /** Users who were shown at least one list of this variant. */
  exposedUsers: number;
  /** Items shown. */
  impressions: number;
  /** Shown items an outcome (any positive event) was attributed to. */
  clicks: number;
  ctr: number;
  ctrInterval: Interval;
  /** Conversion events (experiments.conversionTypes) of exposed users after their first exposure. */
  conversions: number;
  /** Exposed users with at least one conversion. */
  convertedUsers: number;
  /** convertedUsers / exposedUsers. */
  conversionRate: number;
  conversionInterval: Interval;
  clicksPerUser: number;
  clicksPerUserInterval: Interval;
  /** CTR against the control's: the two-proportion z-test (null for the control, or a shadow). */
  vsControl: TestResult | null;
  /** Conversion rate (per user) against the control's: the two-proportion z-test. */
  conversionVsControl: TestResult | null;
  /** Clicks per exposed user against the control's: Welch's test on per-user counts. */
  engagementVsControl: TestResult | null;
  /** Lists computed, failures and p95 latency, summed over every serving process. */
  health: HealthSummary;
  /** For a shadow variant: how its lists compare with what was shown. */
  shadow: ShadowSummary | null;
}

export interface ExperimentReport {
  experiment: string;
  name: string;
  surface: string;
  status: Experiment['status'];
  control: string;
  /** The window measured (ms): from the start to the stop, or to now while running. */
  from: number | null;
  to: number;
  generatedAt: number;
  alpha: number;
  /** The test behind vsControl. */
  test: string;
  variants: VariantReport[];
  notes: string[];
}

export interface ReportDeps {
  impressions: ImpressionStore;
  data: DataStore;
  experiments: ExperimentStore;
  feedbackTypes: FeedbackTypes;
  conversionTypes: readonly string[];
  attributionMs: number;
  now: number;
}

interface UserStats {
  impressions: number;
  clicks: number;
  firstSeen: number;
}

const ALPHA = 0.05;
const SCAN_BATCH = 10_000;
const EVENT_PAGE = 500;

/**
 * The report of one experiment: per variant, exposure, CTR and conversion with 95 % Wilson
 * intervals, clicks per exposed user, and the tests against the control; from the impression log
 * (what was shown, and the outcomes attributed to it), the users' events (conversions, shadow
 * outcomes) and the store's summed health and shadow lists. Reads everything in the window:
 * seconds for millions of impressions, so it is computed on request, not on a hot path.
 */
export async function experimentReport(e: Experiment, deps: ReportDeps): Promise<ExperimentReport> {
  const to = e.stoppedAt ?? deps.now;
  const users = new Map<string, Map<string, UserStats>>(e.variants.map((v) => [v.name, new Map()]));
  if (e.startedAt !== null) {
    const prefix = impressionVariant(e.id, '');
    for await (const batch of deps.impressions.scanLabelled({ from: e.startedAt, to: to + 1, batchSize: SCAN_BATCH })) {
      for (const r of batch) {
        if (r.surface !== e.surface || r.variant === null || !r.variant.startsWith(prefix)) continue;
        const byUser = users.get(r.variant.slice(prefix.length));
        if (!byUser) continue;
        let u = byUser.get(r.user);
        if (!u) byUser.set(r.user, (u = { impressions: 0, clicks: 0, firstSeen: r.time }));
        u.impressions++;
        if (r.outcome !== null) u.clicks++;
        u.firstSeen = Math.min(u.firstSeen, r.time);
      }
    }
  }
  const conversionTypes = new Set(deps.conversionTypes);
  const health = new Map((await deps.experiments.health(e.id)).map((h) => [h.variant, h]));
  const shadows = await shadowSummaries(e, deps, to);

  const rows = [];
  for (const v of e.variants) {
    const byUser = users.get(v.name)!;
    let impressions = 0;
    let clicks = 0;
    let conversions = 0;
    let convertedUsers = 0;
    const perUserClicks = new Float64Array(byUser.size);
    let i = 0;
    for (const [user, u] of byUser) {
      impressions += u.impressions;
      clicks += u.clicks;
      perUserClicks[i++] = u.clicks;
      const converted = (await eventsBetween(deps.data, user, u.firstSeen, to)).filter((ev) => conversionTypes.has(ev.type)).length;
      conversions += converted;
      if (converted > 0) convertedUsers++;
    }
    const engagement = moments(perUserClicks);
    rows.push({
      v,
      engagement,
      report: {
        name: v.name,
        mode: v.mode,
        share: v.share,
        exposedUsers: byUser.size,
        impressions,
        clicks,
        ctr: impressions > 0 ? clicks / impressions : 0,
        ctrInterval: wilsonInterval(clicks, impressions),
        conversions,
        convertedUsers,
        conversionRate: byUser.size > 0 ? convertedUsers / byUser.size : 0,
        conversionInterval: wilsonInterval(convertedUsers, byUser.size),
        clicksPerUser: engagement.mean,
        clicksPerUserInterval: meanInterval(engagement),
        vsControl: null,
        conversionVsControl: null,
        engagementVsControl: null,
        health: summarise(health.get(v.name)),
        shadow: shadows.get(v.name) ?? null,
      } satisfies VariantReport as VariantReport,
    });
  }
  const control = rows.find((r) => r.v.name === e.control)!;
  for (const r of rows) {
    if (r === control || r.v.mode === 'shadow') continue;
    const c = control.report;
    const x = r.report;
    x.vsControl = twoProportionZTest({ successes: c.clicks, n: c.impressions }, { successes: x.clicks, n: x.impressions }, ALPHA);
    x.conversionVsControl = twoProportionZTest({ successes: c.convertedUsers, n: c.exposedUsers }, { successes: x.convertedUsers, n: x.exposedUsers }, ALPHA);
    x.engagementVsControl = welchTest(control.engagement, r.engagement, ALPHA);
  }
  return {
    experiment: e.id,
    name: e.name,
    surface: e.surface,
    status: e.status,
    control: e.control,
    from: e.startedAt,
    to,
    generatedAt: deps.now,
    alpha: ALPHA,
    test: 'two-proportion z-test (pooled, two-sided) on CTR; per user: the same test on conversion rate, Welch on clicks per user',
    variants: rows.map((r) => r.report),
    notes: notesFor(e, rows.map((r) => r.report)),
  };
}

function notesFor(e: Experiment, variants: VariantReport[]): string[] {
  const notes = [
    'CTR counts impressions, several per user, as independent trials: with users who differ, its z-test overstates ' +
      'significance. The per-user tests (conversion rate, clicks per exposed user) treat users as the unit and are the ones to trust.',
  ];
  const small = variants.filter((v) => v.mode !== 'shadow' && v.exposedUsers < 30).map((v) => v.name);
  if (small.length > 0) notes.push(`fewer than 30 exposed users in ${small.join(', ')}: the normal approximations are rough.`);
  if (variants.some((v) => v.mode === 'shadow')) {
    notes.push(`users of a shadow variant are shown the control "${e.control}" and count in its numbers; the shadow line compares lists only.`);
  }
  if (variants.filter((v) => v.vsControl !== null).length > 1) {
    notes.push('several variants are each tested against the control at 0.05: the chance that one differs by luck alone is higher.');
  }
  return notes;
}

/** The user's events in [from, to], newest first, paging back through their history. */
async function eventsBetween(data: DataStore, user: string, from: number, to: number): Promise<FeedbackEvent[]> {
  const out: FeedbackEvent[] = [];
  let before: number | undefined = to + 1;
  let beforeId: string | undefined;
  for (;;) {
    const page = await data.userEvents(user, { limit: EVENT_PAGE, before, beforeId });
    for (const ev of page) if (ev.timestamp >= from) out.push(ev);
    const last = page[page.length - 1];
    if (page.length < EVENT_PAGE || !last || last.timestamp < from) return out;
    before = last.timestamp;
    beforeId = last.id;
  }
}

/** Per shadow variant: overlap with the lists shown, and where the users' next positive events landed. */
async function shadowSummaries(e: Experiment, deps: ReportDeps, to: number): Promise<Map<string, ShadowSummary>> {
  const out = new Map<string, ShadowSummary>();
  const shadowNames = new Set(e.variants.filter((v) => v.mode === 'shadow').map((v) => v.name));
  if (shadowNames.size === 0) return out;
  type Logged = { time: number; shown: Set<string>; shadow: Set<string> };
  const lists = new Map<string, Map<string, Logged[]>>();
  const overlap = new Map<string, { lists: number; sum: number }>();
  for await (const batch of deps.experiments.scanShadow(e.id, SCAN_BATCH)) {
    for (const l of batch) {
      if (!shadowNames.has(l.variant)) continue;
      let byUser = lists.get(l.variant);
      if (!byUser) lists.set(l.variant, (byUser = new Map()));
      let mine = byUser.get(l.user);
      if (!mine) byUser.set(l.user, (mine = []));
      const shown = new Set(l.shown);
      mine.push({ time: l.time, shown, shadow: new Set(l.shadow) });
      const o = overlap.get(l.variant) ?? { lists: 0, sum: 0 };
      o.lists++;
      o.sum += l.shadow.length === 0 ? 0 : l.shadow.filter((id) => shown.has(id)).length / l.shadow.length;
      overlap.set(l.variant, o);
    }
  }
  for (const name of shadowNames) {
    const byUser = lists.get(name) ?? new Map<string, Logged[]>();
    const s: ShadowSummary = { lists: 0, users: byUser.size, meanOverlap: 0, positives: 0, positivesOnShadowItems: 0, positivesOnShownItems: 0 };
    const o = overlap.get(name);
    if (o) {
      s.lists = o.lists;
      s.meanOverlap = o.sum / o.lists;
    }
    for (const [user, mine] of byUser) {
      const first = Math.min(...mine.map((l) => l.time));
      for (const ev of await eventsBetween(deps.data, user, first, to + deps.attributionMs)) {
        if (roleOf(ev, deps.feedbackTypes) !== 'positive') continue;
        // The lists logged in the attribution window before the event.
        const before = mine.filter((l) => l.time <= ev.timestamp && l.time >= ev.timestamp - deps.attributionMs);
        if (before.length === 0) continue;
        s.positives++;
        if (before.some((l) => l.shadow.has(ev.item))) s.positivesOnShadowItems++;
        if (before.some((l) => l.shown.has(ev.item))) s.positivesOnShownItems++;
      }
    }
    out.set(name, s);
  }
  return out;
}
