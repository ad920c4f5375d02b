/** f32 halves the memory and doubles the SIMD width; f64 is the accuracy reference (tests). */
export type Precision = 'f32' | 'f64';
export type Panel = Float32Array | Float64Array;

/**
 * A dense symmetric n×n matrix stored as its lower triangle of b×b tiles, one typed array per
 * row panel: panel r holds tiles (r, 0) … (r, r) one after another, each row-major. A single
 * ArrayBuffer holds at most 4 GiB (and V8 may refuse far less), while at Gowalla scale the
 * triangle alone is 41k²/2 · 4 B ≈ 3.4 GB; the largest panel here is n·b values (21 MB at
 * n = 41k, b = 128 in f32). Tiles keep every block operation on contiguous memory.
 *
 * n is padded up to a multiple of b with identity rows and columns (1 on the diagonal, 0
 * elsewhere), which no inversion step mixes with the real entries. Diagonal tiles are stored
 * whole; readers take their lower triangle.
 */
export class BlockedMatrix {
  /** Tiles per side. */
  readonly tiles: number;
  /** n rounded up to a multiple of the block size. */
  readonly padded: number;
  readonly tileSize: number;
  readonly panels: Panel[];

  constructor(
    readonly n: number,
    readonly block: number,
    readonly precision: Precision = 'f32',
    /** Panels on SharedArrayBuffers, so helper threads can update them (BlockSweepKernel). */
    shared = false,
  ) {
    if (!Number.isInteger(block) || block < 1) throw new RangeError(`block size must be a positive integer, got ${block}`);
    this.tiles = Math.max(1, Math.ceil(n / block));
    this.padded = this.tiles * block;
    this.tileSize = block * block;
    this.panels = [];
    for (let r = 0; r < this.tiles; r++) {
      const length = (r + 1) * this.tileSize;
      const bytes = length * (precision === 'f32' ? 4 : 8);
      const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
      this.panels.push(precision === 'f32' ? new Float32Array(buffer) : new Float64Array(buffer));
    }
    for (let i = n; i < this.padded; i++) this.set(i, i, 1);
  }

  /** Offset of element (i, j), i ≥ j, inside panel ⌊i/b⌋. */
  offset(i: number, j: number): number {
    const b = this.block;
    return Math.floor(j / b) * this.tileSize + (i % b) * b + (j % b);
  }

  /** Element (i, j) of the symmetric matrix (either triangle). */
  get(i: number, j: number): number {
    const [r, c] = i >= j ? [i, j] : [j, i];
    return this.panels[Math.floor(r / this.block)]![this.offset(r, c)]!;
  }

  /** Sets (i, j) and, for a diagonal tile, its mirror (j, i) too. */
  set(i: number, j: number, value: number): void {
    const [r, c] = i >= j ? [i, j] : [j, i];
    const panel = this.panels[Math.floor(r / this.block)]!;
    panel[this.offset(r, c)] = value;
    if (Math.floor(r / this.block) === Math.floor(c / this.block)) panel[this.offset(c, r)] = value;
  }

  /** Adds to (i, j) (and its mirror within a diagonal tile). */
  add(i: number, j: number, value: number): void {
    this.set(i, j, this.get(i, j) + value);
  }

  /** Bytes held by the panels. */
  get bytes(): number {
    let total = 0;
    for (const p of this.panels) total += p.byteLength;
    return total;
  }

  /** The leading n×n block as a dense row-major f64 matrix (for tests and small checks). */
  toDense(): Float64Array {
    const n = this.n;
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = this.get(i, j);
    return out;
  }

  static fromDense(a: Float64Array, n: number, block: number, precision: Precision = 'f32', shared = false): BlockedMatrix {
    const m = new BlockedMatrix(n, block, precision, shared);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m.set(i, j, a[i * n + j]!);
    return m;
  }
}
