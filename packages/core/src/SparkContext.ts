/**
 * The entry point of the engine: creates RDDs, runs jobs on the DAG scheduler,
 * and owns the executors, block managers and listener bus. Effect-scoped
 * (closing its scope stops it), with a Promise facade.
 *
 * Mirrors `org.apache.spark.SparkContext`.
 *
 * @since 0.1.0
 */
import { Clock, Context, Deferred, Effect, Exit, Fiber, Queue, Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Accumulator, type AccumulatorSpec, collection, sum } from "./Accumulator.js"
import * as BroadcastModule from "./Broadcast.js"
import { Broadcast } from "./Broadcast.js"
import { planSplits } from "./internal/rdd/textFile.js"
import * as Closure from "./Closure.js"
import { DAGScheduler } from "./internal/scheduler/dagScheduler.js"
import { checkShippable, NotShippable } from "./internal/scheduler/taskPlan.js"
import { readSchedulerConf } from "./internal/scheduler/pool.js"
import { TaskScheduler } from "./internal/scheduler/taskScheduler.js"
import * as EmptyRDD from "./rdd/EmptyRDD.js"
import * as ParallelCollectionRDD from "./rdd/ParallelCollectionRDD.js"
import * as RangeRDD from "./rdd/RangeRDD.js"
import { RDD, type RDDContext, type RDDError } from "./rdd/RDD.js"
import * as TextFileRDD from "./rdd/TextFileRDD.js"
import { MapOutputTracker } from "./scheduler/MapOutputTracker.js"
import { LocalSchedulerBackend, type SchedulerBackend } from "./scheduler/SchedulerBackend.js"
import { CoarseGrainedSchedulerBackend, type ExecutorLauncher } from "./scheduler/cluster/CoarseGrainedSchedulerBackend.js"
import * as SparkListenerModule from "./scheduler/SparkListener.js"
import type { TaskDescription, TaskResult } from "./scheduler/Task.js"
import type { ExecutorEnv, TaskContext } from "./scheduler/TaskContext.js"
import * as SparkConf from "./SparkConf.js"
import {
  InvalidArgumentError,
  JobCancelledError,
  JobFailedError,
  SparkContextStoppedError,
  UnknownMasterError
} from "./SparkError.js"
import { BlockManager } from "./storage/BlockManager.js"
import { LocalBlockTransferService } from "./storage/BlockTransferService.js"
import { BlockManagerMaster } from "./storage/BlockManagerMaster.js"
import { ListenerBus } from "./util/ListenerBus.js"

/**
 * Options of a context: the master, an application name and any Spark
 * configuration entries.
 *
 * @category models
 * @since 0.1.0
 */
export interface SparkContextOptions {
  /** `local`, `local[N]`, `local[*]` or `local[N,F]` (F: task failures allowed). Default `local[*]`. */
  readonly master?: string
  readonly appName?: string
  readonly conf?: Readonly<Record<string, string | number | boolean>> | SparkConf.SparkConf
}

/**
 * Local properties of the jobs submitted by the current fiber (job group,
 * description, scheduler pool), like Spark's thread-local properties.
 *
 * **Example**
 * ```ts
 * rdd.count().pipe(SparkContext.withLocalProperty("spark.scheduler.pool", "etl"))
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export const LocalProperties = Context.Reference<ReadonlyMap<string, string>>("@tspark/core/SparkContext/LocalProperties", {
  defaultValue: () => new Map()
})

/**
 * Runs an effect with a local property set for the jobs it submits.
 *
 * @category combinators
 * @since 0.1.0
 */
export const withLocalProperty = (key: string, value: string) => <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.updateService(self, LocalProperties, (props) => new Map(props).set(key, value))

/**
 * Runs an effect with its jobs in a job group, so that `cancelJobGroup` can cancel them together.
 *
 * @category combinators
 * @since 0.1.0
 */
export const withJobGroup = (groupId: string, description = "") => <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.updateService(
    self,
    LocalProperties,
    (props) => new Map(props).set("spark.jobGroup.id", groupId).set("spark.job.description", description)
  )

/**
 * A running job, as returned by `submitJob`.
 *
 * Mirrors `org.apache.spark.FutureAction`.
 *
 * @category models
 * @since 0.1.0
 */
export interface JobHandle<A> {
  readonly jobId: number
  /** Waits for the job's result. */
  readonly await: Effect.Effect<A, RDDError>
  /** Cancels the job; `await` then fails with `JobCancelledError`. */
  readonly cancel: Effect.Effect<void>
}

