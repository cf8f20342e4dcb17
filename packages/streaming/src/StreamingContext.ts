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
 * @since 0.1.0
 */
import { ListenerBus, type RDD as RDDModule, SparkConf, SparkContext, type SparkError } from "@tspark/core"
import { Deferred, Duration, Effect, Exit, Option, Scope } from "effect"
import { DStream, type DStreamKind } from "./dstream/DStream.js"
import * as Inputs from "./dstream/InputDStream.js"
import { DStreamGraph } from "./DStreamGraph.js"
import type { StreamingContextLike } from "./internal/context.js"
import { positiveMillis } from "./internal/durations.js"
import { InputInfoTracker } from "./scheduler/InputInfoTracker.js"
import { JobGenerator, type JobGeneratorHooks } from "./scheduler/JobGenerator.js"
import { JobScheduler } from "./scheduler/JobScheduler.js"
import * as StreamingListenerModule from "./scheduler/StreamingListener.js"
import { IllegalStateError, type InvalidStreamError, type StreamingError, StreamingJobError } from "./StreamingError.js"

type RDD<T> = RDDModule.RDD<T>

/**
 * The lifecycle state of a context.
 *
 * @category models
 * @since 0.1.0
 */
export type State = "INITIALIZED" | "ACTIVE" | "STOPPED"

/**
 * Options of a streaming context.
 *
 * @category models
 * @since 0.1.0
 */
export interface StreamingContextOptions {
  /** The batch interval, e.g. `"1 second"` or `1000` (ms). */
  readonly batchDuration: Duration.Input
  /** Hooks for receivers and checkpointing (used by those layers and by tests). */
  readonly hooks?: Partial<Omit<JobGeneratorHooks, "reportError">>
  /** Stop gracefully on SIGTERM/SIGINT (`spark.streaming.stopGracefullyOnShutdown`). */
  readonly stopGracefullyOnShutdown?: boolean
}

let activeContext: StreamingContext | undefined

