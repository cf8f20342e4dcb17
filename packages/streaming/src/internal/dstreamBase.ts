// What every DStream shares, the first of the public `DStream` class's layers
// (DStreamBase → DStreamPairMethods → DStream): identity, generation and
// remembering of RDDs, slicing, persistence and checkpointing. The
// bookkeeping itself lives in dstreamMetadata.ts (in Spark it sits in
// `DStream`); the operations are the later layers.
import { type RDD as RDDModule, StorageLevel } from "@tspark/core"
import type { Duration, Effect } from "effect"
import type { DStream, DStreamKind } from "../dstream/DStream.js"
import type { StreamingListener } from "../scheduler/StreamingListener.js"
import type { IllegalStateError, InvalidStreamError } from "../StreamingError.js"
import type * as Time from "../Time.js"
import { addedAfterStart, type StreamingContextLike } from "./context.js"
import * as metadata from "./dstreamMetadata.js"
import { toTime } from "./time.js"

type RDD<T> = RDDModule.RDD<T>

export abstract class DStreamBase<T> {
  readonly id: number
  /** The RDD generated for each batch time (ms) still remembered. */
  readonly generatedRDDs = new Map<number, RDD<T>>()
  /** Set by `initialize` when the context starts. */
  zeroTime: Time.Time | undefined = undefined
  /** How long generated RDDs are kept (ms); set at start. */
  rememberDurationMs: number | undefined = undefined
  /** The level generated RDDs are persisted at. */
  storageLevel: StorageLevel.StorageLevel = StorageLevel.NONE
  /** Checkpoint every this many ms (a multiple of the slide), when set. */
  checkpointDurationMs: number | undefined = undefined
  /** @internal A `checkpoint(interval)` whose interval was not a positive duration: `start` fails with it. */
  checkpointIntervalError: InvalidStreamError | undefined = undefined
  /**
   * The rate controller slot of an input stream: a listener that hears every
   * completed batch (Spark's `InputDStream.rateController`). The context
   * registers it on start; backpressure wiring fills it.
   */
  rateController: StreamingListener | undefined = undefined
  private readonly buildError: InvalidStreamError | IllegalStateError | undefined

  /** @internal */
  constructor(readonly context: StreamingContextLike, readonly kind: DStreamKind<T>) {
    this.id = context.newStreamId()
    this.buildError = kind.error ?? (context.isStarted() ? addedAfterStart() : undefined)
  }

  /** This layer is the public `DStream`'s base: every instance is a `DStream`. */
  private get self(): DStream<T> {
    return this as unknown as DStream<T>
  }

  /** The parent streams. */
  get dependencies(): ReadonlyArray<DStream<unknown>> {
    return this.kind.dependencies
  }

  /** Computes the RDD of batch `time` from the parents (no memoization; see `getOrCompute`). */
  compute(time: Time.Input): RDD<T> | undefined {
    return this.kind.compute(toTime(time), this.self)
  }

  /** The time between two RDDs of this stream (ms). */
  get slideDurationMs(): number {
    return this.kind.slideDurationMs ?? this.kind.dependencies[0]?.slideDurationMs ?? this.context.batchDurationMs
  }

  /** Whether this stream must be checkpointed (stateful streams). */
  get mustCheckpoint(): boolean {
    return this.kind.mustCheckpoint === true
  }

  /** @internal The first error in this stream's lineage, if any. */
  get validationError(): InvalidStreamError | IllegalStateError | undefined {
    if (this.buildError !== undefined) return this.buildError
    for (const parent of this.kind.dependencies) {
      const error = parent.validationError
      if (error !== undefined) return error
    }
    return undefined
  }

  /** Whether an RDD is generated at `time`: a slide boundary after the zero time. */
  isTimeValid(time: Time.Input): boolean {
    return metadata.isTimeValid(this.self, time)
  }

  /** @internal Sets the zero time and default remember duration, then the parents'. */
  initialize(zeroTime: Time.Input): void {
    metadata.initialize(this.self, zeroTime)
  }

  /** @internal Makes this stream (and its parents) keep RDDs at least `durationMs`. */
  remember(durationMs: number): void {
    metadata.remember(this.self, durationMs)
  }

  /**
   * The RDD of batch `time`: the remembered one, or computed (then persisted
   * and checkpointed as configured). `undefined` for times off the slide.
   */
  getOrCompute(time: Time.Input): RDD<T> | undefined {
    return metadata.getOrCompute(this.self, time)
  }

  /**
   * The RDDs of the batches from `fromTime` to `toTime`, both included, as
   * Spark's `slice`: a time off this stream's slide is rounded down to it
   * (with a warning), and `fromTime` after `toTime` gives none. Fails with
   * `IllegalStateError` before the context has started (Spark's "has not
   * been initialized").
   */
  slice(fromTime: Time.Input, toTime: Time.Input): Effect.Effect<Array<RDD<T>>, IllegalStateError> {
    return metadata.sliceChecked(this.self, fromTime, toTime)
  }

  /** @internal `slice` for the streams' own computations, on aligned times (none before start). */
  sliceRDDs(fromTime: Time.Input, toTime: Time.Input): Array<RDD<T>> {
    return metadata.slice(this.self, fromTime, toTime)
  }

  /** @internal Forgets RDDs older than the remember duration (unpersisting them, appending them to `forgotten`), then the parents'. */
  clearMetadata(time: Time.Input, forgotten: Array<RDD<unknown>> = []): void {
    metadata.clearMetadata(this.self, time, forgotten)
  }

  /** @internal Checks durations and checkpointing before start. */
  validateAtStart(checkpointDir: string | undefined): InvalidStreamError | IllegalStateError | undefined {
    return metadata.validateAtStart(this.self, checkpointDir)
  }

  // ------------------------------------------------------------ persistence

  /** Persists every generated RDD at `level`. */
  persist(level: StorageLevel.StorageLevel = StorageLevel.MEMORY_ONLY_SER): this {
    this.storageLevel = level
    return this
  }

  /** `persist(MEMORY_ONLY_SER)`, Spark's default for DStreams. */
  cache(): this {
    return this.persist()
  }

  /** Checkpoints generated RDDs every `interval` (a multiple of the slide), truncating their lineage. */
  checkpoint(interval: Duration.Input): this {
    metadata.checkpoint(this.self, interval)
    return this
  }
}