type SchedulerEvent =
  | { readonly _tag: "JobSubmitted"; readonly submission: Parameters<DAGScheduler["handleJobSubmitted"]>[0] }
  | { readonly _tag: "JobCancelled"; readonly jobId: number; readonly reason: string }
  | { readonly _tag: "JobGroupCancelled"; readonly groupId: string }
  | { readonly _tag: "AllJobsCancelled"; readonly reason: string }
  | { readonly _tag: "StatusUpdate"; readonly task: TaskDescription; readonly result: TaskResult }
  | { readonly _tag: "ReviveOffers" }
  | { readonly _tag: "ResubmitFailedStages" }
  | { readonly _tag: "ExecutorAdded"; readonly executorId: string; readonly host: string; readonly cores: number }
  | { readonly _tag: "ExecutorLost"; readonly executorId: string; readonly reason: string }
  | { readonly _tag: "Cleanup"; readonly task: CleanupTask }

/** State that can be dropped once the object that needs it is garbage collected. */
type CleanupTask =
  | { readonly _tag: "Shuffle"; readonly shuffleId: number }
  | { readonly _tag: "Rdd"; readonly rddId: number }

type Master =
  | { readonly _tag: "Local"; readonly cores: number; readonly maxFailures: number | undefined }
  | {
    readonly _tag: "Cluster"
    readonly launcher: ExecutorLauncher
    /** Executors to start, or when listening, to wait for (`spark.executor.instances`). */
    readonly executors: number | undefined
    readonly coresPerExecutor: number
    readonly memoryMb: number
  }

const parseMaster = (master: string): Master | UnknownMasterError => {
  const all = os.availableParallelism()
  if (master === "local") return { _tag: "Local", cores: 1, maxFailures: undefined }
  const m = /^local\[(\*|\d+)(?:\s*,\s*(\d+))?\]$/.exec(master)
  if (m !== null) {
    const cores = m[1] === "*" ? all : Number(m[1])
    if (cores >= 1) return { _tag: "Local", cores, maxFailures: m[2] === undefined ? undefined : Math.max(1, Number(m[2])) }
  }
  if (master === "local-cluster[*]") {
    return { _tag: "Cluster", launcher: { _tag: "WorkerThreads" }, executors: all, coresPerExecutor: 1, memoryMb: 1024 }
  }
  const cluster = /^local-(cluster|process)\[\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\]$/.exec(master)
  if (cluster !== null) {
    const [executors, coresPerExecutor, memoryMb] = [Number(cluster[2]), Number(cluster[3]), Number(cluster[4])]
    const launcher: ExecutorLauncher = cluster[1] === "cluster" ? { _tag: "WorkerThreads" } : { _tag: "Processes" }
    if (executors >= 1 && coresPerExecutor >= 1 && memoryMb >= 1) return { _tag: "Cluster", launcher, executors, coresPerExecutor, memoryMb }
  }
  const tcp = /^tcp:\/\/([^:/]+):(\d+)$/.exec(master)
  if (tcp !== null && Number(tcp[2]) < 65536) {
    return {
      _tag: "Cluster",
      launcher: { _tag: "Listen", host: tcp[1]!, port: Number(tcp[2]) },
      executors: undefined,
      coresPerExecutor: 1,
      memoryMb: 1024
    }
  }
  return new UnknownMasterError({
    master,
    message: `Could not parse master URL "${master}": use local, local[N] (N task slots, N >= 1), ` +
      "local[*] (one slot per core), local[N,F] (F task failures allowed), " +
      "local-cluster[N,C,M] (N worker-thread executors of C cores and M MiB), local-cluster[*], " +
      "local-process[N,C,M] (N executor processes) or tcp://HOST:PORT (executors started with tspark executor)"
  })
}

const parseDurationMs = (raw: string, key: string): number | InvalidArgumentError => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/.exec(raw)
  if (m === null) {
    return new InvalidArgumentError({ method: "SparkConf", message: `${key} must be a duration such as 3s or 500ms, got "${raw}"` })
  }
  const unit = m[2] ?? "ms"
  const scale = unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "h" ? 3_600_000 : 60_000
  return Number(m[1]) * scale
}

