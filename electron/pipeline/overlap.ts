// Batches of model work started without holding up the loop that produces them. onnxruntime-node
// runs inference on the calling thread, so what overlaps a batch is the work outside this thread:
// ffmpeg and its reader thread (decode-worker.mjs) decoding the next frames, sharp encoding crops.
// One batch at a time keeps memory flat and the results in input order. WriteQueue does the same for
// file writes (crops): a bounded number in flight, so their fsyncs overlap instead of queueing.
export class OverlappedBatches<T> {
  private inFlight: Promise<void> = Promise.resolve();
  private batch: T[] = [];

  constructor(
    private readonly size: number,
    private readonly work: (batch: T[]) => Promise<void>,
  ) {}

  /** Queues one item; a full batch waits for the batch before it, then starts in the background. */
  async add(item: T): Promise<void> {
    this.batch.push(item);
    if (this.batch.length >= this.size) await this.flush();
  }

  /** Starts the partial batch (after the one in flight). */
  async flush(): Promise<void> {
    await this.inFlight;
    if (!this.batch.length) return;
    const batch = this.batch;
    this.batch = [];
    this.inFlight = this.work(batch);
    // A failure surfaces at the next await of inFlight; until then it must not count as unhandled.
    this.inFlight.catch(() => undefined);
  }

  /** Runs what is queued and waits for all of it; rethrows a batch's failure. */
  async finish(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }

  /** Waits for the batch in flight without throwing: for `finally`, when the loop itself failed. */
  settle(): Promise<void> {
    return this.inFlight.catch(() => undefined);
  }
}

/** Bounded set of pending writes: `add` waits only when the set is full; `drain` waits for all and rethrows the first failure. */
export class WriteQueue {
  private readonly pending = new Set<Promise<void>>();
  private failure: unknown = null;
  constructor(private readonly limit: number) {}

  async add(p: Promise<void>): Promise<void> {
    const tracked = p.catch((err) => {
      this.failure ??= err;
    }).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    if (this.pending.size >= this.limit) await Promise.race(this.pending);
    if (this.failure) throw this.failure;
  }

  async drain(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure) throw this.failure;
  }
}
