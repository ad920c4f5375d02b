import type { ApiError, ErrorCode } from '../server/index.js';

/**
 * A failed API call: the server's stable error `code` (docs/api.md), its message and details,
 * and the HTTP status. A network failure or a body that is not the API's error format gets the
 * code NETWORK_ERROR or HTTP_ERROR, which the server never sends.
 */
export class MagpieApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'NETWORK_ERROR' | 'HTTP_ERROR',
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'MagpieApiError';
  }
}

export interface ClientOptions {
  /** Where the API is, e.g. "http://localhost:8080" (default: the page's origin, ""). */
  baseUrl?: string;
  /** An API key, sent as "Authorization: Bearer <key>"; a function is asked on every call. */
  apiKey?: string | (() => string | null | undefined);
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch;
}

/** Query values: arrays become comma-separated lists; undefined and null are left out. */
export type QueryValues = Record<string, string | number | boolean | readonly string[] | undefined | null>;

export function queryString(q: QueryValues = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(q)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Path segments are encoded (ids may hold "/", "?", spaces…). */
export function path(strings: TemplateStringsArray, ...ids: (string | number)[]): string {
  return strings.reduce((out, s, k) => out + s + (k < ids.length ? encodeURIComponent(String(ids[k])) : ''), '');
}

/** The transport: JSON in and out, the key as a bearer token, errors as MagpieApiError. */
export class Http {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: ClientOptions = {}) {
    this.baseUrl = (opts.baseUrl ?? '').replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async request<T>(method: string, url: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const key = typeof this.opts.apiKey === 'function' ? this.opts.apiKey() : this.opts.apiKey;
    if (key) headers['authorization'] = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchFn(this.baseUrl + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (err) {
      throw new MagpieApiError('NETWORK_ERROR', `${method} ${url}: ${err instanceof Error ? err.message : String(err)}`, 0);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.ok) return parsed as T;
    const error = (parsed as Partial<ApiError> | undefined)?.error;
    if (error && typeof error.code === 'string') {
      throw new MagpieApiError(error.code as ErrorCode, error.message, res.status, error.details);
    }
    throw new MagpieApiError('HTTP_ERROR', `${method} ${url}: HTTP ${res.status}`, res.status);
  }
}
