// Upload progress from bytes handed to the network, per part. A retried part does not count twice,
// so `loaded` never goes backwards, and it is capped by each part's length so it never passes `total`.

export interface UploadProgress {
  loaded: number;
  total: number;
}

export type ProgressListener = (progress: UploadProgress) => void;

// Emitting every 256 KiB or 100 ms keeps well inside "at least every 1 MiB or 250 ms" without
// flooding a UI with an event per 64 KiB chunk.
const EMIT_BYTES = 256 * 1024;
const EMIT_MS = 100;

export class ProgressTracker {
  private readonly counted = new Map<number, number>();
  private loaded = 0;
  private emittedLoaded = -1;
  private emittedAt = 0;

  constructor(
    readonly total: number,
    private readonly listener: ProgressListener | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Bytes of `part` sent so far in the current attempt; less than before is ignored. */
  update(part: number, bytes: number, partLength: number): void {
    const next = Math.min(bytes, partLength);
    const previous = this.counted.get(part) ?? 0;
    if (next <= previous) return;
    this.counted.set(part, next);
    this.loaded += next - previous;
    if (this.loaded - this.emittedLoaded >= EMIT_BYTES || this.now() - this.emittedAt >= EMIT_MS) this.emit();
  }

  /** After completion: the last event always says loaded === total. */
  finish(): void {
    this.loaded = this.total;
    if (this.emittedLoaded !== this.total) this.emit();
  }

  /** Reports the starting point: `held` parts (of a resumed upload) count as sent. */
  start(held: ReadonlyMap<number, number> = new Map()): void {
    for (const [part, length] of held) {
      this.loaded += length - (this.counted.get(part) ?? 0);
      this.counted.set(part, length);
    }
    this.emit();
  }

  private emit(): void {
    if (!this.listener || this.loaded === this.emittedLoaded) return;
    this.emittedLoaded = this.loaded;
    this.emittedAt = this.now();
    this.listener({ loaded: this.loaded, total: this.total });
  }
}
