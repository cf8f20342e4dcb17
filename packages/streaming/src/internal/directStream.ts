// A direct stream's state between batches (Spark's DirectKafkaInputDStream:
// currentOffsets, commitQueue, and its checkpoint data), and the hooks the
// context calls: `prepare(time)` runs in the generator before the graph
// computes batch `time` (where receiver streams allocate their blocks),
// because asking the source for offsets is asynchronous and a DStream's
// compute is not.
import { type RDD as RDDModule, type SparkContext } from "@tspark/core"
import { Effect, Option } from "effect"
import type { DStream } from "../dstream/DStream.js"
import { type DirectSource, DirectSourceError } from "../dstream/DirectSource.js"
import * as OffsetRange from "../dstream/OffsetRange.js"
import * as DirectRDD from "../rdd/DirectRDD.js"
import { METADATA_KEY_DESCRIPTION } from "../scheduler/InputInfoTracker.js"
import type { StreamingContextLike } from "./context.js"
import { type DirectPosition, nextRanges, type PlanError } from "./directInput.js"

type RDD<T> = RDDModule.RDD<T>

/** What a direct stream saves in the metadata checkpoint. */
interface Saved {
  readonly current: ReadonlyArray<readonly [string, number]>
  /** Each current offset's position, for a source that resolves positions (absent in older checkpoints). */
  readonly positions?: ReadonlyArray<readonly [string, string]>
  readonly batches: ReadonlyArray<readonly [number, ReadonlyArray<OffsetRange.OffsetRange>]>
}

interface Committed {
  readonly offsets: ReadonlyMap<string, number>
  readonly positions: ReadonlyMap<string, string>
}

