export { ExperimentService, type ExperimentServiceDeps } from './service.js';
export { ExperimentRoute, type ComputeList, type ServedList } from './route.js';
export { experimentDefinitionSchema, DEFAULT_CANARY, type ExperimentDefinition } from './definition.js';
export type { ExperimentReport, VariantReport, ShadowSummary } from './report.js';
export type { HealthSummary } from './health.js';
export type { Interval, TestResult } from './statistics.js';
export { impressionVariant } from './naming.js';
export { bucketOf } from './bucketing.js';
