import type { Tables } from './connection.js';

/** Schema version 5: experiments (see postgres-experiment-store.ts). Never edit once released. */
export function experimentsSchema(t: Tables): string {
  return `
    CREATE TABLE ${t.experiments} (
      id text COLLATE "C" PRIMARY KEY,
      surface text NOT NULL,
      status text NOT NULL,                            -- mirrors definition->>'status'
      created_at bigint NOT NULL,
      definition jsonb NOT NULL                        -- the Experiment
    );
    -- At most one running experiment per surface, whichever process starts it.
    CREATE UNIQUE INDEX experiments_running_surface ON ${t.experiments} (surface) WHERE status = 'running';

    -- Health totals (requests, errors, latency:<bucket>), summed over every serving process.
    CREATE TABLE ${t.experimentHealth} (
      experiment_id text COLLATE "C" NOT NULL,
      variant text NOT NULL,
      metric text NOT NULL,
      count bigint NOT NULL,
      PRIMARY KEY (experiment_id, variant, metric)
    );

    CREATE TABLE ${t.experimentShadow} (
      seq bigserial PRIMARY KEY,
      experiment_id text COLLATE "C" NOT NULL,
      variant text NOT NULL,
      user_id text NOT NULL,
      ts bigint NOT NULL,
      request_id text NOT NULL,
      shown jsonb NOT NULL,                            -- item ids
      shadow jsonb NOT NULL
    );
    CREATE INDEX experiment_shadow_by_experiment ON ${t.experimentShadow} (experiment_id, seq);
  `;
}
