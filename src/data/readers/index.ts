export { readLines, type ReadProgress, type ReadProgressListener } from './line-reader.js';
export { readLightGcnFile, readLightGcnSplit, writeLightGcnFile, type UserItems, type LightGcnReadOptions } from './lightgcn.js';
export { readEventsCsv, MOVIELENS_FEEDBACK_TYPES, type ReadEventsOptions } from './events-csv.js';
