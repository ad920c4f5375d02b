import { DiscardPolicy, NatsError, RetentionPolicy, StorageType } from 'nats';
import type { JetStreamManager, StreamInfo } from 'nats';
import { MagpieError } from '../../core/index.js';

/** The JetStream names one log uses, all derived from its stream name. */
export interface LogNames {
  stream: string;
  subject: string;
  /** KV bucket holding consumer offsets and the append lock (its stream is KV_<bucket>). */
  bucket: string;
}

const STREAM_NAME = /^[A-Za-z0-9_-]{1,200}$/;

export function logNames(stream: string): LogNames {
  if (!STREAM_NAME.test(stream)) {
    throw new MagpieError('CONFIG_INVALID', `NATS stream name must be 1-200 letters, digits, '-' or '_', got ${JSON.stringify(stream)}`);
  }
  return { stream, subject: `magpie.${stream}.events`, bucket: `${stream}-state` };
}

const STREAM_NOT_FOUND = 10059;
const STREAM_NAME_IN_USE = 10058;

/**
 * Creates the log's stream unless it exists. Limits retention with no limits set keeps every
 * record; deny_delete keeps single records from being removed (the log is append-only; dropping
 * the whole stream stays possible). Two processes creating it at once is fine: the loser finds
 * the winner's stream.
 */
export async function ensureLogStream(jsm: JetStreamManager, names: LogNames, replicas: number): Promise<void> {
  let info = await streamInfo(jsm, names.stream);
  if (info === undefined) {
    try {
      info = await jsm.streams.add({
        name: names.stream,
        subjects: [names.subject],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
        num_replicas: replicas,
        deny_delete: true,
      });
    } catch (err) {
      if (!(err instanceof NatsError) || err.api_error?.err_code !== STREAM_NAME_IN_USE) throw err;
      info = await jsm.streams.info(names.stream);
    }
  }
  if (!info.config.subjects.includes(names.subject)) {
    throw new MagpieError(
      'CONFIG_INVALID',
      `NATS stream ${names.stream} exists but does not capture ${names.subject}; pick another stream name`,
    );
  }
}

async function streamInfo(jsm: JetStreamManager, stream: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(stream);
  } catch (err) {
    if (err instanceof NatsError && err.api_error?.err_code === STREAM_NOT_FOUND) return undefined;
    throw err;
  }
}

/**
 * Deletes a log's stream and KV bucket (tests, benchmarks, and resetting a deployment). A log
 * that does not exist is not an error.
 */
export async function dropLogStream(jsm: JetStreamManager, names: LogNames): Promise<void> {
  for (const stream of [names.stream, `KV_${names.bucket}`]) {
    try {
      await jsm.streams.delete(stream);
    } catch (err) {
      if (!(err instanceof NatsError) || err.api_error?.err_code !== STREAM_NOT_FOUND) throw err;
    }
  }
}
