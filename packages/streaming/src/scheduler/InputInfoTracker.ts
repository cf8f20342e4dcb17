/**
 * Per-batch record counts and metadata reported by input streams.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.InputInfoTracker`.
 *
 * @since 0.1.0
 */
import type { StreamInputInfo } from "./StreamingListener.js"

/**
 * The tracker.
 *
 * **Example**
 * ```ts
 * const tracker = new InputInfoTracker()
 * tracker.reportInfo(1000, { inputStreamId: 0, numRecords: 5, metadata: {} })
 * tracker.getInfo(1000).get(0)?.numRecords // 5
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class InputInfoTracker {
  private readonly batches = new Map<number, Map<number, StreamInputInfo>>()

  /** Records what a stream contributed to a batch; a second report for the same stream and batch is refused. */
  reportInfo(batchTime: number, info: StreamInputInfo): boolean {
    let batch = this.batches.get(batchTime)
    if (batch === undefined) {
      batch = new Map()
      this.batches.set(batchTime, batch)
    }
    if (batch.has(info.inputStreamId)) return false
    batch.set(info.inputStreamId, info)
    return true
  }

  /** What every stream contributed to a batch. */
  getInfo(batchTime: number): ReadonlyMap<number, StreamInputInfo> {
    return new Map(this.batches.get(batchTime) ?? [])
  }

  /** Forgets batches before `batchThreshold`. */
  cleanup(batchThreshold: number): void {
    for (const time of [...this.batches.keys()]) if (time < batchThreshold) this.batches.delete(time)
  }
}
