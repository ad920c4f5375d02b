/**
 * Calls `tick` every `intervalMs`, never overlapping itself, swallowing errors into `onError`:
 * the loops that keep a server current (model swaps, log apply) must outlive a bad tick.
 */
export function startPoller(intervalMs: number, tick: () => Promise<unknown>, onError: (err: unknown) => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const loop = async (): Promise<void> => {
    if (stopped) return;
    try {
      await tick();
    } catch (err) {
      try {
        onError(err);
      } catch {
        // A failing error reporter must not stop the loop it reports on.
      }
    }
    if (!stopped) {
      timer = setTimeout(() => void loop(), intervalMs);
      timer.unref();
    }
  };
  timer = setTimeout(() => void loop(), intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
