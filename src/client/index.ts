import type * as T from './types.js';
import { Http, path, queryString, type ClientOptions } from './http.js';

export { MagpieApiError, type ClientOptions } from './http.js';
export type * from './types.js';

/** n, offset, category and exclude: every list route. */
export interface ListQuery {
  n?: number;
  offset?: number;
  category?: string;
  exclude?: readonly string[];
}

/** A list on a surface: plus the surface, tags and an attribute filter expression. */
export interface SurfaceQuery extends ListQuery {
  surface?: string;
  tags?: readonly string[];
  filter?: string;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

/**
 * A typed client for Magpie's REST API (docs/api.md). It runs wherever `fetch` does (browsers,
 * Node ≥ 18, Deno…); its types are inferred from the server's own schemas. Every failure is a
 * MagpieApiError carrying the server's error code.
 */
export class MagpieClient {
  private readonly http: Http;

  constructor(opts: ClientOptions = {}) {
    this.http = new Http(opts);
  }

  health(): Promise<{ status: string }> {
    return this.http.request('GET', '/health');
  }

  /** Whether the server needs an API key (a public route: no key is sent or needed). */
  authRequired(): Promise<boolean> {
    return this.http.request<{ required: boolean }>('GET', '/api/auth').then((r) => r.required);
  }

  /** The caller's key name and role; without keys on the server, role admin. */
  me(): Promise<T.ApiMe> {
    return this.http.request('GET', '/api/me');
  }

  status(): Promise<T.ApiStatus> {
    return this.http.request('GET', '/api/status');
  }

  /** The model registry: every trained version, newest first, with its state and gate verdict. */
  readonly models = {
    list: (name?: string): Promise<T.ApiModelMeta[]> =>
      this.http.request<{ models: T.ApiModelMeta[] }>('GET', `/api/models${queryString({ name })}`).then((r) => r.models),
    get: (name: string, version: number): Promise<T.ApiModelMeta> =>
      this.http.request<{ model: T.ApiModelMeta }>('GET', path`/api/models/${name}/${version}`).then((r) => r.model),
  };

  readonly users = {
    list: (q: PageQuery = {}): Promise<T.ApiPage<T.ApiUser>> => this.http.request('GET', `/api/users${queryString({ ...q })}`),
    get: (id: string): Promise<T.ApiUser> => this.http.request('GET', path`/api/users/${id}`),
    /** Newest first; page with the last event's time (ms) and id as before/beforeId. */
    events: (id: string, q: { limit?: number; before?: number; beforeId?: string } = {}): Promise<{ items: T.ApiEvent[] }> =>
      this.http.request('GET', path`/api/users/${id}/events` + queryString(q)),
    upsert: (users: T.ApiUserInput[]): Promise<T.ApiUpserted> => this.http.request('POST', '/api/users', users),
    patch: (id: string, patch: T.ApiUserPatch): Promise<T.ApiUser> => this.http.request('PATCH', path`/api/users/${id}`, patch),
    delete: (id: string): Promise<void> => this.http.request('DELETE', path`/api/users/${id}`),
  };

  readonly items = {
    list: (q: PageQuery = {}): Promise<T.ApiPage<T.ApiItem>> => this.http.request('GET', `/api/items${queryString({ ...q })}`),
    get: (id: string): Promise<T.ApiItem> => this.http.request('GET', path`/api/items/${id}`),
    similar: (id: string, q: SurfaceQuery & { user?: string } = {}): Promise<T.ApiRecommendation> =>
      this.http.request('GET', path`/api/items/${id}/similar` + queryString({ ...q })),
    /** The users the item was recently recommended to (from the impression log). */
    audience: (id: string, q: { hours?: number; limit?: number; maxScan?: number } = {}): Promise<T.ApiAudience> =>
      this.http.request('GET', path`/api/items/${id}/audience` + queryString(q)),
    upsert: (items: T.ApiItemInput[]): Promise<T.ApiUpserted> => this.http.request('POST', '/api/items', items),
    patch: (id: string, patch: T.ApiItemPatch): Promise<T.ApiItem> => this.http.request('PATCH', path`/api/items/${id}`, patch),
    delete: (id: string): Promise<void> => this.http.request('DELETE', path`/api/items/${id}`),
  };

  /** Feedback: appended to the durable log before the answer; idempotent by event id. */
  sendEvents(events: T.ApiEventInput[]): Promise<T.ApiIngested> {
    return this.http.request('POST', '/api/events', events);
  }

  recommend(user: string, q: SurfaceQuery = {}): Promise<T.ApiRecommendation> {
    return this.http.request('GET', path`/api/recommend/${user}` + queryString({ ...q }));
  }

  rerank(body: { user: string; items: string[]; n?: number; surface?: string; filter?: string }): Promise<T.ApiRecommendation> {
    return this.http.request('POST', '/api/rerank', body);
  }

  popular(q: ListQuery = {}): Promise<T.ApiRecommendation> {
    return this.http.request('GET', `/api/popular${queryString({ ...q })}`);
  }

  trending(q: ListQuery = {}): Promise<T.ApiRecommendation> {
    return this.http.request('GET', `/api/trending${queryString({ ...q })}`);
  }

  latest(q: ListQuery = {}): Promise<T.ApiRecommendation> {
    return this.http.request('GET', `/api/latest${queryString({ ...q })}`);
  }

  readonly stats = {
    ctr: (q: { by?: 'surface' | 'source' | 'variant'; surface?: string; from?: number; to?: number } = {}): Promise<T.ApiCtr> =>
      this.http.request('GET', `/api/stats/ctr${queryString(q)}`),
    /** Stored events per bucket of event time (default: per minute over the last hour). */
    events: (q: { bucket?: 'minute' | 'hour' | 'day'; from?: number; to?: number } = {}): Promise<T.ApiEventCounts> =>
      this.http.request('GET', `/api/stats/events${queryString(q)}`),
    serving: (): Promise<T.ApiServingStats> => this.http.request('GET', '/api/stats/serving'),
  };

  /** Operations: these need an admin key when the server has keys. */
  readonly admin = {
    train: (): Promise<{ seconds: number; models: T.ApiModelMeta[] }> => this.http.request('POST', '/api/admin/train'),
    inspect: (user: string, q: SurfaceQuery & { rankedLimit?: number } = {}): Promise<T.ApiInspection> =>
      this.http.request('GET', path`/api/admin/inspect/${user}` + queryString({ ...q })),
    evaluate: (req: T.ApiEvaluationRequest = {}): Promise<T.ApiEvaluation> => this.http.request('POST', '/api/admin/eval', req),
    /** Puts this version in service; the one serving before it is retired. */
    promote: (name: string, version: number): Promise<T.ApiModelMeta> =>
      this.http.request<{ model: T.ApiModelMeta }>('POST', path`/api/admin/models/${name}/${version}/promote`).then((r) => r.model),
    /** The version that served before the current one serves again (409 NOTHING_TO_ROLL_BACK without one). */
    rollback: (name: string): Promise<T.ApiModelMeta> =>
      this.http.request<{ model: T.ApiModelMeta }>('POST', path`/api/admin/models/${name}/rollback`).then((r) => r.model),
  };
}
