import type { Tables } from './connection.js';

/**
 * The DDL of each schema version, as SQL over the qualified table names of one schema. Never
 * edit a released step: a later version appends a step (see migrations.ts).
 *
 * Every id column is COLLATE "C": comparison by bytes of UTF-8, which is Unicode code point
 * order, the order lists and cursors promise on every backend (the database's default collation
 * would sort by locale rules instead).
 */
export function coreSchema(t: Tables): string {
  return `
    CREATE TABLE ${t.users} (
      id text COLLATE "C" PRIMARY KEY,
      attributes jsonb NOT NULL,
      created_at bigint NOT NULL                       -- ms since epoch
    );

    CREATE TABLE ${t.items} (
      id text COLLATE "C" PRIMARY KEY,
      kind text NOT NULL,
      title text NOT NULL,
      "text" text NOT NULL,
      categories text[] NOT NULL,                      -- mirrored in item_categories
      tags text[] NOT NULL,
      "numeric" jsonb NOT NULL,
      embedding bytea,                                 -- little-endian float32; NULL when absent
      created_at bigint NOT NULL,
      hidden boolean NOT NULL
    );
    -- latestItems without a category: newest visible first, straight off this index.
    CREATE INDEX items_visible_newest ON ${t.items} (created_at DESC, id) WHERE NOT hidden;

    -- latestItems by category: created_at is copied here so that the index gives the order.
    CREATE TABLE ${t.itemCategories} (
      item_id text COLLATE "C" NOT NULL REFERENCES ${t.items} (id) ON DELETE CASCADE,
      category text NOT NULL,
      created_at bigint NOT NULL,
      PRIMARY KEY (item_id, category)
    );
    CREATE INDEX item_categories_newest ON ${t.itemCategories} (category, created_at DESC, item_id);

    -- No foreign keys to users and items: per-row foreign key checks measured as half the cost
    -- of a batch insert. The adapter keeps the references whole instead: inserts check them set-
    -- wise, deletes remove the events themselves, and an advisory lock keeps the two apart (see
    -- postgres-events.ts).
    CREATE TABLE ${t.events} (
      id text COLLATE "C" PRIMARY KEY,                 -- idempotency key
      user_id text COLLATE "C" NOT NULL,
      item_id text COLLATE "C" NOT NULL,
      type text NOT NULL,
      value double precision,
      ts bigint NOT NULL,
      context json                                     -- kept as sent; never queried inside
    );
    -- Histories read these backwards; ties on ts are put in id order by an incremental sort.
    -- Leaving id out keeps the indexes small, and index upkeep is most of an insert's cost.
    CREATE INDEX events_by_user ON ${t.events} (user_id, ts);
    CREATE INDEX events_by_item ON ${t.events} (item_id, ts);

    -- The feedback log. seq is assigned from log_head inside the appending transaction (not from
    -- a sequence), so seqs become visible in commit order: see postgres-event-log.ts.
    CREATE TABLE ${t.eventLog} (
      seq bigint PRIMARY KEY,
      payload json NOT NULL,                           -- the FeedbackEvent
      appended_at bigint NOT NULL
    );
    CREATE TABLE ${t.logHead} (
      one boolean PRIMARY KEY DEFAULT true CHECK (one),
      seq bigint NOT NULL
    );
    INSERT INTO ${t.logHead} (seq) VALUES (0);
    CREATE TABLE ${t.logOffsets} (
      consumer text PRIMARY KEY,
      seq bigint NOT NULL
    );

    -- Models: metadata per (name, version); the blob in parts, so that a large model never has
    -- to pass through one giant string or come near the 1 GB limit of a single value.
    CREATE TABLE ${t.modelHeads} (
      name text PRIMARY KEY,
      version integer NOT NULL
    );
    CREATE TABLE ${t.models} (
      saved_seq bigserial UNIQUE,                      -- list() order: most recently saved first
      name text NOT NULL,
      version integer NOT NULL,
      meta jsonb NOT NULL,                             -- the NewModel fields
      bytes bigint NOT NULL,
      PRIMARY KEY (name, version)
    );
    CREATE TABLE ${t.modelParts} (
      name text NOT NULL,
      version integer NOT NULL,
      part integer NOT NULL,
      data bytea NOT NULL,
      PRIMARY KEY (name, version, part),
      FOREIGN KEY (name, version) REFERENCES ${t.models} (name, version) ON DELETE CASCADE
    );
  `;
}

