// A direct stream's state between batches (Spark's DirectKafkaInputDStream:
// currentOffsets, commitQueue, and its checkpoint data), and the hooks the
// context calls: `prepare(time)` runs in the generator before the graph
// computes batch `time` (where receiver streams allocate their blocks),
// because asking the source for offsets is asynchronous and a DStream's
// compute is not.
import { type RDD as RDDModule, type SparkContext } from "@tspark/core"
import { Effect, Option } from "effect"
import type { DStream } from "../dstream/DStream.js"
import type { DirectSource } from "../dstream/DirectSource.js"
import * as OffsetRange from "../dstream/OffsetRange.js"
import * as DirectRDD from "../rdd/DirectRDD.js"
import { METADATA_KEY_DESCRIPTION } from "../scheduler/InputInfoTracker.js"
import type { StreamingContextLike } from "./context.js"
import { type DirectPosition, nextRanges, type PlanError } from "./directInput.js"

type RDD<T> = RDDModule.RDD<T>

/** What a direct stream saves in the metadata checkpoint. */
interface Saved {
  readonly current: ReadonlyArray<readonly [string, number]>
  readonly batches: ReadonlyArray<readonly [number, ReadonlyArray<OffsetRange.OffsetRange>]>
}

export class DirectStreamState<R> {
  /** Each partition's first offset not yet given to a batch (empty before the first batch). */
  private current = new Map<string, number>()
  /** Batches planned by `prepare` and not yet forgotten: their ranges, or why planning failed. */
  private readonly batches = new Map<number, ReadonlyArray<OffsetRange.OffsetRange> | PlanError>()
  /** Per partition, the offset to commit next (Spark's commitQueue, merged so it stays one entry per partition). */
  private readonly commitQueue = new Map<string, number>()
  /** The backpressure rate the controller published last. */
  private latestRate: Option.Option<number> = Option.none()

  constructor(
    readonly ssc: StreamingContextLike,
    readonly inputStreamId: number,
    readonly source: DirectSource<R>,
    readonly position: DirectPosition
  ) {}

  get backpressure(): boolean {
    return this.position.settings.backpressure
  }

  publishRate(rate: number): void {
    this.latestRate = Option.some(rate)
  }

  commitAsync(ranges: ReadonlyArray<OffsetRange.OffsetRange>): void {
    for (const range of ranges) {
      const queued = this.commitQueue.get(range.partition)
      if (queued === undefined || range.untilOffset > queued) this.commitQueue.set(range.partition, range.untilOffset)
    }
  }

  /** Commits what was queued (Spark commits at the next batch, `commitAll` in `compute`), then plans batch `time`. */
  prepare(time: number): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      yield* this.commitQueued
      if (this.batches.has(time)) return // planned before a restart: the same ranges again
      const planned = yield* Effect.result(nextRanges(this.position, this.current, this.latestRate))
      if (planned._tag === "Failure") {
        yield* Effect.logWarning(`${this.source.name}: batch ${time} fails: ${planned.failure.message}`)
        this.batches.set(time, planned.failure)
        return
      }
      for (const range of planned.success) this.current.set(range.partition, range.untilOffset)
      this.batches.set(time, planned.success)
    })
  }

  private get commitQueued(): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (this.commitQueue.size === 0) return Effect.void
      const offsets = new Map(this.commitQueue)
      this.commitQueue.clear()
      return Effect.catch(this.source.commit(offsets), (error) =>
        Effect.andThen(
          Effect.logWarning(`${this.source.name}: committing offsets failed, retrying at the next batch: ${error.message}`),
          Effect.sync(() => this.commitAsync([...offsets].map(([partition, until]) => OffsetRange.make(partition, until, until))))
        ))
    })
  }

  /** The RDD of batch `time` (Spark's `compute`): its ranges read by a DirectRDD, reported as the batch's input. */
  compute(time: number, self: DStream<R>): RDD<R> {
    const sc: SparkContext.SparkContext = this.ssc.sparkContext
    const planned = this.batches.get(time) ?? []
    this.forgetBefore(time, self)
    if (!Array.isArray(planned)) {
      const error = planned as PlanError
      this.ssc.inputInfoTracker.reportInfo(time, {
        inputStreamId: this.inputStreamId,
        numRecords: 0,
        metadata: { error: error.message, [METADATA_KEY_DESCRIPTION]: `failed: ${error.message}` }
      })
      // The batch's jobs fail with the error, so listeners hear it as the batch's failure; the offsets did not move.
      return sc.parallelize([error.message], 1).mapPartitions((): Iterable<R> => {
        throw error
      })
    }
    const ranges = planned as ReadonlyArray<OffsetRange.OffsetRange>
    const rdd = DirectRDD.make(sc, this.source, ranges)
    this.ssc.inputInfoTracker.reportInfo(time, {
      inputStreamId: this.inputStreamId,
      numRecords: OffsetRange.totalCount(ranges),
      metadata: {
        offsets: ranges,
        [METADATA_KEY_DESCRIPTION]: ranges.filter((r) => r.count > 0).map(OffsetRange.format).join("\n")
      }
    })
    return rdd
  }

  /** Forgets the plans of batches before `time` that the stream no longer remembers: what is kept stays bounded. */
  private forgetBefore(time: number, self: DStream<R>): void {
    for (const batch of this.batches.keys()) {
      if (batch < time && !self.generatedRDDs.has(batch)) this.batches.delete(batch)
    }
  }

  save(self: DStream<R>): Saved {
    const batches: Array<readonly [number, ReadonlyArray<OffsetRange.OffsetRange>]> = []
    for (const [time, planned] of this.batches) {
      if (Array.isArray(planned) && self.generatedRDDs.has(time)) batches.push([time, planned])
    }
    return { current: [...this.current], batches }
  }

  restore(state: unknown): void {
    const saved = state as Saved
    this.current = new Map(saved.current)
    for (const [time, ranges] of saved.batches) this.batches.set(time, ranges)
  }
}

const states = new WeakMap<DStream<unknown>, DirectStreamState<unknown>>()

export const register = (stream: DStream<unknown>, state: DirectStreamState<unknown>): void => {
  states.set(stream, state)
}

export const stateOf = (stream: DStream<unknown>): DirectStreamState<unknown> | undefined => states.get(stream)
