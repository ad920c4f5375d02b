import { MagpieApiError, MagpieClient } from '../../src/client/index.js';

/**
 * The dashboard's only way to the engine: the typed client, on the page's own origin. The API
 * key lives in sessionStorage (gone when the tab closes) and is read on every call, so logging in
 * or out takes effect at once.
 */
const KEY = 'magpie.apiKey';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  login: (key: string): void => sessionStorage.setItem(KEY, key),
  logout: (): void => sessionStorage.removeItem(KEY),
};

export const client = new MagpieClient({ apiKey: session.key });

export function errorText(err: unknown): string {
  if (err instanceof MagpieApiError) return `${err.message} (${err.code})`;
  return err instanceof Error ? err.message : String(err);
}

export { MagpieApiError };
export type * from '../../src/client/index.js';
