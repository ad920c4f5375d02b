import { IdIndex, type Item } from '../../core/index.js';
import { csrFromTriples, type Csr } from '../../math/index.js';
import { normalizeLabel, tokenize } from './tokenize.js';

/** What of an Item becomes content features. */
export type ItemContentSource = Pick<Item, 'title' | 'text' | 'categories' | 'tags' | 'embedding'>;

/** Feature name prefixes: one namespace per field, so a tag "drama" is not the category "drama". */
export const FEATURE_PREFIX = { category: 'cat:', tag: 'tag:', word: 'w:' } as const;
export type FeatureKind = keyof typeof FEATURE_PREFIX;

/** Which field a feature name came from, or null for a name without a known prefix. */
export function featureKind(feature: string): FeatureKind | null {
  if (feature.startsWith(FEATURE_PREFIX.word)) return 'word';
  if (feature.startsWith(FEATURE_PREFIX.category)) return 'category';
  if (feature.startsWith(FEATURE_PREFIX.tag)) return 'tag';
  return null;
}

/** Caller-supplied dense vectors, aligned with the items; absent rows are zero. */
export interface ItemEmbeddings {
  readonly dim: number;
  /** items × dim, row-major. */
  readonly vectors: Float32Array;
  /** 1 where the item has an embedding, else 0. */
  readonly present: Uint8Array;
}

/**
 * Item content in model-ready form, aligned with a TrainingData's `items`: row i describes item
 * items.idAt(i). `features` holds raw occurrence counts (the term frequencies; weighting such as
 * TF-IDF or BM25 is the model's business), columns name `vocabulary` entries like `cat:drama`,
 * `tag:funny`, `w:space`. Title and text words share the `w:` features, counted alike. Items
 * without content (e.g. known only from events) have empty rows.
 */
export interface ItemContent {
  readonly features: Csr;
  readonly vocabulary: readonly string[];
  readonly embeddings: ItemEmbeddings | null;
}

/** An item's features with their counts, in first-seen order. */
export function itemFeatureCounts(item: Omit<ItemContentSource, 'embedding'>): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string): void => {
    counts.set(feature, (counts.get(feature) ?? 0) + 1);
  };
  for (const c of item.categories) {
    const label = normalizeLabel(c);
    if (label) add(FEATURE_PREFIX.category + label);
  }
  for (const t of item.tags) {
    const label = normalizeLabel(t);
    if (label) add(FEATURE_PREFIX.tag + label);
  }
  for (const word of tokenize(item.title)) add(FEATURE_PREFIX.word + word);
  for (const word of tokenize(item.text)) add(FEATURE_PREFIX.word + word);
  return counts;
}

/**
 * Collects item content by item index while a snapshot is built; the vocabulary grows in
 * first-seen order, so the same items in the same order give the same ItemContent. Embeddings
 * take the dimension of the first one seen; a vector of another length, or with a non-finite
 * entry, is treated as absent rather than failing the whole snapshot.
 */
export class ItemContentBuilder {
  private readonly vocabulary = new IdIndex();
  private readonly rows = new Map<number, { features: Int32Array; counts: Float32Array }>();
  private readonly vectors = new Map<number, Float32Array>();
  private dim = 0;

  /** Sets (or replaces) the content of item index i. */
  set(i: number, item: ItemContentSource): void {
    const counts = itemFeatureCounts(item);
    this.rows.set(i, {
      features: Int32Array.from(counts.keys(), (f) => this.vocabulary.add(f)),
      counts: Float32Array.from(counts.values()),
    });
    this.vectors.delete(i);
    const e = item.embedding;
    if (e && e.length > 0 && e.every(Number.isFinite)) {
      if (this.dim === 0) this.dim = e.length;
      if (e.length === this.dim) this.vectors.set(i, Float32Array.from(e));
    }
  }

  get size(): number {
    return this.rows.size;
  }

  /** The content of items 0..itemCount-1, or undefined when no item was given any. */
  build(itemCount: number): ItemContent | undefined {
    if (this.rows.size === 0) return undefined;
    const r: number[] = [];
    const c: number[] = [];
    const v: number[] = [];
    for (const [i, row] of this.rows) {
      if (i >= itemCount) continue;
      for (let t = 0; t < row.features.length; t++) {
        r.push(i);
        c.push(row.features[t]!);
        v.push(row.counts[t]!);
      }
    }
    const features = csrFromTriples(itemCount, this.vocabulary.size, r, c, v);
    let embeddings: ItemEmbeddings | null = null;
    if (this.vectors.size > 0) {
      const vectors = new Float32Array(itemCount * this.dim);
      const present = new Uint8Array(itemCount);
      for (const [i, e] of this.vectors) {
        if (i >= itemCount) continue;
        vectors.set(e, i * this.dim);
        present[i] = 1;
      }
      embeddings = { dim: this.dim, vectors, present };
    }
    return { features, vocabulary: this.vocabulary.toArray().slice(), embeddings };
  }
}

/**
 * The same content re-indexed for another item index (e.g. a holdout split's catalogue): row j
 * of the result is the row of `to.idAt(j)` in `from`, or empty when `from` does not know it.
 */
export function alignItemContent(content: ItemContent, from: IdIndex, to: IdIndex): ItemContent {
  const src = content.features;
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  const source = new Int32Array(to.size);
  for (let j = 0; j < to.size; j++) {
    const i = from.indexOf(to.idAt(j));
    source[j] = i;
    if (i < 0 || i >= src.rows) continue;
    for (let k = src.indptr[i]!; k < src.indptr[i + 1]!; k++) {
      r.push(j);
      c.push(src.indices[k]!);
      v.push(src.values[k]!);
    }
  }
  const features = csrFromTriples(to.size, src.cols, r, c, v);
  const e = content.embeddings;
  let embeddings: ItemEmbeddings | null = null;
  if (e) {
    const vectors = new Float32Array(to.size * e.dim);
    const present = new Uint8Array(to.size);
    for (let j = 0; j < to.size; j++) {
      const i = source[j]!;
      if (i < 0 || i >= e.present.length || !e.present[i]) continue;
      vectors.set(e.vectors.subarray(i * e.dim, (i + 1) * e.dim), j * e.dim);
      present[j] = 1;
    }
    embeddings = { dim: e.dim, vectors, present };
  }
  return { features, vocabulary: content.vocabulary, embeddings };
}
