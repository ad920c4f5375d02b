import type { JsonObject } from '../core/index.js';

export type ExperimentStatus = 'draft' | 'running' | 'stopped';

/**
 * live: served to its share of users. shadow: computed and logged for its share, who are shown
 * the control. canary: served like live, and stopped automatically when its health is worse than
 * the control's (see CanaryPolicy).
 */
export type VariantMode = 'live' | 'shadow' | 'canary';

export interface VariantDefinition {
  /** Unique within the experiment: [a-z0-9][a-z0-9_-]*. */
  name: string;
  /** Share of the experiment's users in [0, 1]; the shares of an experiment sum to 1. */
  share: number;
  mode: VariantMode;
  /** A partial surface configuration merged over the experiment's surface (as config surfaces are). */
  surface?: JsonObject | undefined;
  /** A stored model (ModelStore name = role, version) serving that role for this variant. */
  model?: { role: string; version: number } | undefined;
}

/** When a canary variant is stopped: compared with the control once both served minRequests. */
export interface CanaryPolicy {
  /** Stop when the canary's error rate exceeds the control's by more than this (0.01 = 1 point). */
  maxErrorRateDelta: number;
  /** Stop when the canary's p95 latency exceeds the control's times this. */
  maxLatencyRatio: number;
  minRequests: number;
}

export interface Experiment {
  id: string;
  name: string;
  /** The surface (serving pipeline) whose requests the experiment splits. */
  surface: string;
  /** Hashed with the user id to bucket users; a new salt reshuffles them. */
  salt: string;
  status: ExperimentStatus;
  variants: VariantDefinition[];
  /** The variant the others are compared with (mode live). */
  control: string;
  canary?: CanaryPolicy | undefined;
  createdAt: number;
  startedAt: number | null;
  stoppedAt: number | null;
  stopReason: string | null;
}

/**
 * A process's serving health of one variant since its last report: lists computed, failures, and
 * a latency histogram (count per bucket index; the service owns the bucket bounds). Stores add
 * deltas up, so every process's requests count towards one total.
 */
export interface VariantHealth {
  variant: string;
  requests: number;
  errors: number;
  /** Counts by bucket index; absent or missing indexes are 0. */
  latency: number[];
}

/** A list a shadow variant computed for a request, beside what the user was shown. */
export interface ShadowList {
  experiment: string;
  variant: string;
  user: string;
  /** ms since the epoch. */
  time: number;
  /** The request id of the response the user got. */
  requestId: string;
  shown: string[];
  shadow: string[];
}

/**
 * Experiments, shared by every process on one store: definitions and their state (so a stop
 * decided by one process stops all), summed serving health per variant, and shadow lists.
 * Every adapter passes src/ports/testing/experiment-store.contract.ts.
 */
export interface ExperimentStore {
  /** Stores a new experiment; EXPERIMENT_CONFLICT when the id is taken. */
  create(experiment: Experiment): Promise<void>;
  get(id: string): Promise<Experiment | null>;
  /** Every experiment, newest (createdAt) first, ties by id. */
  list(): Promise<Experiment[]>;
  /**
   * draft → running at `at`. EXPERIMENT_NOT_FOUND for an unknown id; EXPERIMENT_CONFLICT when it
   * is not a draft, or another experiment already runs on the same surface (checked atomically).
   */
  start(id: string, at: number): Promise<Experiment>;
  /**
   * draft or running → stopped at `at` with the reason. A stopped experiment stays as it was
   * (changed: false): of two processes stopping at once, the first reason is kept.
   */
  stop(id: string, at: number, reason: string): Promise<{ experiment: Experiment; changed: boolean }>;
  /** Adds health deltas to the experiment's totals. */
  addHealth(id: string, deltas: VariantHealth[]): Promise<void>;
  /** The totals per variant that has any (order unspecified). */
  health(id: string): Promise<VariantHealth[]>;
  appendShadow(lists: ShadowList[]): Promise<void>;
  /** An experiment's shadow lists in the order appended, in batches. */
  scanShadow(id: string, batchSize: number): AsyncIterable<ShadowList[]>;
  close(): Promise<void>;
}
