export { STOP_WORDS, tokenize, normalizeLabel } from './tokenize.js';
export {
  FEATURE_PREFIX,
  ItemContentBuilder,
  alignItemContent,
  featureKind,
  itemFeatureCounts,
  type FeatureKind,
  type ItemContent,
  type ItemContentSource,
  type ItemEmbeddings,
} from './item-content.js';
