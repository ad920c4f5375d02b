import type { Item } from '../core/index.js';
import type { ItemCatalog } from '../pipeline/index.js';
import type { DataStore } from '../ports/index.js';

interface Entry {
  title: string;
  categories: readonly string[];
  hidden: boolean;
}

/**
 * The item facts serving needs, held in memory so filtering never waits on storage. Kept in
 * step by the services that write items; loaded whole at start.
 */
export class CatalogCache implements ItemCatalog {
  private readonly entries = new Map<string, Entry>();

  async load(store: DataStore): Promise<void> {
    this.entries.clear();
    for await (const batch of store.scanItems(5_000)) this.put(batch);
  }

  put(items: readonly Item[]): void {
    for (const it of items) this.entries.set(it.id, { title: it.title, categories: it.categories, hidden: it.hidden });
  }

  /** Items created on the fly by events: visible, untitled, uncategorised. */
  ensure(ids: Iterable<string>): void {
    for (const id of ids) if (!this.entries.has(id)) this.entries.set(id, { title: id, categories: [], hidden: false });
  }

  remove(id: string): void {
    this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }

  isRecommendable(id: string): boolean {
    const e = this.entries.get(id);
    return e !== undefined && !e.hidden;
  }

  hasCategory(id: string, category: string): boolean {
    return this.entries.get(id)?.categories.includes(category) ?? false;
  }

  title(id: string): string | undefined {
    return this.entries.get(id)?.title;
  }

  mainCategory(id: string): string | undefined {
    return this.entries.get(id)?.categories[0];
  }
}
