/** Maps string ids at the edges to dense int32 indices inside. */
export class IdIndex {
  private readonly byId = new Map<string, number>();
  private readonly ids: string[] = [];

  static from(ids: Iterable<string>): IdIndex {
    const index = new IdIndex();
    for (const id of ids) index.add(id);
    return index;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Index of id, adding it if new. */
  add(id: string): number {
    const found = this.byId.get(id);
    if (found !== undefined) return found;
    const i = this.ids.length;
    this.ids.push(id);
    this.byId.set(id, i);
    return i;
  }

  /** Index of id, or -1. */
  indexOf(id: string): number {
    return this.byId.get(id) ?? -1;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  idAt(i: number): string {
    const id = this.ids[i];
    if (id === undefined) throw new RangeError(`index ${i} outside 0..${this.ids.length - 1}`);
    return id;
  }

  toArray(): readonly string[] {
    return this.ids;
  }
}
