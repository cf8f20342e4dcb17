/**
 * Per-batch record counts and metadata reported by input streams.
 *
 * Streams whose count is known when the batch is generated (receivers, from
 * their blocks; a parallelized collection, from its slices) report it with
 * `reportInfo` or `reportRDD`. Any other RDD (a text file, a mapped RDD) is
 * counted by a `count` job: `reportRDD` leaves it pending and `resolve(time)`,
 * run by the JobGenerator before it submits the batch, runs the job. That
 * job reads the input once more (Spark's queue and constant streams report
 * nothing and its file stream reports 0 records, avoiding the cost); persist
 * the stream's RDDs to read them once. A count is remembered per RDD, so a
 * constant stream is counted once.
 *
 * Mirrors `org.apache.spark.streaming.scheduler.InputInfoTracker`.
 *
 * @since 0.1.0
 */
import type { RDD } from "@tspark/core"
import { Effect } from "effect"
import type { StreamInputInfo } from "./StreamingListener.js"

/**
 * The metadata key whose value the UI shows as the input's description.
 *
 * Mirrors `StreamInputInfo.METADATA_KEY_DESCRIPTION`.
 *
 * **Example**
 * ```ts
 * const metadata = { [InputInfoTracker.METADATA_KEY_DESCRIPTION]: "files: a.txt" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const METADATA_KEY_DESCRIPTION = "Description"

/**
 * The record count of `rdd` when the driver knows it without running a job
 * (no partitions, a parallelized collection, a union of such RDDs), else
 * `undefined`.
 *
 * **Example**
 * ```ts
 * InputInfoTracker.knownRecordCount(sc.parallelize([1, 2, 3], 2)) // 3
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const knownRecordCount = (rdd: RDD.RDD<unknown>): number | undefined => {
  if (rdd.validationError !== undefined) return undefined
  switch (rdd.op.kind) {
    case "EmptyRDD":
      return 0
    case "ParallelCollectionRDD": {
      let total = 0
      for (const split of rdd.partitions) {
        const values = (split as { readonly values?: ReadonlyArray<unknown> }).values
        if (values === undefined) return undefined
        total += values.length
      }
      return total
    }
    case "UnionRDD": {
      let total = 0
      for (const dep of rdd.dependencies) {
        const count = knownRecordCount(dep.rdd)
        if (count === undefined) return undefined
        total += count
      }
      return total
    }
    default:
      return undefined
  }
}

interface PendingCount {
  readonly rdd: RDD.RDD<unknown>
  readonly metadata: Readonly<Record<string, unknown>>
}

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
  private readonly pending = new Map<number, Map<number, PendingCount>>()
  private readonly counted = new WeakMap<RDD.RDD<unknown>, number>()

  /** Records what a stream contributed to a batch; a second report for the same stream and batch is refused. */
  reportInfo(batchTime: number, info: StreamInputInfo): boolean {
    if (this.pending.get(batchTime)?.has(info.inputStreamId) === true) return false
    let batch = this.batches.get(batchTime)
    if (batch === undefined) {
      batch = new Map()
      this.batches.set(batchTime, batch)
    }
    if (batch.has(info.inputStreamId)) return false
    batch.set(info.inputStreamId, info)
    return true
  }

  /**
   * Records a stream's RDD for a batch with its record count: at once when
   * the count is known on the driver, else after `resolve(batchTime)` runs a
   * count job. Refused as `reportInfo` is.
   */
  reportRDD(
    batchTime: number,
    inputStreamId: number,
    rdd: RDD.RDD<unknown>,
    metadata: Readonly<Record<string, unknown>> = {}
  ): boolean {
    const count = this.counted.get(rdd) ?? knownRecordCount(rdd)
    if (count !== undefined) return this.reportInfo(batchTime, { inputStreamId, numRecords: count, metadata })
    if (this.batches.get(batchTime)?.has(inputStreamId) === true) return false
    let batch = this.pending.get(batchTime)
    if (batch === undefined) {
      batch = new Map()
      this.pending.set(batchTime, batch)
    }
    if (batch.has(inputStreamId)) return false
    batch.set(inputStreamId, { rdd, metadata })
    return true
  }

  /** Whether a batch has counts still to run. */
  hasPending(batchTime: number): boolean {
    return this.pending.has(batchTime)
  }

  /**
   * Runs the count jobs of a batch's pending reports and records their
   * counts. A count that fails is recorded as 0 records, with the failure
   * under `countError` in the metadata (the batch's own jobs report it too).
   */
  resolve(batchTime: number): Effect.Effect<void> {
    return Effect.suspend(() => {
      const batch = this.pending.get(batchTime)
      if (batch === undefined) return Effect.void
      this.pending.delete(batchTime)
      return Effect.forEach(
        [...batch],
        ([inputStreamId, { metadata, rdd }]) =>
          rdd.count().pipe(
            Effect.map((numRecords) => {
              this.counted.set(rdd, numRecords)
              return { inputStreamId, numRecords, metadata }
            }),
            Effect.catch((error) =>
              Effect.as(
                Effect.logWarning(`Could not count the records of input stream ${inputStreamId} at ${batchTime}`, error),
                { inputStreamId, numRecords: 0, metadata: { ...metadata, countError: String(error) } }
              )
            ),
            Effect.map((info) => void this.reportInfo(batchTime, info))
          ),
        { discard: true }
      )
    })
  }

  /** What every stream contributed to a batch. */
  getInfo(batchTime: number): ReadonlyMap<number, StreamInputInfo> {
    return new Map(this.batches.get(batchTime) ?? [])
  }

  /** Forgets batches before `batchThreshold`. */
  cleanup(batchThreshold: number): void {
    for (const time of [...this.batches.keys()]) if (time < batchThreshold) this.batches.delete(time)
    for (const time of [...this.pending.keys()]) if (time < batchThreshold) this.pending.delete(time)
  }
}
