import cliProgress from 'cli-progress';

export interface ProgressReporter {
  update(stage: string, done: number, total: number): void;
  stop(): void;
}

/**
 * Progress on stderr: a live bar on a terminal; on a pipe or in CI, one line per stage and per
 * tenth of the work, so logs stay readable.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  return stream.isTTY ? barReporter(stream) : lineReporter(stream);
}

/** A reporter that prints nothing (for --quiet and tests). */
export const silentProgress: ProgressReporter = { update: () => undefined, stop: () => undefined };

function barReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    { stream, format: ' {bar} {percentage}% | {stage} | {value}/{total} | {duration_formatted}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let currentStage = '';
  return {
    update(stage, done, total) {
      if (!started) {
        bar.start(total, done, { stage });
        started = true;
      } else if (stage !== currentStage) {
        bar.setTotal(total);
      }
      currentStage = stage;
      bar.update(done, { stage });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

function lineReporter(stream: NodeJS.WriteStream): ProgressReporter {
  let stage = '';
  let lastTenth = -1;
  const t0 = Date.now();
  return {
    update(s, done, total) {
      const tenth = total > 0 ? Math.floor((done / total) * 10) : 0;
      if (s !== stage || tenth !== lastTenth) {
        stage = s;
        lastTenth = tenth;
        const pct = total > 0 ? Math.round((done / total) * 100) : 0;
        stream.write(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}: ${done}/${total} (${pct}%)\n`);
      }
    },
    stop: () => undefined,
  };
}
