// The soak's judgement on memory, apart from the load so that it can be tested on made-up series.

export interface RssSample {
  /** Seconds since the load started. */
  t: number;
  /** RSS of the server's processes together, MiB. */
  mib: number;
}

export interface RssVerdict {
  /** Least-squares slope of RSS over the first and the last half of the run, MiB per minute. */
  firstHalfSlope: number;
  lastHalfSlope: number;
  /** Whether the run was long enough to judge (GC sawtooth dominates a short one). */
  judged: boolean;
  grows: boolean;
  reason: string;
}

/** Below this many seconds the verdict is "too short to judge", never a failure. */
export const MIN_JUDGED_SECONDS = 120;

/** Least-squares slope of mib over t, per minute; 0 for fewer than two samples. */
export function slopePerMinute(samples: readonly RssSample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  let st = 0;
  let sm = 0;
  for (const s of samples) {
    st += s.t;
    sm += s.mib;
  }
  const mt = st / n;
  const mm = sm / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.t - mt) * (s.mib - mm);
    den += (s.t - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60;
}

/**
 * Memory that settles rises early (JIT, caches filling up to their bounds, the allocator's
 * pools) and then stays level under a steady load; a leak keeps rising at the same pace. So the
 * run is split in halves and RSS "grows without bound" when the last half still rises faster
 * than `maxSlope` MiB/min. The first half's slope is reported beside it, for the picture.
 */
export function judgeRss(samples: readonly RssSample[], maxSlope: number): RssVerdict {
  const duration = samples.length ? samples[samples.length - 1]!.t - samples[0]!.t : 0;
  const mid = samples.length ? samples[0]!.t + duration / 2 : 0;
  const firstHalfSlope = slopePerMinute(samples.filter((s) => s.t <= mid));
  const lastHalfSlope = slopePerMinute(samples.filter((s) => s.t >= mid));
  const slopes = `last half ${lastHalfSlope.toFixed(2)} MiB/min, first half ${firstHalfSlope.toFixed(2)} MiB/min; limit ${maxSlope} MiB/min`;
  if (duration < MIN_JUDGED_SECONDS) {
    return { firstHalfSlope, lastHalfSlope, judged: false, grows: false, reason: `too short to judge (${duration.toFixed(0)} s < ${MIN_JUDGED_SECONDS} s): ${slopes}` };
  }
  const grows = lastHalfSlope > maxSlope;
  return { firstHalfSlope, lastHalfSlope, judged: true, grows, reason: `${grows ? 'RSS grows without bound' : 'RSS is bounded'}: ${slopes}` };
}
