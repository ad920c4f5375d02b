import { parentPort, workerData } from 'node:worker_threads';
import { toMagpieError } from '../core/index.js';
import { trainModels } from '../services/index.js';
import { openStores, parseStorageUrl } from './stores.js';
import type { TrainingThreadInput, TrainingThreadMessage } from './train-runner.js';

/** Worker-thread entry: open the stores, train every role, report, close. */
async function main(): Promise<void> {
  const { config, now, logSeq } = workerData as TrainingThreadInput;
  const post = (m: TrainingThreadMessage): void => parentPort?.postMessage(m);
  const stores = await openStores(parseStorageUrl(config.storage.url));
  try {
    let last = 0;
    const summary = await trainModels(
      { config, store: stores.data, models: stores.models, impressions: stores.impressions, clock: { now: () => now } },
      {
        logSeq,
        progress: (progress) => {
          // Progress can fire per user; a message every 100 ms is plenty.
          const t = Date.now();
          if (t - last >= 100 || progress.done === progress.total) {
            last = t;
            post({ type: 'progress', progress });
          }
        },
      },
    );
    post({ type: 'done', summary });
  } catch (err) {
    const e = toMagpieError(err, 'TRAINING_FAILED');
    post({ type: 'error', code: e.code, message: e.message, details: e.details });
  } finally {
    await stores.close();
  }
}

void main();