const orFail = <A>(value: A | InvalidArgumentError | UnknownMasterError) =>
  value instanceof InvalidArgumentError || value instanceof UnknownMasterError ? Effect.fail(value) : Effect.succeed(value)

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
  private jobIds = 0
  private broadcastIds = 0
  private accumulatorIds = 0
  private stopped = false
  private checkpointDirectory: string | undefined
  private readonly properties = new Map<string, string>()
  private readonly persistentRdds = new Map<number, WeakRef<RDD<unknown>>>()
  private readonly accumulators = new Map<number, WeakRef<Accumulator<unknown, unknown>>>()
  private readonly broadcasts = new Map<number, unknown>()

  /** @internal */
  constructor(
    conf: SparkConf.SparkConf,
    startTime: number,
    private readonly internals: {
      readonly scope: Scope.Closeable
      readonly services: Context.Context<never>
      readonly events: Queue.Queue<SchedulerEvent>
      readonly backend: SchedulerBackend
      readonly listenerBus: ListenerBus<SparkListenerModule.SparkListenerEvent, SparkListenerModule.SparkListener>
      readonly blockManagerMaster: BlockManagerMaster
      readonly blockManager: BlockManager
      readonly mapOutputTracker: MapOutputTracker
      readonly dag: DAGScheduler
      readonly cleaner: FinalizationRegistry<CleanupTask>
    }
  ) {
    this.conf = conf
    this.master = SparkConf.getString(conf, "spark.master", "local[*]")
    this.appName = SparkConf.getString(conf, "spark.app.name", "tspark")
    this.startTime = startTime
  }

  // ------------------------------------------------------------ RDDContext

  /** @internal */
  readonly newRddId = (): number => this.rddIds++
  /** @internal */
  readonly newShuffleId = (): number => this.shuffleIds++

  /** The default number of partitions: the backend's total cores. */
  get defaultParallelism(): number {
    return this.internals.backend.defaultParallelism
  }

  /** The directory `RDD.checkpoint()` writes to, once set. */
  get checkpointDir(): string | undefined {
    return this.checkpointDirectory
  }

  /** Whether `stop` has been called. */
  get isStopped(): boolean {
    return this.stopped
  }

  /** The driver's block manager (the local executor's, in local mode). */
  get blockManager(): BlockManager {
    return this.internals.blockManager
  }

  /** Where every block lives. */
  get blockManagerMaster(): BlockManagerMaster {
    return this.internals.blockManagerMaster
  }

  /** Where every shuffle output lives. */
  get mapOutputTracker(): MapOutputTracker {
    return this.internals.mapOutputTracker
  }

  /** @internal */
  persistRdd(rdd: RDD<unknown>): void {
    if (this.persistentRdds.has(rdd.id)) return
    this.persistentRdds.set(rdd.id, new WeakRef(rdd))
    this.internals.cleaner.register(rdd, { _tag: "Rdd", rddId: rdd.id })
  }

  /** @internal */
  readonly cleanShuffleWith = (owner: RDD<unknown>, shuffleId: number): void => {
    this.internals.cleaner.register(owner, { _tag: "Shuffle", shuffleId })
  }

  /** @internal */
  unpersistRdd(rddId: number): void {
    this.persistentRdds.delete(rddId)
    this.internals.blockManagerMaster.removeRdd(rddId)
  }

  /** The RDDs currently marked as persisted. */
  getPersistentRDDs(): Array<RDD<unknown>> {
    const rdds: Array<RDD<unknown>> = []
    for (const ref of this.persistentRdds.values()) {
      const rdd = ref.deref()
      if (rdd !== undefined) rdds.push(rdd)
    }
    return rdds
  }

  // ------------------------------------------------------------ creating RDDs

  /**
   * Distributes an array as an RDD of `numSlices` partitions (default: the
   * default parallelism). Mirrors `SparkContext.parallelize`.
   */
  parallelize<T>(data: ReadonlyArray<T>, numSlices: number = this.defaultParallelism): RDD<T> {
    return this.makeSliced(data, numSlices, undefined, "parallelize")
  }

  /**
   * Distributes elements with preferred hosts: one partition per element, as
   * Spark's `makeRDD(Seq[(T, Seq[String])])`.
   */
  makeRDD<T>(data: ReadonlyArray<readonly [T, ReadonlyArray<string>]>): RDD<T> {
    return new RDD<T>(
      this,
      ParallelCollectionRDD.parallelCollection(data.map(([x]) => [x]), data.map(([, hosts]) => hosts)),
      []
    )
  }

  private makeSliced<T>(
    data: ReadonlyArray<T>,
    numSlices: number,
    locations: ReadonlyArray<ReadonlyArray<string>> | undefined,
    method: string
  ): RDD<T> {
    const valid = Number.isInteger(numSlices) && numSlices > 0
    const slices = ParallelCollectionRDD.slice(data, valid ? numSlices : 1)
    const error = valid ? undefined : new InvalidArgumentError({
      method,
      message: `numSlices must be a positive integer, got ${numSlices}`
    })
    return new RDD<T>(this, ParallelCollectionRDD.parallelCollection(slices, locations), [], error)
  }

  /** The numbers `start, start + step, ...` below `end` (above, for a negative step). */
  range(start: number, end: number, step = 1, numSlices: number = this.defaultParallelism): RDD<number> {
    const error = step === 0 || !Number.isFinite(step)
      ? new InvalidArgumentError({ method: "range", message: `step must be a non-zero number, got ${step}` })
      : !(Number.isInteger(numSlices) && numSlices > 0)
      ? new InvalidArgumentError({ method: "range", message: `numSlices must be a positive integer, got ${numSlices}` })
      : undefined
    return new RDD<number>(this, RangeRDD.range(start, end, error ? 1 : step, error ? 1 : numSlices), [], error)
  }

  /**
   * The lines of a local text file, split into partitions by byte ranges on
   * line boundaries (at least `minPartitions`, at most 32 MiB each).
   */
  textFile(file: string, minPartitions: number = Math.min(this.defaultParallelism, 2)): RDD<string> {
    let size: number
    try {
      size = fs.statSync(file).size
    } catch (cause) {
      return new RDD<string>(this, EmptyRDD.empty, [], new InvalidArgumentError({
        method: "textFile",
        message: `Input path does not exist or cannot be read: ${file} (${(cause as Error).message})`
      }))
    }
    const error = Number.isInteger(minPartitions) && minPartitions > 0 ? undefined : new InvalidArgumentError({
      method: "textFile",
      message: `minPartitions must be a positive integer, got ${minPartitions}`
    })
    return new RDD<string>(this, TextFileRDD.textFile(path.resolve(file), planSplits(size, error ? 1 : minPartitions)), [], error).setName(file)
  }

  /** The union of several RDDs. */
  union<T>(rdds: ReadonlyArray<RDD<T>>): RDD<T> {
    if (rdds.length === 0) return this.emptyRDD()
    return rdds[0]!.union(...rdds.slice(1))
  }

  /** An RDD with no partitions. */
  emptyRDD<T>(): RDD<T> {
    return new RDD<T>(this, EmptyRDD.empty, [])
  }

  /** Shares a read-only value with every task, sent once per executor. */
  broadcast<T>(value: T): Broadcast<T> {
    const id = this.broadcastIds++
    this.broadcasts.set(id, value)
    return new Broadcast(id, value, (destroyed) => this.broadcasts.delete(destroyed))
  }

  /** @internal The executors' view of broadcast values. */
  readonly getBroadcast = (id: number): unknown => {
    if (!this.broadcasts.has(id)) throw BroadcastModule.missingValue(id)
    return this.broadcasts.get(id)
  }

  /** An accumulator with a custom add and merge. */
  accumulator<IN, OUT>(spec: AccumulatorSpec<IN, OUT>, name?: string): Accumulator<IN, OUT> {
    const accumulator = new Accumulator(this.accumulatorIds++, name, spec)
    this.accumulators.set(accumulator.id, new WeakRef(accumulator as Accumulator<unknown, unknown>))
    return accumulator
  }

  /** A counter of numbers. */
  longAccumulator(name?: string): Accumulator<number, number> {
    return this.accumulator(sum, name)
  }

  /** An accumulator collecting values into an array. */
  collectionAccumulator<A>(name?: string): Accumulator<A, Array<A>> {
    return this.accumulator(collection<A>(), name)
  }

  private mergeAccumulators(updates: ReadonlyMap<number, unknown>): void {
    for (const [id, partial] of updates) this.accumulators.get(id)?.deref()?.mergePartial(partial)
  }

  // ------------------------------------------------------------ jobs

  /**
   * Sets a local property for the jobs submitted from now on by callers that
   * do not set their own (`withLocalProperty` does, per fiber).
   */
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
    return Effect.flatMap(this.startJob(rdd, func, partitions), ([, done]) => done)
  }

  /**
   * Submits a job without waiting for it: returns a handle to await or cancel it.
   * Mirrors `SparkContext.submitJob`.
   */
  submitJob<T, U>(
    rdd: RDD<T>,
    func: (iterator: Iterator<T>, ctx: TaskContext) => U,
    partitions?: ReadonlyArray<number>
  ): Effect.Effect<JobHandle<Array<U>>, RDDError> {
    return Effect.gen({ self: this }, function*() {
      const [jobId, wait] = yield* this.startJob(rdd, func, partitions)
      const fiber = yield* Effect.forkIn(wait, this.internals.scope)
      return {
        jobId,
        await: Fiber.join(fiber),
        // Cancelling goes through the scheduler, so `await` fails with JobCancelledError.
        cancel: this.cancelJob(jobId, "by request")
      }
    })
  }

  private startJob<T, U>(
    rdd: RDD<T>,
    func: (iterator: Iterator<T>, ctx: TaskContext) => U,
    partitions: ReadonlyArray<number> | undefined
  ): Effect.Effect<readonly [number, Effect.Effect<Array<U>, RDDError>], RDDError> {
    return Effect.gen({ self: this }, function*() {
      if (this.stopped) {
        return yield* new SparkContextStoppedError({
          operation: "runJob",
          message: "Cannot call methods on a stopped SparkContext: create a new one"
        })
      }
      if (rdd.context !== this) {
        return yield* new InvalidArgumentError({
          method: "runJob",
          message: `RDD ${rdd.id} belongs to another SparkContext: RDDs cannot be shared between contexts`
        })
      }
      const invalid = rdd.validationError
      if (invalid !== undefined) return yield* Effect.fail(invalid)
      if (this.internals.backend.shipsTasks) {
        // Refuse functions that cannot ship now, naming what they capture (Spark's "Task not serializable").
        try {
          checkShippable(rdd as RDD<unknown>, func as (iterator: Iterator<unknown>, ctx: TaskContext) => unknown)
        } catch (problem) {
          if (problem instanceof NotShippable) return yield* Effect.fail(Closure.toError(problem))
          throw problem
        }
      }
      const numPartitions = rdd.numPartitions
      const parts = partitions ?? Array.from({ length: numPartitions }, (_, i) => i)
      const outOfRange = parts.find((p) => !Number.isInteger(p) || p < 0 || p >= numPartitions)
      if (outOfRange !== undefined) {
        return yield* new InvalidArgumentError({
          method: "runJob",
          message: `Attempting to access a non-existent partition: ${outOfRange}. RDD ${rdd.id} has ${numPartitions} partitions`
        })
      }
      const jobId = this.jobIds++
      if (parts.length === 0) return [jobId, Effect.succeed([] as Array<U>)] as const
      const fiberProps = yield* LocalProperties
      const properties = new Map([...this.properties, ...fiberProps])
      const results = new Array<U>(parts.length)
      const done = yield* Deferred.make<void, JobFailedError | JobCancelledError>()
      Queue.offerUnsafe(this.internals.events, {
        _tag: "JobSubmitted",
        submission: {
          jobId,
          rdd: rdd as RDD<unknown>,
          func: func as (iterator: Iterator<unknown>, ctx: TaskContext) => unknown,
          partitions: parts,
          properties,
          onTaskSucceeded: (index, result) => {
            results[index] = result as U
          },
          onJobFinished: (outcome) => {
            Deferred.doneUnsafe(done, outcome._tag === "Success" ? Effect.void : Effect.fail(outcome.error as JobFailedError))
          }
        }
      })
      const wait: Effect.Effect<Array<U>, RDDError> = Deferred.await(done).pipe(
        Effect.onInterrupt(() =>
          Effect.sync(() =>
            Queue.offerUnsafe(this.internals.events, {
              _tag: "JobCancelled",
              jobId,
              reason: "because the effect waiting for it was interrupted"
            })
          )
        ),
        Effect.andThen(rdd.doCheckpoint()),
        Effect.as(results)
      )
      return [jobId, wait] as const
    })
  }

  /** Cancels a running job. */
  cancelJob(jobId: number, reason = "by request"): Effect.Effect<void> {
    return Effect.sync(() => Queue.offerUnsafe(this.internals.events, { _tag: "JobCancelled", jobId, reason }))
  }

  /** Cancels every running job of a job group. */
  cancelJobGroup(groupId: string): Effect.Effect<void> {
    return Effect.sync(() => Queue.offerUnsafe(this.internals.events, { _tag: "JobGroupCancelled", groupId }))
  }

  /** Cancels every running job. */
  cancelAllJobs(): Effect.Effect<void> {
    return Effect.sync(() =>
      Queue.offerUnsafe(this.internals.events, { _tag: "AllJobsCancelled", reason: "as part of cancellation of all jobs" })
    )
  }

  /** Sets the directory `RDD.checkpoint()` writes to (created if missing). */
  setCheckpointDir(directory: string): Effect.Effect<void, InvalidArgumentError> {
    return Effect.try({
      try: () => {
        fs.mkdirSync(directory, { recursive: true })
        fs.accessSync(directory, fs.constants.W_OK)
        this.checkpointDirectory = path.resolve(directory)
      },
      catch: (cause) =>
        new InvalidArgumentError({
          method: "setCheckpointDir",
          message: `Cannot use ${directory} as the checkpoint directory: ${(cause as Error).message}`
        })
    })
  }

  // ------------------------------------------------------------ listeners and lifecycle

  /** Adds a listener of job, stage and task events; it hears every event from now on. */
  addSparkListener(listener: SparkListenerModule.SparkListener): void {
    Effect.runSyncWith(this.internals.services)(this.internals.listenerBus.addListener(listener))
  }

  /** Waits until every listener has handled every event posted so far. */
  get waitForListeners(): Effect.Effect<void> {
    return this.internals.listenerBus.waitUntilEmpty
  }

  /**
   * Kills an executor (its thread), as Spark's `killExecutor`: its running
   * tasks are rescheduled and its shuffle outputs and cached blocks are
   * recomputed where needed. A no-op on the in-process backend.
   */
  killExecutor(executorId: string): Effect.Effect<void> {
    return Effect.promise(() => this.internals.backend.killExecutor(executorId))
  }

  /** The ids of the executors that are alive. */
  get executorIds(): Array<string> {
    return this.internals.backend.executorIds()
  }

  /** The ids of jobs that are running. */
  get activeJobIds(): Array<number> {
    return this.internals.dag.activeJobIds()
  }

  /**
   * Stops the context: cancels running jobs, stops the executors and deletes
   * their local directories. Later actions fail with `SparkContextStoppedError`.
   */
  get stop(): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (this.stopped) return Effect.void
      return Effect.gen({ self: this }, function*() {
        yield* Effect.sync(() =>
          Queue.offerUnsafe(this.internals.events, { _tag: "AllJobsCancelled", reason: "because SparkContext was shut down" })
        )
        const time = yield* Clock.currentTimeMillis
        this.internals.listenerBus.post({ _tag: "ApplicationEnd", time })
        yield* this.internals.listenerBus.waitUntilEmpty
        this.stopped = true
        yield* Scope.close(this.internals.scope, Exit.void)
      })
    })
  }

  /** Runs an effect with this context's services (its clock, ...) and returns a Promise. */
  run<A, E>(effect: Effect.Effect<A, E>): Promise<A> {
    return Effect.runPromiseWith(this.internals.services)(effect)
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
): Effect.Effect<SparkContext, InvalidArgumentError | UnknownMasterError, Scope.Scope> =>
  Effect.gen(function*() {
    const base = options.conf === undefined
      ? SparkConf.make()
      : "entries" in options.conf
      ? options.conf as SparkConf.SparkConf
      : SparkConf.make(options.conf as Record<string, string | number | boolean>)
    let conf = base
    if (options.master !== undefined) conf = SparkConf.set(conf, "spark.master", options.master)
    if (options.appName !== undefined) conf = SparkConf.set(conf, "spark.app.name", options.appName)
    const master = yield* orFail(parseMaster(SparkConf.getString(conf, "spark.master", "local[*]")))
    const maxFailures = (master._tag === "Local" ? master.maxFailures : undefined) ??
      (yield* orFail(SparkConf.getInt(conf, "spark.task.maxFailures", 4, 1)))
    const heartbeatIntervalMs = yield* orFail(
      parseDurationMs(SparkConf.getString(conf, "spark.executor.heartbeatInterval", "10s"), "spark.executor.heartbeatInterval")
    )
    const networkTimeoutMs = yield* orFail(parseDurationMs(SparkConf.getString(conf, "spark.network.timeout", "120s"), "spark.network.timeout"))
    const maxStageAttempts = yield* orFail(SparkConf.getInt(conf, "spark.stage.maxConsecutiveAttempts", 4, 1))
    const localityWaitMs = yield* orFail(parseDurationMs(SparkConf.getString(conf, "spark.locality.wait", "3s"), "spark.locality.wait"))
    // spark.scheduler.mode (FIFO | FAIR) and the FAIR pools (spark.scheduler.pool.<name>.*, allocation file).
    const schedulerConf = yield* orFail(readSchedulerConf(conf.entries))
    const reviveIntervalMs = yield* orFail(
      parseDurationMs(SparkConf.getString(conf, "spark.scheduler.revive.interval", "1s"), "spark.scheduler.revive.interval")
    )
    const executorMemory = yield* orFail(SparkConf.getBytes(conf, "spark.executor.memory", 1024 ** 3))
    const memoryFraction = Number(SparkConf.getString(conf, "spark.memory.fraction", "0.6"))
    const localRoot = SparkConf.getString(conf, "spark.local.dir", os.tmpdir())

    const outer = yield* Effect.scope
    const scope = yield* Scope.fork(outer)
    const services = yield* Effect.context<never>()
    const startTime = yield* Clock.currentTimeMillis

    const localDir = yield* Effect.try({
      try: () => fs.mkdtempSync(path.join(localRoot, "tspark-")),
      catch: (cause) =>
        new InvalidArgumentError({
          method: "SparkContext",
          message: `spark.local.dir ${localRoot} is not a writable directory: ${(cause as Error).message}`
        })
    })
    yield* Scope.addFinalizer(scope, Effect.sync(() => fs.rmSync(localDir, { recursive: true, force: true })))

    const blockManagerMaster = new BlockManagerMaster()
    const transfer = new LocalBlockTransferService()
    const blockManager = new BlockManager({
      id: { executorId: "driver", host: "localhost", port: 0 },
      master: blockManagerMaster,
      transfer,
      maxMemory: Math.floor(executorMemory * memoryFraction),
      localDir: path.join(localDir, "blockmgr-driver")
    })
    transfer.register(blockManager)
    yield* Scope.addFinalizer(scope, Effect.sync(() => blockManager.stop()))
    const mapOutputTracker = new MapOutputTracker()

    const events = yield* Queue.unbounded<SchedulerEvent>()
    const cleaner = new FinalizationRegistry<CleanupTask>((task) => {
      Queue.offerUnsafe(events, { _tag: "Cleanup", task })
    })
    const listenerBus = yield* Scope.provide(
      ListenerBus.make<SparkListenerModule.SparkListenerEvent, SparkListenerModule.SparkListener>(
        SparkListenerModule.dispatch
      ),
      scope
    )
    let now = startTime
    let sc: SparkContext | undefined

    const executorHosts = new Map<string, string>()
    const dag = new DAGScheduler({
      now: () => now,
      post: (event) => listenerBus.post(event),
      submitTasks: (taskSet) => taskScheduler.submitTasks(taskSet, now),
      cancelTasks: (stageId) => {
        for (const task of taskScheduler.cancelTasks(stageId)) backend.killTask(task.taskId, task.executorId, "stage cancelled")
      },
      scheduleResubmit: () => Queue.offerUnsafe(events, { _tag: "ResubmitFailedStages" }),
      mergeAccumulators: (updates) => sc?.["mergeAccumulators"](updates),
      mapOutputTracker,
      blockManagerMaster,
      maxConsecutiveStageAttempts: maxStageAttempts
    })
    const taskScheduler = new TaskScheduler(
      {
        taskStarted: (task) => dag.handleTaskStarted(task, executorHosts.get(task.executorId) ?? "unknown"),
        taskEnded: (task, result) => dag.handleTaskCompletion(task, result, executorHosts.get(task.executorId) ?? "unknown"),
        taskSetFailed: (stageId, message, cause) => dag.handleTaskSetFailed(stageId, message, cause)
      },
      maxFailures,
      localityWaitMs,
      schedulerConf
    )

    const env: ExecutorEnv = {
      executorId: "driver",
      host: "localhost",
      conf,
      blockManager,
      mapOutputTracker,
      getBroadcast: (id) => sc!.getBroadcast(id)
    }
    const shipTasks = SparkConf.getString(conf, "spark.tspark.local.shipTasks", "false") === "true"
    const backend: SchedulerBackend = master._tag === "Local"
      ? new LocalSchedulerBackend(master.cores, env, shipTasks)
      : new CoarseGrainedSchedulerBackend(
        {
          launcher: master.launcher,
          executors: master.executors ?? (yield* orFail(SparkConf.getInt(conf, "spark.executor.instances", 1, 1))),
          coresPerExecutor: master.coresPerExecutor,
          memoryPerExecutorBytes: Math.floor(master.memoryMb * 1024 * 1024 * memoryFraction),
          localDir,
          conf: [...conf.entries],
          heartbeatIntervalMs,
          heartbeatTimeoutMs: networkTimeoutMs,
          registrationTimeoutMs: yield* orFail(parseDurationMs(
            SparkConf.getString(conf, "spark.scheduler.maxRegisteredResourcesWaitingTime", "30s"),
            "spark.scheduler.maxRegisteredResourcesWaitingTime"
          ))
        },
        blockManagerMaster,
        mapOutputTracker,
        (id) => sc!.getBroadcast(id)
      )

    const handle = (event: SchedulerEvent): void => {
      dag.beginEvent()
      switch (event._tag) {
        case "JobSubmitted":
          dag.handleJobSubmitted(event.submission)
          break
        case "JobCancelled":
          dag.handleJobCancelled(event.jobId, event.reason)
          break
        case "JobGroupCancelled":
          dag.handleJobGroupCancelled(event.groupId)
          break
        case "AllJobsCancelled":
          dag.handleAllJobsCancelled(event.reason)
          break
        case "StatusUpdate":
          taskScheduler.statusUpdate(event.task.taskId, event.result)
          backend.taskFinished(event.task)
          break
        case "ResubmitFailedStages":
          dag.resubmitFailedStages()
          break
        case "ExecutorAdded":
          executorHosts.set(event.executorId, event.host)
          taskScheduler.executorAdded(event.executorId, event.host)
          listenerBus.post({ ...event, time: now })
          break
        case "ExecutorLost": {
          for (const task of taskScheduler.executorLost(event.executorId)) {
            taskScheduler.statusUpdate(task.taskId, { _tag: "TaskKilled", reason: `executor lost: ${event.reason}` })
          }
          dag.handleExecutorLost(event.executorId)
          executorHosts.delete(event.executorId)
          listenerBus.post({ _tag: "ExecutorRemoved", executorId: event.executorId, reason: event.reason, time: now })
          break
        }
        case "Cleanup":
          // Mirrors ContextCleaner: the RDD that needed this state is gone.
          if (event.task._tag === "Shuffle") {
            mapOutputTracker.unregisterShuffle(event.task.shuffleId)
            blockManagerMaster.removeShuffle(event.task.shuffleId)
          } else {
            sc?.["persistentRdds"].delete(event.task.rddId)
            blockManagerMaster.removeRdd(event.task.rddId)
          }
          break
        case "ReviveOffers":
          break
      }
      backend.reviveOffers()
    }

    const loop = Effect.forever(
      Effect.gen(function*() {
        const event = yield* Queue.take(events)
        now = yield* Clock.currentTimeMillis
        handle(event)
      })
    )
    yield* Effect.forkIn(loop, scope)
    yield* Effect.forkIn(
      Effect.forever(Effect.andThen(Effect.sleep(reviveIntervalMs), Effect.sync(() => Queue.offerUnsafe(events, { _tag: "ReviveOffers" })))),
      scope
    )
    yield* Scope.provide(
      backend.start({
        resourceOffers: (offers) => taskScheduler.resourceOffers(offers, now),
        statusUpdate: (task, result) => Queue.offerUnsafe(events, { _tag: "StatusUpdate", task, result }),
        executorAdded: (executorId, host, cores) => Queue.offerUnsafe(events, { _tag: "ExecutorAdded", executorId, host, cores }),
        executorLost: (executorId, reason) => Queue.offerUnsafe(events, { _tag: "ExecutorLost", executorId, reason })
      }),
      scope
    )

    sc = new SparkContext(conf, startTime, {
      scope,
      services,
      events,
      backend,
      listenerBus,
      blockManagerMaster,
      blockManager,
      mapOutputTracker,
      dag,
      cleaner
    })
    const context = sc
    yield* Effect.addFinalizer(() => context.stop)
    return context
  })

/**
 * Creates a context for code that does not use Effect. Call `stop()` (with
 * `sc.run(sc.stop)`) or `close(sc)` when done.
 *
 * **Example**
 * ```ts
 * const sc = await SparkContext.create({ master: "local[2]" })
 * const n = await sc.run(sc.parallelize([1, 2, 3]).count())
 * await SparkContext.close(sc)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const create = async (options: SparkContextOptions = {}): Promise<SparkContext> => {
  const scope = Effect.runSync(Scope.make())
  return Effect.runPromise(Scope.provide(make(options), scope))
}

/**
 * Stops a context made with `create`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const close = (sc: SparkContext): Promise<void> => sc.run(sc.stop)
