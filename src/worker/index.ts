export * from './scheduler.js';
export * from './poller.js';
