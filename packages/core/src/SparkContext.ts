/**
 * The entry point of the engine: creates RDDs, submits jobs, makes broadcasts
 * and accumulators, and adds listeners. A facade over the control plane's
 * services (DAGScheduler, TaskScheduler, SchedulerBackend, LiveListenerBus,
 * ContextCleaner, ...), which `make` composes from their layers in one place.
 * Effect-scoped (closing its scope stops it), with a Promise facade.
 *
 * Mirrors `org.apache.spark.SparkContext`.
 *
 * @since 0.1.0
 */
import { Clock, type Context, Effect, Exit, Scope } from "effect"
import type { JobHandle } from "./FutureAction.js"
import { type Accumulator, type AccumulatorSpec, collection, sum } from "./Accumulator.js"
import type { Broadcast } from "./Broadcast.js"
import { type MakeError, resolveConf, type Services, startServices } from "./internal/scheduler/sparkContextLayers.js"
import * as jobSubmission from "./internal/scheduler/jobSubmission.js"
import * as EmptyRDD from "./rdd/EmptyRDD.js"
import * as ParallelCollectionRDD from "./rdd/ParallelCollectionRDD.js"
import * as RangeRDD from "./rdd/RangeRDD.js"
import * as ReliableCheckpointRDD from "./rdd/ReliableCheckpointRDD.js"
import { type RDD, type RDDContext, type RDDError, unionOf } from "./rdd/RDD.js"
import * as TextFileRDD from "./rdd/TextFileRDD.js"
import type { ExecutorAllocationClient } from "./scheduler/ExecutorAllocationClient.js"
import type { MapOutputTracker } from "./scheduler/MapOutputTracker.js"
import type * as SparkListenerModule from "./scheduler/SparkListener.js"
import type { DriverRpcEnv } from "./rpc/RpcEndpoint.js"
import type { TaskContext } from "./scheduler/TaskContext.js"
import * as SparkConf from "./SparkConf.js"
import type { InvalidArgumentError } from "./SparkError.js"
import type { SparkContextOptions } from "./SparkContextOptions.js"
import type { BlockManager } from "./storage/BlockManager.js"
import type { BlockManagerMaster } from "./storage/BlockManagerMaster.js"
import { type ContextStatus, logServices, startContextStatus } from "./internal/status/contextStatus.js"
import type { AppStatusListener } from "./status/AppStatusListener.js"

export type { JobHandle } from "./FutureAction.js"
export { LocalProperties, withJobGroup, withLocalProperty } from "./LocalProperties.js"
export type { SparkContextOptions } from "./SparkContextOptions.js"

