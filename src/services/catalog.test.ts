import { describe, expect, it } from 'vitest';
import { IdIndex, type Item } from '../core/index.js';
import { CatalogCache } from './catalog.js';

function item(id: string, createdAt: number, overrides: Partial<Item> = {}): Item {
  return { id, kind: 'movie', title: id.toUpperCase(), text: '', categories: ['c'], tags: ['t'], numeric: { year: 2000 }, embedding: null, createdAt, hidden: false, ...overrides };
}

describe('CatalogCache', () => {
  it('keeps the newest-first list right through bulk loads, single puts, updates, hides and removals', () => {
    const catalog = new CatalogCache();
    catalog.put(Array.from({ length: 100 }, (_, i) => item(`i${i}`, i * 10)));
    expect(ids(catalog).slice(0, 3)).toEqual(['i99', 'i98', 'i97']);
    catalog.put([item('new', 5_000)]);
    catalog.put([item('tie-b', 500), item('tie-a', 500)]);
    catalog.put([item('i98', 1)]); // re-dated
    catalog.put([item('i97', 970, { hidden: true })]);
    catalog.remove('i96');
    catalog.ensure(['bare']);
    const expected = ids(catalog);
    const fresh = new CatalogCache();
    fresh.put([...Array.from({ length: 100 }, (_, i) => item(`i${i}`, i * 10)), item('new', 5_000), item('tie-b', 500), item('tie-a', 500), item('i98', 1), item('i97', 970, { hidden: true })]);
    fresh.remove('i96');
    fresh.ensure(['bare']);
    expect(expected).toEqual(ids(fresh));
    expect(expected.slice(0, 4)).toEqual(['new', 'i99', 'i95', 'i94']);
    expect(expected.indexOf('tie-b')).toBe(expected.indexOf('tie-a') + 1);
    expect(expected.indexOf('tie-a')).toBe(expected.indexOf('i50') + 1);
    expect(expected).not.toContain('i97');
    expect(expected).not.toContain('i96');
    expect(expected.slice(-3)).toEqual(['i98', 'bare', 'i0']); // createdAt 1 (re-dated), 0, 0 (ties by id)
  });

  it('answers attributes from memory, bare items as uncategorised and never fresh', () => {
    const catalog = new CatalogCache();
    catalog.put([item('a', 7, { categories: ['x', 'y'], numeric: { price: 3 } })]);
    catalog.ensure(['b']);
    expect(catalog.attributes('a')).toMatchObject({ categories: ['x', 'y'], tags: ['t'], numeric: { price: 3 }, createdAt: 7, hidden: false, kind: 'movie' });
    expect(catalog.attributes('b')).toMatchObject({ categories: [], createdAt: 0 });
    expect(catalog.attributes('zzz')).toBeUndefined();
    expect(catalog.title('a')).toBe('A');
    expect(catalog.mainCategory('a')).toBe('x');
  });

  it('gives a recommendable mask per model item index that follows hides, removals and new items', () => {
    const catalog = new CatalogCache();
    catalog.put([item('a', 1), item('b', 2)]);
    const ids = IdIndex.from(['b', 'gone', 'a']);
    expect([...catalog.recommendableMask(ids)]).toEqual([1, 0, 1]);
    expect(catalog.recommendableMask(ids)).toBe(catalog.recommendableMask(ids)); // cached
    catalog.put([{ ...item('b', 2), hidden: true }]);
    expect([...catalog.recommendableMask(ids)]).toEqual([0, 0, 1]);
    catalog.ensure(['gone']);
    expect([...catalog.recommendableMask(ids)]).toEqual([0, 1, 1]);
    catalog.remove('a');
    expect([...catalog.recommendableMask(ids)]).toEqual([0, 1, 0]);
  });
});

function ids(catalog: CatalogCache): string[] {
  return catalog.newestItems().map((e) => e.id);
}