export function impressionsSchema(t: Tables): string {
  return `
    -- One row per served list; no foreign keys, so what was shown stays measurable after a user
    -- or item is deleted. outcomes is aligned with item_ids (NULL: not acted on).
    CREATE TABLE ${t.impressions} (
      request_id text COLLATE "C" PRIMARY KEY,
      user_id text COLLATE "C" NOT NULL,
      surface text NOT NULL,
      variant text,
      ts bigint NOT NULL,
      item_ids text[] NOT NULL,
      positions integer[] NOT NULL,
      sources text[] NOT NULL,
      scores double precision[] NOT NULL,
      features bytea,                                  -- float32 rows, width per item
      width integer NOT NULL,
      outcomes text[] NOT NULL,
      repeats text COLLATE "C"                         -- a repeat (cached list): the request id
                                                       -- whose features it shares
    );
    CREATE INDEX impressions_by_user ON ${t.impressions} (user_id, ts);
    CREATE INDEX impressions_by_time ON ${t.impressions} (ts, request_id);

    -- Attributes a batch of outcomes in one round trip, one outcome after the other so that two
    -- outcomes on one list both land. The UPDATE re-checks "outcomes[pos] IS NULL" on the row
    -- it locks, so of two concurrent outcomes for one shown item exactly one counts.
    CREATE FUNCTION ${t.attributeOutcomes}(
      p_users text[], p_items text[], p_types text[], p_times bigint[], p_requests text[], p_window bigint
    ) RETURNS integer LANGUAGE plpgsql AS $fn$
    DECLARE
      n integer := 0;
      target text;
      pos integer;
    BEGIN
      FOR i IN 1 .. coalesce(array_length(p_users, 1), 0) LOOP
        target := NULL;
        pos := NULL;
        IF p_requests[i] IS NOT NULL THEN
          SELECT request_id, array_position(item_ids, p_items[i]) INTO target, pos
            FROM ${t.impressions} WHERE request_id = p_requests[i] AND user_id = p_users[i];
        ELSE
          -- The newest list of this user inside the window that showed the item.
          SELECT request_id, array_position(item_ids, p_items[i]) INTO target, pos
            FROM ${t.impressions}
            WHERE user_id = p_users[i] AND ts BETWEEN p_times[i] - p_window AND p_times[i]
              AND p_items[i] = ANY (item_ids)
            ORDER BY ts DESC, request_id DESC LIMIT 1;
        END IF;
        IF target IS NOT NULL AND pos IS NOT NULL THEN
          UPDATE ${t.impressions} SET outcomes[pos] = p_types[i]
            WHERE request_id = target AND outcomes[pos] IS NULL;
          IF FOUND THEN n := n + 1; END IF;
        END IF;
      END LOOP;
      RETURN n;
    END
    $fn$;
  `;
}

export function leasesSchema(t: Tables): string {
  return `
    -- Named, expiring locks shared by every process on the schema (one trainer at a time). A row
    -- is held by holder until expires_at (ms on the database server's clock, which every process
    -- shares); an expired row is free to take over, so a holder that died lets go by itself.
    CREATE TABLE ${t.leases} (
      name text PRIMARY KEY,
      holder text NOT NULL,
      expires_at bigint NOT NULL
    );
  `;
}

export function modelRegistrySchema(t: Tables): string {
  return `
    -- The registry: a state per version and the history of promotions (see docs/models.md).
    ALTER TABLE ${t.models} ADD COLUMN state text NOT NULL DEFAULT 'candidate'
      CHECK (state IN ('candidate', 'serving', 'retired'));
    ALTER TABLE ${t.models} ADD COLUMN promoted_at bigint;           -- ms; NULL: never served

    -- One row per promotion; a rollback stamps rolled_back_at on the newest standing one.
    CREATE TABLE ${t.modelPromotions} (
      seq bigserial PRIMARY KEY,
      name text NOT NULL,
      version integer NOT NULL,
      promoted_at bigint NOT NULL,
      rolled_back_at bigint
    );
    CREATE INDEX ON ${t.modelPromotions} (name, seq);

    -- Before the registry every saved model went into service in turn: each version was promoted
    -- when it was trained, and the newest of each name serves now.
    INSERT INTO ${t.modelPromotions} (name, version, promoted_at)
      SELECT name, version, (meta->>'trainedAt')::bigint FROM ${t.models} ORDER BY saved_seq;
    UPDATE ${t.models} SET state = 'retired', promoted_at = (meta->>'trainedAt')::bigint;
    UPDATE ${t.models} AS m SET state = 'serving'
      WHERE version = (SELECT max(version) FROM ${t.models} AS n WHERE n.name = m.name);

    -- At most one serving version per name, whoever writes.
    CREATE UNIQUE INDEX ON ${t.models} (name) WHERE state = 'serving';
  `;
}