/**
 * A Spark context.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const sc = yield* SparkContext.make({ master: "local[2]" })
 *   return yield* sc.parallelize([1, 2, 3, 4], 2).map((x) => x * 2).collect()
 * }).pipe(Effect.scoped)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class SparkContext implements RDDContext {
  /** The configuration it was created with. */
  readonly conf: SparkConf.SparkConf
  readonly master: string
  readonly appName: string
  /** When it started (ms since epoch, by Effect's Clock). */
  readonly startTime: number
  private rddIds = 0
  private shuffleIds = 0
  private stopped = false
  private checkpointDirectory: string | undefined
  private readonly properties = new Map<string, string>()
  /** @internal What it keeps and serves about itself (see `startContextStatus`). */
  status!: ContextStatus

  /** @internal */
  constructor(
    conf: SparkConf.SparkConf,
    startTime: number,
    /** @internal Its services' scope, closed by `stop` (status services finish in it). */
    readonly scope: Scope.Closeable,
    /** The caller's services (its Clock, ...), for `run`. */
    private readonly callerServices: Context.Context<never>,
    private readonly services: Services
  ) {
    this.conf = conf
    this.master = SparkConf.getString(conf, "spark.master", "local[*]")
    this.appName = SparkConf.getString(conf, "spark.app.name", "tspark")
    this.startTime = startTime
  }

  /** @internal */
  readonly newRddId = (): number => this.rddIds++
  /** @internal */
  readonly newShuffleId = (): number => this.shuffleIds++

  /** The default number of partitions: `spark.default.parallelism` when set, else the backend's (its total cores). */
  get defaultParallelism(): number {
    const configured = SparkConf.getInt(this.conf, "spark.default.parallelism", this.services.backend.defaultParallelism, 1)
    return typeof configured === "number" ? configured : this.services.backend.defaultParallelism
  }
  /** The directory `RDD.checkpoint()` writes to, once set. */
  get checkpointDir(): string | undefined {
    return this.checkpointDirectory
  }
  /** The application's id: `spark.app.id`, else `local-<start ms>` (local masters) or `app-<yyyyMMddHHmmss>-0000`. */
  get applicationId(): string {
    return this.status.applicationId
  }
  /** The status store the UI and the REST API read: jobs, stages, executors (Spark's `statusStore`). */
  get statusStore(): AppStatusListener {
    return this.status.store
  }
  /** The web UI's address, `http://host:port`, when `spark.ui.enabled` (Spark's `uiWebUrl`). */
  get uiWebUrl(): string | undefined {
    return this.status.uiWebUrl
  }
  /** @internal The web UI when `spark.ui.enabled`, for modules that attach tabs (Spark's `sc.ui`). */
  get ui(): ContextStatus["ui"] {
    return this.status.ui
  }
  /** Whether `stop` has been called. */
  get isStopped(): boolean {
    return this.stopped
  }
  /** The driver's block manager (the local executor's, in local mode). */
  get blockManager(): BlockManager {
    return this.services.env.blockManager
  }
  /** Where every block lives. */
  get blockManagerMaster(): BlockManagerMaster {
    return this.services.blockManagerMaster
  }
  /** Where every shuffle output lives. */
  get mapOutputTracker(): MapOutputTracker {
    return this.services.mapOutputTracker
  }
  /** @internal Per executor, how many shuffles' map statuses the driver holds as sent to it (a bound long runs watch). */
  get shuffleStatusesSent(): ReadonlyMap<string, number> {
    return this.services.backend.shuffleStatusesSent?.() ?? new Map()
  }
  /** @internal The context's cleaner: streaming's explicit cleanup of forgotten batches goes through it. */
  get cleaner(): Services["cleaner"] {
    return this.services.cleaner
  }
  /** @internal */
  readonly persistRdd = (rdd: RDD<unknown>): void => this.services.cleaner.persistRdd(rdd)
  /** @internal */
  readonly cleanShuffleWith = (owner: RDD<unknown>, shuffleId: number): void => {
    this.services.cleaner.registerShuffleForCleanup(owner, shuffleId)
  }
  /** @internal */
  readonly cleanCheckpointWith = (owner: RDD<unknown>, rddId: number, directory: string): void =>
    this.services.cleaner.registerCheckpointForCleanup(owner, rddId, directory)

  /** @internal */
  readonly unpersistRdd = (rddId: number): void => this.services.cleaner.unpersistRdd(rddId)
  /** The RDDs currently marked as persisted. */
  getPersistentRDDs(): Array<RDD<unknown>> {
    return this.services.cleaner.persistentRdds()
  }

  // ------------------------------------------------------------ creating RDDs

  /** Distributes an array as an RDD of `numSlices` partitions (default: the default parallelism). */
  parallelize<T>(data: ReadonlyArray<T>, numSlices: number = this.defaultParallelism): RDD<T> {
    return ParallelCollectionRDD.make(this, data, numSlices)
  }

  /** Distributes elements with preferred hosts: one partition per element, as Spark's `makeRDD(Seq[(T, Seq[String])])`. */
  makeRDD<T>(data: ReadonlyArray<readonly [T, ReadonlyArray<string>]>): RDD<T> {
    return ParallelCollectionRDD.makeWithLocations(this, data)
  }

  /** The numbers `start, start + step, ...` below `end` (above, for a negative step). */
  range(start: number, end: number, step = 1, numSlices: number = this.defaultParallelism): RDD<number> {
    return RangeRDD.make(this, start, end, step, numSlices)
  }

  /**
   * The lines of a local text file, split into partitions by byte ranges on
   * line boundaries (at least `minPartitions`, at most 32 MiB each).
   */
  textFile(file: string, minPartitions: number = Math.min(this.defaultParallelism, 2)): RDD<string> {
    return TextFileRDD.make(this, file, minPartitions)
  }

  /** The union of several RDDs: partition-wise, keeping it, when all have one partitioner (see `RDD.unionOf`). */
  union<T>(rdds: ReadonlyArray<RDD<T>>): RDD<T> {
    return unionOf(this, rdds)
  }

  /** An RDD with no partitions. */
  emptyRDD<T>(): RDD<T> {
    return EmptyRDD.make<T>(this)
  }

  /** Shares a read-only value with every task, sent once per executor. */
  broadcast<T>(value: T): Broadcast<T> {
    return this.services.broadcasts.newBroadcast(value)
  }

  /** @internal The executors' view of broadcast values. */
  readonly getBroadcast = (id: number): unknown => this.services.broadcasts.getValue(id)

  /** An accumulator with a custom add and merge. */
  accumulator<IN, OUT>(spec: AccumulatorSpec<IN, OUT>, name?: string): Accumulator<IN, OUT> {
    return this.services.accumulators.register(spec, name)
  }

  /** A counter of numbers. */
  longAccumulator(name?: string): Accumulator<number, number> {
    return this.accumulator(sum, name)
  }

  /** An accumulator collecting values into an array. */
  collectionAccumulator<A>(name?: string): Accumulator<A, Array<A>> {
    return this.accumulator(collection<A>(), name)
  }

  // ------------------------------------------------------------ jobs

  /** Sets a local property for the jobs submitted from now on by callers that do not set their own (`withLocalProperty`). */
  setLocalProperty(key: string, value: string | undefined): void {
    if (value === undefined) this.properties.delete(key)
    else this.properties.set(key, value)
  }

  /** A local property set with `setLocalProperty`. */
  getLocalProperty(key: string): string | undefined {
    return this.properties.get(key)
  }

  /** Puts the jobs submitted from now on into a job group. */
  setJobGroup(groupId: string, description = ""): void {
    this.setLocalProperty("spark.jobGroup.id", groupId)
    this.setLocalProperty("spark.job.description", description)
  }

  /** Takes the jobs submitted from now on out of their job group. */
  clearJobGroup(): void {
    this.setLocalProperty("spark.jobGroup.id", undefined)
    this.setLocalProperty("spark.job.description", undefined)
  }

  /**
   * Runs `func` on the given partitions of `rdd` (default: all) and returns
   * the results in partition order. Interrupting the effect cancels the job.
   */
  runJob<T, U>(
    rdd: RDD<T>,
    func: (iterator: Iterator<T>, ctx: TaskContext) => U,
    partitions?: ReadonlyArray<number>
  ): Effect.Effect<Array<U>, RDDError> {
    return Effect.flatMap(jobSubmission.startJob(this.submitter, rdd, func, partitions), ([, done]) => done)
  }

  /** Submits a job without waiting for it: returns a handle to await or cancel it (Spark's `submitJob`). */
  submitJob<T, U>(
    rdd: RDD<T>,
    func: (iterator: Iterator<T>, ctx: TaskContext) => U,
    partitions?: ReadonlyArray<number>
  ): Effect.Effect<JobHandle<Array<U>>, RDDError> {
    return jobSubmission.submitJob(this.submitter, rdd, func, partitions)
  }

  private get submitter(): jobSubmission.Submitter {
    return { context: this, services: this.services, scope: this.scope, properties: this.properties }
  }

  /**
   * The driver's RPC endpoints: register endpoints that running tasks send to
   * or ask (`ctx.env.rpc`), and send to endpoints tasks registered on their executors.
   */
  get rpcEnv(): DriverRpcEnv {
    return this.services.rpcEnv
  }

  /** Cancels a running job. */
  cancelJob(jobId: number, reason = "by request"): Effect.Effect<void> {
    return Effect.sync(() => this.services.dag.cancelJob(jobId, reason))
  }

  /** Cancels every running job of a job group. */
  cancelJobGroup(groupId: string): Effect.Effect<void> {
    return Effect.sync(() => this.services.dag.cancelJobGroup(groupId))
  }

  /** Cancels every running job. */
  cancelAllJobs(): Effect.Effect<void> {
    return Effect.sync(() => this.services.dag.cancelAllJobs("as part of cancellation of all jobs"))
  }

  /** Sets the directory `RDD.checkpoint()` writes into (created if missing), in a new subdirectory of this context's. */
  setCheckpointDir(directory: string): Effect.Effect<void, InvalidArgumentError> {
    return Effect.map(ReliableCheckpointRDD.prepareCheckpointDir(directory), (resolved) => {
      this.checkpointDirectory = resolved
    })
  }

  // ------------------------------------------------------------ listeners and lifecycle

  /** Adds a listener of job, stage and task events; it hears every event from now on. */
  addSparkListener(listener: SparkListenerModule.SparkListener): void {
    Effect.runSyncWith(this.callerServices)(this.services.listenerBus.addListener(listener))
  }

  /** @internal Its listener bus (Spark's `sc.listenerBus`): the context's own and other modules' events are posted to it. */
  get listenerBus(): Services["listenerBus"] {
    return this.services.listenerBus
  }

  /** Waits until every listener has handled every event posted so far. */
  waitForListeners(): Effect.Effect<void> {
    return this.services.listenerBus.waitUntilEmpty()
  }

  /**
   * Kills an executor (its thread), as Spark's `killExecutor`: its running
   * tasks are rescheduled and its shuffle outputs and cached blocks are
   * recomputed where needed. A no-op on the in-process backend.
   */
  killExecutor(executorId: string): Effect.Effect<void> {
    return Effect.promise(() => this.services.backend.killExecutor(executorId))
  }

  /** The ids of the executors that are alive. */
  get executorIds(): Array<string> {
    return this.services.backend.executorIds()
  }
  /**
   * Requests, kills and decommissions executors (Spark's `requestTotalExecutors`, `killExecutors`, ...): what dynamic
   * allocation uses. The in-process backend (`local[N]`) and executors started by hand refuse every call.
   */
  get executorAllocationClient(): ExecutorAllocationClient {
    return this.services.backend.allocationClient
  }
  /** @internal Core's dynamic allocation when `spark.dynamicAllocation.enabled` (Spark's `executorAllocationManager`). */
  get executorAllocationManager(): Services["executorAllocationManager"] {
    return this.services.executorAllocationManager
  }
  /** Whether tasks travel as data to executors elsewhere (so user functions and receivers must be shippable). */
  get shipsTasks(): boolean {
    return this.services.backend.shipsTasks
  }

  /** The ids of jobs that are running. */
  get activeJobIds(): Array<number> {
    return this.services.dag.activeJobIds()
  }

  /**
   * Stops the context: cancels running jobs, stops the executors and deletes
   * their local directories. Later actions fail with `SparkContextStoppedError`.
   */
  stop(): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (this.stopped) return Effect.void
      return Effect.gen({ self: this }, function*() {
        yield* Effect.sync(() => this.services.dag.cancelAllJobs("because SparkContext was shut down"))
        const time = yield* Clock.currentTimeMillis
        this.services.listenerBus.post({ _tag: "ApplicationEnd", time })
        yield* this.services.listenerBus.waitUntilEmpty()
        this.stopped = true
        yield* Scope.close(this.scope, Exit.void)
        yield* this.status.afterStop
      })
    })
  }

  /** Runs an effect with this context's services (its clock, ...) and returns a Promise. */
  run<A, E>(effect: Effect.Effect<A, E>): Promise<A> {
    return Effect.runPromiseWith(this.callerServices)(effect)
  }
}

/**
 * Creates and starts a context; closing the current scope stops it.
 *
 * **Example**
 * ```ts
 * Effect.scoped(Effect.gen(function*() {
 *   const sc = yield* SparkContext.make({ master: "local[2]", appName: "example" })
 *   console.log(yield* sc.range(0, 100).count())
 * }))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  options: SparkContextOptions = {}
): Effect.Effect<SparkContext, MakeError, Scope.Scope> =>
  Effect.gen(function*() {
    const conf = yield* resolveConf(options)
    const callerServices = yield* logServices(conf.entries)
    const startTime = yield* Clock.currentTimeMillis
    const { scope, services } = yield* startServices(conf)
    const sc = new SparkContext(conf, startTime, scope, callerServices, services)
    sc.status = yield* startContextStatus(sc, callerServices, scope)
    yield* Effect.addFinalizer(() => sc.stop())
    return sc
  })

export { close, create } from "./SparkContextPromise.js"
