// NATS JetStream adapters: the durable feedback log shared by every server and worker process.
export { NatsEventLog, openNatsEventLog, dropNatsEventLog } from './nats-event-log.js';
export type { NatsEventLogOptions } from './nats-event-log.js';