/**
 * A streaming context.
 *
 * **Example**
 * ```ts
 * Effect.scoped(Effect.gen(function*() {
 *   const sc = yield* SparkContext.make({ master: "local[2]" })
 *   const ssc = yield* StreamingContext.make(sc, { batchDuration: "1 second" })
 *   ssc.textFileStream("/tmp/in").flatMap((l) => l.split(" ")).countByValue().print()
 *   yield* ssc.start
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
  private scheduler: { readonly jobScheduler: JobScheduler; readonly jobGenerator: JobGenerator } | undefined
  private readonly listeners: Array<StreamingListenerModule.StreamingListener> = []
  private bus: ListenerBus.ListenerBus<StreamingListenerModule.StreamingListenerEvent, StreamingListenerModule.StreamingListener> | undefined
  private lateOutputError: IllegalStateError | undefined
  private readonly completed: Array<number> = []
  private completionWaiters: Array<{ readonly count: number; readonly done: Deferred.Deferred<void> }> = []

  /** @internal */
  constructor(
    readonly sparkContext: SparkContext.SparkContext,
    readonly batchDurationMs: number,
    private readonly options: StreamingContextOptions,
    private readonly scope: Scope.Closeable,
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
  readonly isStarted = (): boolean => this.state !== "INITIALIZED"

  /** @internal */
  readonly registerOutputStream = (stream: DStream<unknown>): void => {
    if (this.state !== "INITIALIZED") {
      // Spark throws here; building is pure, so the error is surfaced through awaitTermination.
      this.lateOutputError = new IllegalStateError({
        message: "Adding new inputs, transformations, and output operations after starting a context is not " +
          "supported: build the whole graph before ssc.start()"
      })
      Deferred.doneUnsafe(this.termination, Exit.fail(this.lateOutputError))
      return
    }
    this.graph.addOutputStream(stream)
  }

  /** The checkpoint directory, once set. */
  get checkpointDir(): string | undefined {
    return this.checkpointDirectory
  }

  /**
   * Sets the checkpoint directory (needed by stateful operations:
   * updateStateByKey, mapWithState, reduceByKeyAndWindow with an inverse).
   */
  checkpoint(directory: string): Effect.Effect<void, SparkError.InvalidArgumentError> {
    return Effect.gen({ self: this }, function*() {
      yield* this.sparkContext.setCheckpointDir(directory)
      this.checkpointDirectory = this.sparkContext.checkpointDir
    })
  }

  /** Keeps every stream's generated RDDs at least `duration` (for queries over past batches). */
  remember(duration: Duration.Input): void {
    const ms = positiveMillis(duration, "StreamingContext", "remember duration")
    if (typeof ms === "number") this.graph.rememberDurationMs = ms
  }

  // ------------------------------------------------------------ inputs

  private input<T>(kind: DStreamKind<T>): DStream<T> {
    const stream = new DStream<T>(this, kind)
    this.graph.addInputStream(stream as DStream<unknown>)
    return stream
  }

  /**
   * A stream of the RDDs in `queue`, one per batch (or all at once when
   * `oneAtATime` is false). Push RDDs onto the array while the context runs.
   */
  queueStream<T>(queue: Array<RDD<T>>, oneAtATime = true, defaultRDD?: RDD<T>): DStream<T> {
    return this.input(Inputs.queueKind(this.sparkContext, queue, oneAtATime, defaultRDD))
  }

  /** The same RDD every batch. */
  constantStream<T>(rdd: RDD<T>): DStream<T> {
    return this.input(Inputs.constantKind(rdd))
  }

  /**
   * New files in `directory`, read with `read`, each file exactly once.
   * Mirrors `StreamingContext.fileStream`.
   */
  fileStream<T>(directory: string, read: (file: string) => RDD<T>, options: Inputs.FileStreamOptions = {}): DStream<T> {
    const inputStreamId = this.inputStreamIds++
    const kind = Inputs.fileKind(
      this.sparkContext,
      directory,
      read,
      options,
      () => inputStreamId,
      this.inputInfoTracker,
      this.batchDurationMs
    )
    const stream = this.input(kind)
    stream.remember(kind.rememberMs)
    return stream
  }

  /** The lines of new text files in `directory`. */
  textFileStream(directory: string, options: Inputs.FileStreamOptions = {}): DStream<string> {
    return this.fileStream(directory, (file) => this.sparkContext.textFile(file, 1), options)
  }

  /** The union of several streams (same slide duration). */
  union<T>(streams: ReadonlyArray<DStream<T>>): DStream<T> {
    return streams[0]!.union(...streams.slice(1))
  }

  // ------------------------------------------------------------ listeners

  /** Adds a listener of batch and output-operation events. */
  addStreamingListener(listener: StreamingListenerModule.StreamingListener): Effect.Effect<void> {
    return Effect.suspend(() => {
      this.listeners.push(listener)
      return this.bus === undefined ? Effect.void : this.bus.addListener(listener)
    })
  }

  /** Waits until every listener has handled every event so far. */
  get waitForListeners(): Effect.Effect<void> {
    return Effect.suspend(() => this.bus?.waitUntilEmpty ?? Effect.void)
  }

  /** The batch times generated so far (for tests and monitoring). */
  get generatedBatchTimes(): ReadonlyArray<number> {
    return this.scheduler?.jobGenerator.generatedBatchTimes ?? []
  }

  /** The batch times whose jobs have all completed, in completion order. */
  get completedBatchTimes(): ReadonlyArray<number> {
    return this.completed
  }

  /** Waits until at least `count` batches have completed since start. */
  awaitCompletedBatches(count: number): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (this.completed.length >= count) return Effect.void
      return Effect.flatMap(Deferred.make<void>(), (done) => {
        this.completionWaiters.push({ count, done })
        return Deferred.await(done)
      })
    })
  }

  private batchCompleted(time: number): void {
    this.completed.push(time)
    const waiting: typeof this.completionWaiters = []
    for (const waiter of this.completionWaiters) {
      if (this.completed.length >= waiter.count) Deferred.doneUnsafe(waiter.done, Effect.void)
      else waiting.push(waiter)
    }
    this.completionWaiters = waiting
  }

  // ------------------------------------------------------------ lifecycle

  /**
   * Validates the graph and starts generating batches. A second `start` while
   * active warns and does nothing; `start` after `stop` fails.
   */
  get start(): Effect.Effect<void, StreamingError> {
    return Effect.gen({ self: this }, function*() {
      if (this.state === "ACTIVE") {
        yield* Effect.logWarning("StreamingContext has already been started")
        return
      }
      if (this.state === "STOPPED") {
        return yield* new IllegalStateError({ message: "StreamingContext has already been stopped: create a new one to start again" })
      }
      if (activeContext !== undefined && activeContext !== this) {
        return yield* new IllegalStateError({
          message: "Only one StreamingContext may be started in this process: stop the active one first"
        })
      }
      const invalid: InvalidStreamError | IllegalStateError | undefined = this.graph.validate(this.checkpointDirectory)
      if (invalid !== undefined) return yield* Effect.fail(invalid)
      activeContext = this
      this.state = "ACTIVE"
      const scope = this.scope
      const bus = yield* Scope.provide(
        ListenerBus.ListenerBus.make<StreamingListenerModule.StreamingListenerEvent, StreamingListenerModule.StreamingListener>(
          StreamingListenerModule.dispatch
        ),
        scope
      )
      this.bus = bus
      for (const listener of this.listeners) yield* bus.addListener(listener)
      for (const input of this.graph.inputStreams) {
        if (input.rateController !== undefined) yield* bus.addListener(input.rateController)
      }
      const reportError = (error: StreamingJobError) => {
        Deferred.doneUnsafe(this.termination, Exit.fail(error))
      }
      const concurrentJobs = SparkConf.getInt(this.sparkContext.conf, "spark.streaming.concurrentJobs", 1, 1)
      let generator: JobGenerator | undefined
      const jobScheduler = yield* Scope.provide(
        JobScheduler.make(typeof concurrentJobs === "number" ? concurrentJobs : 1, bus, {
          onBatchCompletion: (time, failed) => {
            generator?.onBatchCompletion(time, failed)
            this.batchCompleted(time)
          },
          reportError
        }),
        scope
      )
      generator = yield* Scope.provide(
        JobGenerator.make(this.graph, jobScheduler, this.inputInfoTracker, {
          allocateBlocksToBatch: this.options.hooks?.allocateBlocksToBatch ?? (() => Effect.void),
          doCheckpoint: this.options.hooks?.doCheckpoint ?? (() => Effect.void),
          reportError
        }),
        scope
      )
      this.scheduler = { jobScheduler, jobGenerator: generator }
      const zeroTime = yield* generator.start
      bus.post({ _tag: "StreamingStarted", time: zeroTime })
      if (this.options.stopGracefullyOnShutdown) this.installShutdownHook()
    })
  }

  private installShutdownHook(): void {
    const services = this.sparkContext
    const onSignal = () => {
      void services.run(this.stop({ stopSparkContext: true, stopGracefully: true }))
    }
    process.once("SIGTERM", onSignal)
    process.once("SIGINT", onSignal)
    Effect.runSync(Scope.addFinalizer(this.scope, Effect.sync(() => {
      process.off("SIGTERM", onSignal)
      process.off("SIGINT", onSignal)
    })))
  }

  /**
   * Stops the context. Gracefully: stops the timer, then waits until every
   * batch already generated has been processed. Otherwise running jobs are
   * interrupted. Stops the SparkContext too unless `stopSparkContext` is false.
   */
  stop(options: { readonly stopSparkContext?: boolean; readonly stopGracefully?: boolean } = {}): Effect.Effect<void> {
    return Effect.gen({ self: this }, function*() {
      if (this.state === "STOPPED") return
      const wasActive = this.state === "ACTIVE"
      this.state = "STOPPED"
      if (wasActive && this.scheduler !== undefined) {
        yield* this.scheduler.jobGenerator.stopTimer
        if (options.stopGracefully) yield* this.scheduler.jobGenerator.awaitBatchesDone
        yield* this.waitForListeners
      }
      yield* Scope.close(this.scope, Exit.void)
      if (activeContext === this) activeContext = undefined
      if (options.stopSparkContext ?? true) yield* this.sparkContext.stop
      Deferred.doneUnsafe(this.termination, Exit.void)
    })
  }

  /**
   * Waits until the context stops, or fails with the error of a failed job.
   * With a timeout, returns whether it terminated within it.
   */
  awaitTermination(timeout?: Duration.Input): Effect.Effect<boolean, StreamingError> {
    const wait = Effect.as(Deferred.await(this.termination), true)
    if (timeout === undefined) return wait
    return Effect.map(Effect.timeoutOption(wait, timeout), Option.getOrElse(() => false))
  }
}

