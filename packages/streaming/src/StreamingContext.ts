/**
 * The entry point of a streaming application: builds input streams, runs the
 * graph every batch interval, and stops cleanly.
 *
 * Mirrors `org.apache.spark.streaming.StreamingContext`.
 *
 * States: `INITIALIZED` (build the graph), `ACTIVE` (after `start`),
 * `STOPPED` (after `stop`; cannot be restarted). One context may be active
 * per process.
 *
 * Lifecycle calls are methods that return Effects: `ssc.start()`,
 * `ssc.stop({ stopSparkContext, stopGracefully })`, `ssc.awaitTermination()`,
 * `ssc.awaitTerminationOrTimeout(timeout)`. Code that does not use Effect
 * calls the same methods on `ssc.promise`, which return Promises (an
 * un-awaited one is a floating Promise, reported by `no-floating-promises`);
 * that facade is the module `StreamingContextPromise`.
 *
 * @since 0.1.0
 */
import { type ListenerBus, Logging, type RDD as RDDModule, SparkContext, type SparkError, type StorageLevel } from "@tspark/core"
import { Deferred, type Duration, Effect, Exit, Option, Scope } from "effect"
import * as path from "node:path"
import * as ConstantInputDStream from "./dstream/ConstantInputDStream.js"
import type { DStream } from "./dstream/DStream.js"
import * as FileInputDStream from "./dstream/FileInputDStream.js"
import * as QueueInputDStream from "./dstream/QueueInputDStream.js"
import * as RawInputDStream from "./dstream/RawInputDStream.js"
import * as ReceiverInputDStream from "./dstream/ReceiverInputDStream.js"
import * as SocketInputDStream from "./dstream/SocketInputDStream.js"
import * as TransformedDStream from "./dstream/TransformedDStream.js"
import * as UnionDStream from "./dstream/UnionDStream.js"
import { DStreamGraph } from "./DStreamGraph.js"
import { checkpointHooks } from "./internal/checkpointHooks.js"
import { addedAfterStart, type StreamingContextLike } from "./internal/context.js"
import { validateReceivers } from "./internal/receiverLaunch.js"
import * as recovery from "./internal/recovery.js"
import * as internal from "./internal/streamingContext.js"
import { attachStreamingUI } from "./internal/streamingUI.js"
import type { Receiver } from "./receiver/Receiver.js"
import { InputInfoTracker } from "./scheduler/InputInfoTracker.js"
import type * as JobScheduler from "./scheduler/JobScheduler.js"
import type { ReceiverTracker } from "./scheduler/ReceiverTracker.js"
import type * as StreamingListenerModule from "./scheduler/StreamingListener.js"
import * as StreamingContextPromise from "./StreamingContextPromise.js"
import { IllegalStateError, type InvalidStreamError, type StreamingError, StreamingJobError } from "./StreamingError.js"
import type { Time } from "./Time.js"

type RDD<T> = RDDModule.RDD<T>
/** Its own checks, and whatever making its SparkContext can fail with. */
type MakeError = InvalidStreamError | Effect.Error<ReturnType<typeof SparkContext.make>>
type Bus = ListenerBus.ListenerBus<StreamingListenerModule.StreamingListenerEvent, StreamingListenerModule.StreamingListener>

import type { State, StopOptions, StreamingContextOptions } from "./StreamingContextOptions.js"
export type { State, StopOptions, StreamingContextOptions } from "./StreamingContextOptions.js"