export class DirectStreamState<R> {
  /** Each partition's first offset not yet given to a batch (empty before the first batch). */
  private current = new Map<string, number>()
  /** The source's position of each current offset, for a source that resolves positions. */
  private positions = new Map<string, string>()
  /** Batches planned by `prepare` and not yet forgotten: their ranges, or why planning failed. */
  private readonly batches = new Map<number, ReadonlyArray<OffsetRange.OffsetRange> | PlanError>()
  /** Per partition, the offset to commit next (Spark's commitQueue, merged so it stays one entry per partition). */
  private readonly commitQueue = new Map<string, number>()
  /** The positions of the queued offsets, where ranges carried them. */
  private readonly commitPositions = new Map<string, string>()
  /** What the source had committed before this stream started (loaded at the first batch), or nothing to load. */
  private committed: Committed | undefined
  /** The planning position with the committed offsets merged in, once they are loaded. */
  private committedStart: DirectPosition | undefined
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
      if (queued !== undefined && range.untilOffset <= queued) continue
      this.commitQueue.set(range.partition, range.untilOffset)
      if (range.untilPosition === undefined) this.commitPositions.delete(range.partition)
      else this.commitPositions.set(range.partition, range.untilPosition)
    }
  }

  /** Commits what was queued (Spark commits at the next batch, `commitAll` in `compute`), then plans batch `time`. */
  prepare(time: number): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      yield* this.commitQueued
      if (this.batches.has(time)) return // planned before a restart: the same ranges again
      const planned = yield* Effect.result(
        Effect.flatMap(
          this.startingPosition,
          (position) =>
            Effect.flatMap(nextRanges(position, this.current, this.latestRate), (ranges) => this.withPositions(ranges, position))
        )
      )
      if (planned._tag === "Failure") {
        yield* Effect.logWarning(`${this.source.name}: batch ${time} fails: ${planned.failure.message}`)
        this.batches.set(time, planned.failure)
        return
      }
      for (const range of planned.success) {
        this.current.set(range.partition, range.untilOffset)
        if (range.untilPosition !== undefined) this.positions.set(range.partition, range.untilPosition)
      }
      this.batches.set(time, planned.success)
    })
  }

  /**
   * The ranges with the source's positions, for a source that resolves them: each range starting where the
   * previous one ended carries that position, so the source resolves only ranges starting anywhere else.
   */
  private withPositions(
    ranges: ReadonlyArray<OffsetRange.OffsetRange>,
    start: DirectPosition
  ): Effect.Effect<ReadonlyArray<OffsetRange.OffsetRange>, DirectSourceError> {
    const resolve = this.source.resolvePositions
    if (resolve === undefined) return Effect.succeed(ranges)
    const known = ranges.map((range) => {
      const p = range.partition
      const position = this.current.has(p)
        ? (this.current.get(p) === range.fromOffset ? this.positions.get(p) : undefined)
        // A partition's first range: at the committed offset, the committed position (unless a starting offset won).
        : start.startingOffsets?.get(p) === range.fromOffset && this.committed?.offsets.get(p) === range.fromOffset
        ? this.committed.positions.get(p)
        : undefined
      return position === undefined ? OffsetRange.offsetsOnly(range) : { ...OffsetRange.offsetsOnly(range), fromPosition: position }
    })
    return Effect.flatMap(resolve(known), (resolved) => {
      const wrong = ranges.find((range, i) => {
        const r = resolved[i]
        return r === undefined || r.partition !== range.partition || r.fromOffset !== range.fromOffset ||
          r.untilOffset !== range.untilOffset || r.fromPosition === undefined || r.untilPosition === undefined
      })
      if (wrong === undefined && resolved.length === ranges.length) return Effect.succeed(resolved)
      return Effect.fail(
        new DirectSourceError({
          source: this.source.name,
          message: `resolvePositions must return every range it was given, in order, with the same offsets and both ` +
            `positions set; it did not for ${wrong === undefined ? "the range count" : OffsetRange.format(wrong)}`
        })
      )
    })
  }

  /**
   * The stream's position for planning: with the source's committed offsets (loaded once, at the first batch)
   * as starting offsets of the partitions the options name none for (Spark's consumer starting at the group's
   * committed offsets). A failed load fails the batch and is tried again at the next one.
   */
  private get startingPosition(): Effect.Effect<DirectPosition, DirectSourceError> {
    return Effect.suspend(() => {
      const load = this.source.committedOffsets
      if (load === undefined) return Effect.succeed(this.position)
      if (this.committedStart !== undefined) return Effect.succeed(this.committedStart)
      return Effect.map(load, (loaded) => {
        this.committed = { offsets: new Map(loaded.offsets), positions: new Map(loaded.positions ?? []) }
        // Merged once: the options' starting offsets win over the committed ones.
        const startingOffsets = new Map([...loaded.offsets, ...(this.position.startingOffsets ?? [])])
        return this.committedStart = { ...this.position, startingOffsets }
      })
    })
  }

  private get commitQueued(): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (this.commitQueue.size === 0) return Effect.void
      const offsets = new Map(this.commitQueue)
      const positions = new Map(this.commitPositions)
      this.commitQueue.clear()
      this.commitPositions.clear()
      const commit = positions.size > 0 ? this.source.commit(offsets, positions) : this.source.commit(offsets)
      return Effect.catch(commit, (error) =>
        Effect.andThen(
          Effect.logWarning(`${this.source.name}: committing offsets failed, retrying at the next batch: ${error.message}`),
          Effect.sync(() =>
            this.commitAsync([...offsets].map(([partition, until]) => {
              const range = OffsetRange.make(partition, until, until)
              const position = positions.get(partition)
              return position === undefined ? range : OffsetRange.withPositions(range, position, position)
            }))
          )
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
    return { current: [...this.current], positions: [...this.positions], batches }
  }

  restore(state: unknown): void {
    const saved = state as Saved
    this.current = new Map(saved.current)
    this.positions = new Map(saved.positions ?? [])
    for (const [time, ranges] of saved.batches) this.batches.set(time, ranges)
  }
}

const states = new WeakMap<DStream<unknown>, DirectStreamState<unknown>>()

export const register = (stream: DStream<unknown>, state: DirectStreamState<unknown>): void => {
  states.set(stream, state)
}

export const stateOf = (stream: DStream<unknown>): DirectStreamState<unknown> | undefined => states.get(stream)
