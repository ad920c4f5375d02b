import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../core/index.js';
import { row } from '../../math/index.js';
import { SnapshotBuilder } from '../snapshot-builder.js';
import { ItemContentBuilder, alignItemContent, featureKind, itemFeatureCounts, type ItemContent, type ItemContentSource } from './item-content.js';

function item(partial: Partial<ItemContentSource>): ItemContentSource {
  return { title: '', text: '', categories: [], tags: [], embedding: null, ...partial };
}

/** Row i of the content as feature name → count. */
function features(content: ItemContent, i: number): Record<string, number> {
  const r = row(content.features, i);
  return Object.fromEntries(Array.from(r.indices, (f, k) => [content.vocabulary[f]!, r.values[k]!]));
}

const catalogue: [string, ItemContentSource][] = [
  ['alien', item({ title: 'Alien', text: 'In space no one can hear you scream.', categories: ['Horror', 'Sci-Fi'], tags: ['space', 'creepy'] })],
  ['toy', item({ title: 'Toy Story', text: 'Toys come to life.', categories: ['Animation', 'Comedy'], tags: ['funny', 'Funny '] })],
  ['solaris', item({ title: 'Solaris', text: 'A space station above an ocean planet.', categories: ['Sci-Fi', 'Drama'], embedding: [1, 0, 0] })],
];

describe('item content features', () => {
  it('prefixes categories and tags as whole features and counts title and text words alike', () => {
    expect(Object.fromEntries(itemFeatureCounts(catalogue[0]![1]))).toEqual({
      'cat:horror': 1,
      'cat:sci-fi': 1,
      'tag:space': 1,
      'tag:creepy': 1,
      'w:alien': 1,
      'w:space': 1,
      'w:one': 1,
      'w:hear': 1,
      'w:scream': 1,
    });
    // Tag repeats (after normalisation) count twice; the title word "toy" and text word "toys" differ.
    expect(Object.fromEntries(itemFeatureCounts(catalogue[1]![1]))).toMatchObject({ 'tag:funny': 2, 'w:toy': 1, 'w:toys': 1 });
    expect(featureKind('cat:drama')).toBe('category');
    expect(featureKind('tag:funny')).toBe('tag');
    expect(featureKind('w:space')).toBe('word');
    expect(featureKind('space')).toBeNull();
  });

  it('builds an items × features CSR aligned with the item indices, empty rows for unknown content', () => {
    const b = new ItemContentBuilder();
    catalogue.forEach(([, it], i) => b.set(i, it));
    const content = b.build(4)!;
    expect(content.features.rows).toBe(4);
    expect(content.features.cols).toBe(content.vocabulary.length);
    expect(new Set(content.vocabulary).size).toBe(content.vocabulary.length);
    expect(features(content, 2)).toEqual({
      'cat:sci-fi': 1,
      'cat:drama': 1,
      'w:solaris': 1,
      'w:space': 1,
      'w:station': 1,
      'w:above': 1,
      'w:ocean': 1,
      'w:planet': 1,
    });
    expect(features(content, 3)).toEqual({});
    // One embedding, dimension 3, at row 2 only.
    expect(content.embeddings!.dim).toBe(3);
    expect(Array.from(content.embeddings!.present)).toEqual([0, 0, 1, 0]);
    expect(Array.from(content.embeddings!.vectors.subarray(6, 9))).toEqual([1, 0, 0]);
    expect(new ItemContentBuilder().build(3)).toBeUndefined();
  });

  it('ignores embeddings of another dimension or with non-finite entries', () => {
    const b = new ItemContentBuilder();
    b.set(0, item({ embedding: [1, 2] }));
    b.set(1, item({ embedding: [1, 2, 3] }));
    b.set(2, item({ embedding: [1, Number.NaN] }));
    b.set(3, item({ embedding: [] }));
    expect(Array.from(b.build(4)!.embeddings!.present)).toEqual([1, 0, 0, 0]);
  });

  it('re-aligns to another item index', () => {
    const b = new ItemContentBuilder();
    catalogue.forEach(([, it], i) => b.set(i, it));
    const from = IdIndex.from(catalogue.map(([id]) => id));
    const content = b.build(3)!;
    const to = IdIndex.from(['solaris', 'new', 'alien']);
    const aligned = alignItemContent(content, from, to);
    expect(features(aligned, 0)).toEqual(features(content, 2));
    expect(features(aligned, 1)).toEqual({});
    expect(features(aligned, 2)).toEqual(features(content, 0));
    expect(Array.from(aligned.embeddings!.present)).toEqual([1, 0, 0]);
    expect(Array.from(aligned.embeddings!.vectors.subarray(0, 3))).toEqual([1, 0, 0]);
  });

  it('the snapshot builder carries content through, aligned with the items of events too', () => {
    const builder = new SnapshotBuilder({ like: { role: 'positive', weight: 1 } });
    for (const [id, it] of catalogue) builder.addItem(id, it);
    builder.add({ id: 'e1', user: 'u', item: 'solaris', type: 'like', value: null, timestamp: 5, context: null });
    builder.add({ id: 'e2', user: 'u', item: 'unlisted', type: 'like', value: null, timestamp: 6, context: null });
    const data = builder.build(10);
    expect(data.items.toArray()).toEqual(['alien', 'toy', 'solaris', 'unlisted']);
    const content = data.content!;
    expect(content.features.rows).toBe(4);
    expect(features(content, data.items.indexOf('toy'))).toMatchObject({ 'cat:animation': 1, 'tag:funny': 2 });
    expect(features(content, data.items.indexOf('unlisted'))).toEqual({});
    // Ids alone (the old call) give a snapshot without content.
    const bare = new SnapshotBuilder({ like: { role: 'positive', weight: 1 } });
    bare.addItem('alien');
    expect('content' in bare.build(0)).toBe(false);
  });
});
