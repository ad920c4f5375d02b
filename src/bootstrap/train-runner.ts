import { Worker } from 'node:worker_threads';
import { MagpieError, type Clock, type ErrorCode } from '../core/index.js';
import type { MagpieConfig } from '../config/index.js';
import type { TrainProgress } from '../algorithms/index.js';
import { trainModels, type TrainingSummary } from '../services/index.js';
import type { Stores } from './stores.js';

export type TrainingThreadMessage =
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'done'; summary: TrainingSummary }
  | { type: 'error'; code: ErrorCode; message: string; details?: unknown };

export interface TrainingThreadInput {
  config: MagpieConfig;
  /** The current time of the engine's clock, so a worker trains "as of" the same moment. */
  now: number;
  /** The event-log seq the store had applied when the run began (the drift signal's reference). */
  logSeq?: number | undefined;
}

/** Trains on this thread (needed for in-memory stores, which another thread cannot open). */
export function trainInProcess(
  config: MagpieConfig,
  stores: Stores,
  clock: Clock,
  progress?: (p: TrainProgress) => void,
  logSeq?: number,
): Promise<TrainingSummary> {
  return trainModels({ config, store: stores.data, models: stores.models, impressions: stores.impressions, clock }, { progress, logSeq });
}

/**
 * The compiled build starts training-thread.js directly. Running from TypeScript source (tests,
 * tsx), the thread has no loader for .ts: Node 20 ignores --import in a worker's execArgv, so it
 * loads the source through tsx's programmatic API instead.
 */
function spawnTrainingThread(workerData: TrainingThreadInput): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./training-thread.js', import.meta.url), { workerData });
  const source = new URL('./training-thread.ts', import.meta.url).href;
  // Resolved here, not in the thread, so it does not depend on the process's working directory.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const loader = `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}))`;
  return new Worker(loader, { eval: true, workerData });
}

/**
 * Trains in a worker thread that opens the same stores itself, so a long run never blocks the
 * event loop that serves requests. The compiled build runs the .js file; under tsx/vitest the
 * .ts source runs through the tsx loader.
 */
export function trainInWorker(
  config: MagpieConfig,
  now: number,
  progress?: (p: TrainProgress) => void,
  logSeq?: number,
): Promise<TrainingSummary> {
  const worker = spawnTrainingThread({ config, now, logSeq } satisfies TrainingThreadInput);
  return new Promise<TrainingSummary>((resolve, reject) => {
    let settled = false;
    worker.on('message', (msg: TrainingThreadMessage) => {
      if (msg.type === 'progress') progress?.(msg.progress);
      else if (msg.type === 'done') {
        settled = true;
        resolve(msg.summary);
      } else {
        settled = true;
        reject(new MagpieError(msg.code, msg.message, msg.details));
      }
    });
    worker.on('error', (err) => {
      settled = true;
      // A crashed thread is a fault of the engine, not of the data: INTERNAL, not TRAINING_FAILED.
      reject(new MagpieError('INTERNAL', `training thread failed: ${err.message}`, undefined, { cause: err }));
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new MagpieError('INTERNAL', `training thread exited with code ${code}`));
    });
  });
}
