import type { TrainContext } from '../types.js';

/**
 * Between epochs: report progress, honour cancellation, and give the event loop a turn so a
 * training run inside a server does not starve request handling (and so an abort can arrive).
 */
export async function epochBoundary(ctx: TrainContext, stage: string, done: number, total: number): Promise<void> {
  ctx.progress?.({ stage, done, total });
  await new Promise<void>((resolve) => setImmediate(resolve));
  ctx.signal?.throwIfAborted();
}
