// The batch times a scheduler reports (generated, completed): a count of all
// of them and the most recent ones only, so a context that runs for days
// keeps a bounded list (Spark's UI keeps `spark.streaming.ui.retainedBatches`,
// 1,000 by default).

/** How many recent batch times are kept. */
export const RETAINED_BATCHES = 1000

export class RecentBatches {
  private count = 0
  private readonly recent: Array<number> = []

  /** Every batch recorded since start. */
  get total(): number {
    return this.count
  }

  /** The last `RETAINED_BATCHES` batch times, oldest first. */
  get times(): ReadonlyArray<number> {
    return this.recent
  }

  add(time: number): void {
    this.count++
    this.recent.push(time)
    if (this.recent.length > RETAINED_BATCHES) this.recent.splice(0, this.recent.length - RETAINED_BATCHES)
  }
}
