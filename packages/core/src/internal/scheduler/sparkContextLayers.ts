// The one place a SparkContext's services are wired: the configuration read
// once (every bad value fails here, with the key named), then the layers of
// the control plane composed and built in the context's scope.
import { Context, Effect, Layer, Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as AccumulatorModule from "../../Accumulator.js"
import * as BroadcastModule from "../../Broadcast.js"
import * as ContextCleanerModule from "../../ContextCleaner.js"
import { CoarseGrainedSchedulerBackend } from "../../scheduler/cluster/CoarseGrainedSchedulerBackend.js"
import * as DAGSchedulerModule from "../../scheduler/DAGScheduler.js"
import * as EventLoop from "../../scheduler/DAGSchedulerEventProcessLoop.js"
import * as RpcEnvModule from "../../rpc/RpcEnv.js"
import * as ExecutorAllocationClient from "../../scheduler/ExecutorAllocationClient.js"
import type { ExecutorAllocationError } from "../../scheduler/ExecutorAllocationClient.js"
import * as ExecutorAllocationManager from "../../scheduler/ExecutorAllocationManager.js"
import * as LiveListenerBusModule from "../../scheduler/LiveListenerBus.js"
import * as LocalSchedulerBackend from "../../scheduler/local/LocalSchedulerBackend.js"
import * as MapOutputTrackerModule from "../../scheduler/MapOutputTracker.js"
import { Backend } from "../../scheduler/SchedulerBackend.js"
import * as TaskSchedulerModule from "../../scheduler/TaskScheduler.js"
import * as SecurityManager from "../../SecurityManager.js"
import type { InsecureListenError } from "../../SecurityManager.js"
import * as SparkConf from "../../SparkConf.js"
import type { SparkContextOptions } from "../../SparkContextOptions.js"
import * as SparkEnvModule from "../../SparkEnv.js"
import { InvalidArgumentError, UnknownMasterError } from "../../SparkError.js"
import * as BlockManagerMasterModule from "../../storage/BlockManagerMaster.js"
import { readSubmitConf, withSubmitDefaults } from "../deploy/submitConf.js"
import { readSchedulerConf } from "./pool.js"

const orFail = <A>(value: A | InvalidArgumentError | UnknownMasterError) =>
  value instanceof InvalidArgumentError || value instanceof UnknownMasterError ? Effect.fail(value) : Effect.succeed(value)

/** Every way creating a SparkContext fails: a bad setting (named), an unknown master, an insecure listener, dynamic allocation it cannot do. */
export type MakeError =
  | InvalidArgumentError
  | UnknownMasterError
  | InsecureListenError
  | ExecutorAllocationManager.DynamicAllocationConfigError
  | ExecutorAllocationError

/**
 * Core's dynamic allocation settings when `spark.dynamicAllocation.enabled`
 * (validated, so a bad one fails the context's creation naming its key); a
 * master whose executors the driver cannot start refuses it, saying what to change.
 */
const readDynamicAllocation = (conf: SparkConf.SparkConf, master: SparkConf.Master) =>
  Effect.gen(function*() {
    const enabled = ExecutorAllocationManager.isDynamicAllocationEnabled(conf)
    if (typeof enabled !== "boolean") return yield* enabled
    if (!enabled) return undefined
    if (master._tag === "Local" || master.launcher._tag === "Listen") {
      const name = SparkConf.getString(conf, "spark.master", "local[*]")
      const reason = master._tag === "Local" ? undefined : "waits for executors started by hand (tspark executor)"
      // The same refusal (and message) the backend's own client gives.
      return yield* ExecutorAllocationClient.unsupportedError(name, reason)
    }
    const settings = ExecutorAllocationManager.readSettings(conf, master.coresPerExecutor)
    return settings instanceof ExecutorAllocationManager.DynamicAllocationConfigError ? yield* settings : settings
  })

/**
 * The configuration of a context: `options.conf` (entries or a SparkConf) with the master and app name options over
 * it, all over the settings of `tspark submit` (the environment variable TSPARK_SUBMIT_CONF), which are defaults.
 */
export const resolveConf = (options: SparkContextOptions): Effect.Effect<SparkConf.SparkConf, InvalidArgumentError> => {
  const submitted = readSubmitConf()
  if (submitted instanceof InvalidArgumentError) return Effect.fail(submitted)
  const base = options.conf === undefined
    ? SparkConf.make()
    : "entries" in options.conf
    ? options.conf as SparkConf.SparkConf
    : SparkConf.make(options.conf as Record<string, string | number | boolean>)
  let conf = base
  if (options.master !== undefined) conf = SparkConf.set(conf, "spark.master", options.master)
  if (options.appName !== undefined) conf = SparkConf.set(conf, "spark.app.name", options.appName)
  return Effect.succeed(withSubmitDefaults(conf, submitted))
}

/** Everything the context reads from its configuration. */
export type Settings = Effect.Success<ReturnType<typeof readSettings>>

export const readSettings = Effect.fnUntraced(function*(conf: SparkConf.SparkConf) {
  const master = yield* orFail(SparkConf.getMaster(conf))
  const maxFailures = (master._tag === "Local" ? master.maxFailures : undefined) ??
    (yield* orFail(SparkConf.getInt(conf, "spark.task.maxFailures", 4, 1)))
  const heartbeatIntervalMs = yield* orFail(SparkConf.getTimeAsMs(conf, "spark.executor.heartbeatInterval", "10s"))
  const networkTimeoutMs = yield* orFail(SparkConf.getTimeAsMs(conf, "spark.network.timeout", "120s"))
  const maxConsecutiveStageAttempts = yield* orFail(SparkConf.getInt(conf, "spark.stage.maxConsecutiveAttempts", 4, 1))
  const localityWaitMs = yield* orFail(SparkConf.getTimeAsMs(conf, "spark.locality.wait", "3s"))
  // spark.scheduler.mode (FIFO | FAIR) and the FAIR pools (spark.scheduler.pool.<name>.*, allocation file).
  const schedulerConf = yield* orFail(readSchedulerConf(conf.entries))
  const dynamicAllocation = yield* readDynamicAllocation(conf, master)
  const reviveIntervalMs = yield* orFail(SparkConf.getTimeAsMs(conf, "spark.scheduler.revive.interval", "1s"))
  const executorMemory = yield* orFail(SparkConf.getSizeAsBytes(conf, "spark.executor.memory", 1024 ** 3))
  const memoryFraction = yield* orFail(SparkConf.getMemoryFraction(conf))
  const shipTasks = yield* orFail(SparkConf.getBoolean(conf, "spark.tspark.local.shipTasks", false))
  const cleanCheckpoints = yield* orFail(SparkConf.getBoolean(conf, "spark.cleaner.referenceTracking.cleanCheckpoints", false))
  // Read where partitions are counted (sc.defaultParallelism); checked here so a bad value fails the context's creation.
  yield* orFail(SparkConf.getInt(conf, "spark.default.parallelism", 1, 1))
  const cluster = master._tag === "Local" ? undefined : {
    launcher: master.launcher,
    // With dynamic allocation the cluster starts with its initial executors and grows or shrinks on request.
    executors: dynamicAllocation?.initialExecutors ?? master.executors ??
      (yield* orFail(SparkConf.getInt(conf, "spark.executor.instances", 1, 1))),
    coresPerExecutor: master.coresPerExecutor,
    memoryPerExecutorBytes: Math.floor(master.memoryMb * 1024 * 1024 * memoryFraction),
    registrationTimeoutMs: yield* orFail(SparkConf.getTimeAsMs(conf, "spark.scheduler.maxRegisteredResourcesWaitingTime", "30s")),
    // spark.authenticate and the frame bound; refuses an unauthenticated listener on a non-loopback address.
    security: yield* SecurityManager.fromConf(conf, master.launcher),
    // Lost executors are replaced while fewer than this many are lost in a row (-1: always; 0: never).
    maxExecutorRetries: yield* orFail(SparkConf.getInt(conf, "spark.deploy.maxExecutorRetries", 10, -1))
  }
  // Pending tasks with no executor alive for this long fail their jobs with ExecutorWaitTimeoutError.
  const executorWaitTimeoutMs = yield* orFail(SparkConf.getTimeAsMs(conf, "spark.scheduler.executorWaitTimeout", "60s"))
  // The default timeout of executors' RPC asks (read again where each executor's RPC side is made).
  yield* orFail(SparkConf.getTimeAsMs(conf, "spark.rpc.askTimeout", "120s"))
  return {
    cores: master._tag === "Local" ? master.cores : 0,
    cluster,
    dynamicAllocation,
    maxFailures,
    heartbeatIntervalMs,
    networkTimeoutMs,
    maxConsecutiveStageAttempts,
    localityWaitMs,
    schedulerConf,
    reviveIntervalMs,
    executorWaitTimeoutMs,
    driverMemory: Math.floor(executorMemory * memoryFraction),
    shipTasks,
    cleanCheckpoints,
    localRoot: SparkConf.getString(conf, "spark.local.dir", os.tmpdir())
  }
})

/** The services a SparkContext uses. */
export interface Services {
  readonly dag: DAGSchedulerModule.DAGScheduler["Service"]
  readonly taskScheduler: TaskSchedulerModule.TaskScheduler["Service"]
  readonly backend: Backend["Service"]
  readonly listenerBus: LiveListenerBusModule.LiveListenerBus["Service"]
  readonly env: SparkEnvModule.SparkEnv["Service"]
  readonly blockManagerMaster: BlockManagerMasterModule.BlockManagerMasterEndpoint["Service"]
  readonly mapOutputTracker: MapOutputTrackerModule.MapOutputTrackerMaster["Service"]
  readonly cleaner: ContextCleanerModule.ContextCleaner["Service"]
  readonly broadcasts: BroadcastModule.BroadcastManager["Service"]
  readonly accumulators: AccumulatorModule.AccumulatorContext["Service"]
  readonly rpcEnv: RpcEnvModule.RpcEnv["Service"]
  /** Core's dynamic allocation, when `spark.dynamicAllocation.enabled`. */
  readonly executorAllocationManager: ExecutorAllocationManager.ExecutorAllocationManager | undefined
}

/** The cluster backend (local-cluster, local-process, tcp://) as a layer. */
const clusterBackend = (
  conf: SparkConf.SparkConf,
  settings: Settings,
  cluster: NonNullable<Settings["cluster"]>,
  localDir: string
) =>
  Layer.effect(
    Backend,
    Effect.gen(function*() {
      const broadcasts = yield* BroadcastModule.BroadcastManager
      const backend = new CoarseGrainedSchedulerBackend(
        {
          ...cluster,
          localDir,
          conf: [...conf.entries],
          heartbeatIntervalMs: settings.heartbeatIntervalMs,
          heartbeatTimeoutMs: settings.networkTimeoutMs
        },
        yield* BlockManagerMasterModule.BlockManagerMasterEndpoint,
        yield* MapOutputTrackerModule.MapOutputTrackerMaster,
        broadcasts.getValue,
        yield* RpcEnvModule.RpcEnv
      )
      // A dropped broadcast (destroyed or collected) leaves the executors too.
      broadcasts.addRemovalListener((id) => backend.removeBroadcast(id))
      return backend
    })
  )

/** Builds the control plane in `scope`; the task scheduler is started by the caller. */
export const composeLayers = Effect.fnUntraced(function*(
  conf: SparkConf.SparkConf,
  settings: Settings,
  scope: Scope.Scope
) {
  // The context's local directory (block stores, executors' files), removed last.
  const localDir = yield* Effect.try({
    try: () => fs.mkdtempSync(path.join(settings.localRoot, "tspark-")),
    catch: (cause) =>
      new InvalidArgumentError({
        method: "SparkContext",
        message: `spark.local.dir ${settings.localRoot} is not a writable directory: ${(cause as Error).message}`
      })
  })
  yield* Scope.addFinalizer(scope, Effect.sync(() => fs.rmSync(localDir, { recursive: true, force: true })))
  const backend: Layer.Layer<
    Backend,
    never,
    | SparkEnvModule.SparkEnv
    | BlockManagerMasterModule.BlockManagerMasterEndpoint
    | MapOutputTrackerModule.MapOutputTrackerMaster
    | BroadcastModule.BroadcastManager
    | RpcEnvModule.RpcEnv
  > = settings.cluster === undefined
    ? LocalSchedulerBackend.layer({ cores: settings.cores, shipTasks: settings.shipTasks })
    : clusterBackend(conf, settings, settings.cluster, localDir)
  const layer = DAGSchedulerModule.layer({ maxConsecutiveStageAttempts: settings.maxConsecutiveStageAttempts }).pipe(
    Layer.provideMerge(TaskSchedulerModule.layer(settings)),
    Layer.provideMerge(backend),
    Layer.provideMerge(SparkEnvModule.layerDriver({ conf, localDir, maxMemory: settings.driverMemory })),
    Layer.provideMerge(ContextCleanerModule.layerWith({ cleanCheckpoints: settings.cleanCheckpoints })),
    Layer.provideMerge(Layer.mergeAll(
      EventLoop.layer,
      LiveListenerBusModule.layer,
      MapOutputTrackerModule.layer,
      BlockManagerMasterModule.layer,
      BroadcastModule.layer,
      AccumulatorModule.layer,
      RpcEnvModule.layer
    ))
  )
  const context = yield* Layer.buildWithScope(layer, scope)
  const services: Services = {
    dag: Context.get(context, DAGSchedulerModule.DAGScheduler),
    taskScheduler: Context.get(context, TaskSchedulerModule.TaskScheduler),
    backend: Context.get(context, Backend),
    listenerBus: Context.get(context, LiveListenerBusModule.LiveListenerBus),
    env: Context.get(context, SparkEnvModule.SparkEnv),
    blockManagerMaster: Context.get(context, BlockManagerMasterModule.BlockManagerMasterEndpoint),
    mapOutputTracker: Context.get(context, MapOutputTrackerModule.MapOutputTrackerMaster),
    cleaner: Context.get(context, ContextCleanerModule.ContextCleaner),
    broadcasts: Context.get(context, BroadcastModule.BroadcastManager),
    accumulators: Context.get(context, AccumulatorModule.AccumulatorContext),
    rpcEnv: Context.get(context, RpcEnvModule.RpcEnv),
    executorAllocationManager: undefined
  }
  // As Spark's BlockManagerMasterEndpoint, the master posts block updates (the Storage page's source).
  services.blockManagerMaster.listenerBus = services.listenerBus
  return services
})

/**
 * Reads the settings, builds the control plane in a scope forked from the
 * caller's and starts the task scheduler: everything a SparkContext starts.
 */
export const startServices = Effect.fnUntraced(function*(conf: SparkConf.SparkConf) {
  const settings = yield* readSettings(conf)
  const scope = yield* Scope.fork(yield* Effect.scope)
  const composed = yield* composeLayers(conf, settings, scope)
  // Its listener hears the initial executors register, so it is on the bus before the backend starts.
  const manager = settings.dynamicAllocation === undefined ? undefined : yield* ExecutorAllocationManager.make(
    composed.backend.allocationClient,
    conf,
    settings.cluster === undefined ? {} : { coresPerExecutor: settings.cluster.coresPerExecutor }
  )
  if (manager !== undefined) yield* composed.listenerBus.addListener(manager.listener)
  const services: Services = { ...composed, executorAllocationManager: manager }
  // As Spark's SparkContext: the task scheduler (and its backend) starts once the DAG scheduler listens.
  yield* Scope.provide(services.taskScheduler.start, scope)
  if (manager !== undefined) yield* Scope.provide(manager.start, scope)
  return { scope, services }
})