/**
 * A streaming context. Lifecycle calls are methods returning Effects
 * (`ssc.start()`, `ssc.stop(options)`, `ssc.awaitTermination()`,
 * `ssc.awaitTerminationOrTimeout(timeout)`); `ssc.promise` has the same
 * methods returning Promises, for code that does not use Effect.
 *
 * Mirrors `org.apache.spark.streaming.StreamingContext`.
 *
 * **Example**
 * ```ts
 * Effect.scoped(Effect.gen(function*() {
 *   const sc = yield* SparkContext.make({ master: "local[2]" })
 *   const ssc = yield* StreamingContext.make(sc, { batchDuration: "1 second" })
 *   ssc.textFileStream("/tmp/in").flatMap((l) => l.split(" ")).countByValue().print()
 *   yield* ssc.start()
 *   yield* ssc.awaitTermination()
 * }))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class StreamingContext implements StreamingContextLike {
  readonly graph: DStreamGraph
  readonly inputInfoTracker = new InputInfoTracker()
  private state: State = "INITIALIZED"
  private streamIds = 0
  private inputStreamIds = 0
  private checkpointDirectory: string | undefined
  private scheduler: JobScheduler.JobScheduler["Service"] | undefined
  private tracker: ReceiverTracker | undefined
  /** Completed by `start`: what waits on batches before start waits on this. */
  private readonly started = Deferred.makeUnsafe<JobScheduler.JobScheduler["Service"]>()
  private readonly listeners: Array<StreamingListenerModule.StreamingListener> = []
  private bus: Bus | undefined

  /** @internal */
  constructor(
    readonly sparkContext: SparkContext.SparkContext,
    readonly batchDurationMs: number,
    private readonly options: StreamingContextOptions,
    private readonly scope: Scope.Closeable,
    /** Spark's `ContextWaiter`: done on stop, failed with the first error. */
    private readonly termination: Deferred.Deferred<void, StreamingError>
  ) {
    this.graph = new DStreamGraph(batchDurationMs)
  }

  /** The context's state. */
  getState(): State {
    return this.state
  }
  /** @internal */
  readonly newStreamId = (): number => this.streamIds++
  /** @internal */
  readonly newInputStreamId = (): number => this.inputStreamIds++
  /** @internal */
  readonly isStarted = (): boolean => this.state !== "INITIALIZED"
  /** @internal */
  readonly receiverTracker = (): ReceiverTracker | undefined => this.tracker
  /** @internal */
  readonly addInputStream = (stream: DStream<unknown>): void => this.graph.addInputStream(stream)
  /** @internal */
  readonly registerOutputStream = (stream: DStream<unknown>): void => {
    // Spark throws here; building is pure, so the error is surfaced through awaitTermination.
    if (this.state !== "INITIALIZED") return this.notifyError(addedAfterStart())
    this.graph.addOutputStream(stream)
  }

  private readonly notifyError = (error: StreamingError): void => void Deferred.doneUnsafe(this.termination, Exit.fail(error))

  /** The checkpoint directory, once set. */
  get checkpointDir(): string | undefined {
    return this.checkpointDirectory
  }

  /** Sets the checkpoint directory, which stateful operations need (updateStateByKey, mapWithState, ...). */
  checkpoint(directory: string): Effect.Effect<void, SparkError.InvalidArgumentError> {
    return Effect.gen({ self: this }, function*() {
      yield* this.sparkContext.setCheckpointDir(directory)
      // The SparkContext writes RDD checkpoints into a subdirectory of its own; the metadata goes here.
      this.checkpointDirectory = path.resolve(directory)
    })
  }
  /** Keeps every stream's generated RDDs at least `duration`; one that is not positive makes `start` fail. */
  remember(duration: Duration.Input): void {
    internal.remember(this.graph, duration)
  }

  // ------------------------------------------------------------ inputs

  /**
   * A stream of the RDDs in `queue`, one per batch (or all at once when
   * `oneAtATime` is false). Push RDDs onto the array while the context runs.
   */
  queueStream<T>(queue: Array<RDD<T>>, oneAtATime = true, defaultRDD?: RDD<T>): DStream<T> {
    return QueueInputDStream.make(this, queue, oneAtATime, defaultRDD)
  }
  /** The same RDD every batch. */
  constantStream<T>(rdd: RDD<T>): DStream<T> {
    return ConstantInputDStream.make(this, rdd)
  }
  /** New files in `directory`, read with `read`, each file exactly once. */
  fileStream<T>(directory: string, read: (file: string) => RDD<T>, options: FileInputDStream.FileStreamOptions = {}): DStream<T> {
    return FileInputDStream.make(this, directory, read, options)
  }
  /** The lines of new text files in `directory`. */
  textFileStream(directory: string, options: FileInputDStream.FileStreamOptions = {}): DStream<string> {
    return this.fileStream(directory, (file) => this.sparkContext.textFile(file, 1), options)
  }
  /**
   * The lines (UTF-8, `\n` or `\r\n`) read from a TCP server by a receiver
   * on an executor, which reconnects when the connection is refused or ends.
   */
  socketTextStream(host: string, port: number, storageLevel?: StorageLevel.StorageLevel): DStream<string> {
    return SocketInputDStream.socketTextStream(this, host, port, storageLevel)
  }
  /** Records read from a TCP server, turned from its bytes by `converter` (which must be shippable). */
  socketStream<T>(
    host: string,
    port: number,
    converter: SocketInputDStream.Converter<T>,
    storageLevel?: StorageLevel.StorageLevel
  ): DStream<T> {
    return SocketInputDStream.make(this, host, port, converter, storageLevel)
  }
  /** Blocks of serialized records read from a TCP server (4-byte big-endian length, then the block), as Spark's. */
  rawSocketStream<T>(host: string, port: number, storageLevel?: StorageLevel.StorageLevel): DStream<T> {
    return RawInputDStream.make(this, host, port, storageLevel)
  }
  /** A stream fed by a user receiver (see `Receiver` for how it reaches the executors). */
  receiverStream<T>(receiver: Receiver<T>): DStream<T> {
    return ReceiverInputDStream.make(this, receiver)
  }
  /** The union of several streams (same slide duration; each must have an RDD for every batch). */
  union<T>(streams: ReadonlyArray<DStream<T>>): DStream<T> {
    return UnionDStream.make(this, streams)
  }
  /** A stream of `f` of the RDDs of `streams` (any types, one slide; each must have the batch's RDD) per batch. */
  transform<const S extends TransformedDStream.Parents, U>(
    streams: S,
    f: (rdds: TransformedDStream.RDDs<S>, t: Time) => RDD<U>
  ): DStream<U> {
    return TransformedDStream.make(this, streams, f)
  }

  // ------------------------------------------------------------ listeners and progress

  /** Adds a listener of batch and output-operation events. */
  addStreamingListener(listener: StreamingListenerModule.StreamingListener): Effect.Effect<void> {
    return Effect.suspend(() => {
      this.listeners.push(listener)
      return this.bus === undefined ? Effect.void : this.bus.addListener(listener)
    })
  }
  /** Waits until every listener has handled every event so far. */
  waitForListeners(): Effect.Effect<void> {
    return Effect.suspend(() => this.bus?.waitUntilEmpty() ?? Effect.void)
  }
  /** The most recent batch times generated (at most 1,000; for tests and monitoring). */
  get generatedBatchTimes(): ReadonlyArray<number> {
    return this.scheduler?.jobGenerator.generatedBatchTimes ?? []
  }
  /** The most recent batch times (at most 1,000) whose jobs have all completed, in completion order. */
  get completedBatchTimes(): ReadonlyArray<number> {
    return this.scheduler?.completedBatchTimes ?? []
  }
  /** How many batches have completed since start. */
  get numCompletedBatches(): number {
    return this.scheduler?.numCompletedBatches ?? 0
  }
  /** Waits until at least `count` batches have completed since start. */
  awaitCompletedBatches(count: number): Effect.Effect<void> {
    return Effect.suspend(() =>
      count <= this.numCompletedBatches
        ? Effect.void // before start, wait for the scheduler that start builds
        : Effect.flatMap(Deferred.await(this.started), (scheduler) => scheduler.awaitCompletedBatches(count))
    )
  }

  // ------------------------------------------------------------ lifecycle

  /**
   * Validates the graph and starts the `JobScheduler` (which starts the `JobGenerator` and, when on, dynamic
   * allocation). A second `start` while active warns and does nothing; `start` after `stop` fails.
   */
  start(): Effect.Effect<void, StreamingError> {
    return Effect.gen({ self: this }, function*() {
      if (this.state === "ACTIVE") {
        yield* Effect.logWarning("StreamingContext has already been started")
        return
      }
      if (this.state === "STOPPED") {
        return yield* new IllegalStateError({ message: "StreamingContext has already been stopped: create a new one to start again" })
      }
      if (internal.otherContextActive(this)) {
        return yield* new IllegalStateError({
          message: "Only one StreamingContext may be started in this process: stop the active one first"
        })
      }
      const invalid: InvalidStreamError | IllegalStateError | undefined = this.graph.validate(this.checkpointDirectory)
      if (invalid !== undefined) return yield* Effect.fail(invalid)
      const receiverStreams = this.graph.inputStreams.filter(ReceiverInputDStream.isReceiverInputDStream)
      yield* validateReceivers(this.sparkContext, receiverStreams, this.batchDurationMs, this.checkpointDirectory)
      const allocation = yield* internal.prepareAllocation(this, receiverStreams.length, (e) => this.bus?.post(e))
      // With a checkpoint directory, a metadata checkpoint follows every batch (Spark's DoCheckpoint).
      const hooks = this.options.hooks ?? {}
      const checkpoint = this.checkpointDirectory === undefined
        ? undefined
        : yield* recovery.metadataCheckpointer(this.checkpointDirectory, this.graph, () => this.scheduler?.pendingTimes ?? [], this.scope)
      yield* attachStreamingUI(this, this.scope)
      internal.setActiveContext(this)
      this.state = "ACTIVE"
      const { bus, scheduler, tracker } = yield* internal.startSchedulers({
        sparkContext: this.sparkContext,
        graph: this.graph,
        inputInfoTracker: this.inputInfoTracker,
        listeners: this.listeners,
        conf: this.sparkContext.conf,
        ...checkpointHooks(hooks, checkpoint, this.sparkContext.cleaner.cleanupForgotten),
        notifyError: this.notifyError,
        checkpointDir: this.checkpointDirectory,
        checkpoint,
        allocation
      }, this.scope)
      this.bus = bus
      this.scheduler = scheduler
      this.tracker = tracker
      Deferred.doneUnsafe(this.started, Effect.succeed(scheduler))
      if (tracker !== undefined) yield* Scope.provide(tracker.start(), this.scope)
      const restart = this.graph.restartPoint
      const zeroTime = yield* (restart === undefined ? scheduler.start() : scheduler.restart(restart))
      bus.post({ _tag: "StreamingStarted", time: zeroTime })
      yield* internal.afterStart(this, this.scope, this.options.stopGracefullyOnShutdown)
    }).pipe(Logging.withLoggingOf(this.sparkContext.status.services)) // its schedulers and receivers log as the context does
  }

  /**
   * Stops the context. Gracefully: stops the timer, then waits until every
   * batch already generated has been processed. Otherwise running jobs are
   * interrupted. Stops the SparkContext too unless `stopSparkContext` is false.
   */
  stop(options: StopOptions = {}): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      if (this.state === "STOPPED") return
      const wasActive = this.state === "ACTIVE"
      this.state = "STOPPED"
      if (wasActive && this.scheduler !== undefined) {
        yield* this.scheduler.stop(options.stopGracefully ?? false)
        yield* this.waitForListeners()
      }
      yield* Scope.close(this.scope, Exit.void)
      internal.clearActiveContext(this)
      yield* internal.logStopped(this.sparkContext)
      if (options.stopSparkContext ?? true) yield* this.sparkContext.stop()
      Deferred.doneUnsafe(this.termination, Exit.void)
    })
  }
  /** Waits until the context stops (then `true`), or fails with the error of a failed job. */
  awaitTermination(): Effect.Effect<boolean, StreamingError> {
    return Effect.as(Deferred.await(this.termination), true)
  }
  /** Waits at most `timeout` for the context to stop: whether it did, or the error of a failed job. */
  awaitTerminationOrTimeout(timeout: Duration.Input): Effect.Effect<boolean, StreamingError> {
    return Effect.map(Effect.timeoutOption(this.awaitTermination(), timeout), Option.getOrElse(() => false))
  }

  /**
   * The lifecycle calls as Promises, run on the SparkContext's runtime, for
   * code that does not use Effect: `await ssc.promise.start()`.
   */
  get promise(): StreamingContextPromise.StreamingContextPromise {
    return StreamingContextPromise.make(this)
  }
}