/**
 * Creates a streaming context on a SparkContext; closing the current scope
 * stops it (without stopping the SparkContext).
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: {
  (sparkContext: SparkContext.SparkContext, options: StreamingContextOptions): Effect.Effect<
    StreamingContext,
    InvalidStreamError,
    Scope.Scope
  >
  (sparkConf: SparkContext.SparkContextOptions, options: StreamingContextOptions): Effect.Effect<
    StreamingContext,
    InvalidStreamError | SparkError.InvalidArgumentError | SparkError.UnknownMasterError,
    Scope.Scope
  >
} = ((
  sparkContext: SparkContext.SparkContext | SparkContext.SparkContextOptions,
  options: StreamingContextOptions
): Effect.Effect<
  StreamingContext,
  InvalidStreamError | SparkError.InvalidArgumentError | SparkError.UnknownMasterError,
  Scope.Scope
> =>
  Effect.gen(function*() {
    if (!(sparkContext instanceof SparkContext.SparkContext)) {
      // From a configuration: the SparkContext lives (and stops) with this scope.
      const sc = yield* SparkContext.make(sparkContext)
      return yield* make(sc, options)
    }
    const batch = positiveMillis(options.batchDuration, "StreamingContext", "batchDuration")
    if (typeof batch !== "number") return yield* Effect.fail(batch)
    const outer = yield* Effect.scope
    const scope = yield* Scope.fork(outer)
    const termination = yield* Deferred.make<void, StreamingError>()
    const ssc = new StreamingContext(sparkContext, batch, options, scope, termination)
    yield* Effect.addFinalizer(() => ssc.stop({ stopSparkContext: false }))
    return ssc
  })) as never

/**
 * Creates a streaming context for code that does not use Effect: run its
 * effects with `sc.run(...)` (`await sc.run(ssc.start)`), stop it with
 * `await sc.run(ssc.stop())`.
 *
 * **Example**
 * ```ts
 * const sc = await SparkContext.create({ master: "local[2]" })
 * const ssc = await StreamingContext.create(sc, { batchDuration: "1 second" })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const create = (
  sparkContext: SparkContext.SparkContext,
  options: StreamingContextOptions
): Promise<StreamingContext> => {
  const scope = Effect.runSync(Scope.make())
  return sparkContext.run(Scope.provide(make(sparkContext, options), scope))
}

export { StreamingJobError }
