import { compareIds } from '../shared/index.js';

/**
 * A set of ids that can be listed in id order. Sorting is deferred until someone lists, so a
 * bulk upsert of n new ids costs one O(n log n) sort instead of n sorted insertions.
 */
export class SortedIdSet {
  private readonly ids = new Set<string>();
  private sorted: string[] | null = [];

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    this.ids.add(id);
    this.sorted = null;
  }

  delete(id: string): void {
    if (this.ids.delete(id)) this.sorted = null;
  }

  /** The ids in code point order; callers must not modify the array. */
  inOrder(): readonly string[] {
    this.sorted ??= [...this.ids].sort(compareIds);
    return this.sorted;
  }
}