/**
 * Creates a streaming context on a SparkContext, or on a SparkContext made
 * from options (which then stops with it); closing the current scope stops it
 * (without stopping a SparkContext passed in).
 *
 * Mirrors `new StreamingContext(sparkContext, batchDuration)`.
 *
 * **Example**
 * ```ts
 * const ssc = yield* StreamingContext.make(sc, { batchDuration: "1 second" })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: {
  (
    sparkContext: SparkContext.SparkContext,
    options: StreamingContextOptions
  ): Effect.Effect<StreamingContext, InvalidStreamError, Scope.Scope>
  (sparkConf: SparkContext.SparkContextOptions, options: StreamingContextOptions): Effect.Effect<StreamingContext, MakeError, Scope.Scope>
} =
  ((sparkContext: SparkContext.SparkContext | SparkContext.SparkContextOptions, options: StreamingContextOptions) =>
    Effect.gen(function*() {
      if (!(sparkContext instanceof SparkContext.SparkContext)) {
        // From a configuration: the SparkContext lives (and stops) with this scope.
        const sc = yield* SparkContext.make(sparkContext)
        return yield* make(sc, options)
      }
      const { batch, scope, termination } = yield* internal.contextResources(options)
      const ssc = new StreamingContext(sparkContext, batch, options, scope, termination)
      yield* Effect.addFinalizer(() => ssc.stop({ stopSparkContext: false }))
      return ssc
    })) as never

/**
 * The context recovered from the newest valid metadata checkpoint in
 * `checkpointDir`, or, without one, the context `create` makes. `create`
 * runs either way and builds the application's graph (calling
 * `ssc.checkpoint(checkpointDir)`); a checkpoint's state is restored into
 * it, and `start` first runs the batches the checkpoint had not completed
 * and those of the down time. A corrupt newer checkpoint is skipped with a
 * warning. Fails with `CheckpointRecoveryError` naming the first difference
 * when the graph's shape is not the checkpoint's (see `Checkpoint`), or a
 * stream whose state cannot be restored yet.
 *
 * Mirrors `StreamingContext.getOrCreate(checkpointPath, creatingFunc)`.
 *
 * **Example**
 * ```ts
 * const ssc = yield* StreamingContext.getOrCreate("/var/ckpt", () => buildApplication(sc, "/var/ckpt"))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const getOrCreate: typeof recovery.getOrCreate = recovery.getOrCreate

export { create } from "./StreamingContextPromise.js"

export { StreamingJobError }

/**
 * The interface of `ssc.promise`, re-exported from the module `StreamingContextPromise`.
 *
 * @category models
 * @since 0.1.0
 */
export type { StreamingContextPromise } from "./StreamingContextPromise.js"
