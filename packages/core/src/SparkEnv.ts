/**
 * The driver's runtime environment: its block manager, the map output
 * tracker, broadcast values, the configuration, and its RPC side connected
 * in-process to the driver's endpoints. The in-process backend runs tasks in
 * it, as the executor named `driver`.
 *
 * Mirrors `org.apache.spark.SparkEnv` (the driver's).
 *
 * @since 0.1.0
 */
import { Context, Effect, type Fiber, Layer } from "effect"
import * as path from "node:path"
import { BroadcastManager } from "./Broadcast.js"
import { ExecutorRpcEnv } from "./rpc/ExecutorRpcEnv.js"
import { RpcEnv } from "./rpc/RpcEnv.js"
import { MapOutputTrackerMaster } from "./scheduler/MapOutputTracker.js"
import { nowMsIn } from "./internal/executor/taskClock.js"
import type { ExecutorEnv } from "./scheduler/TaskContext.js"
import * as SparkConf from "./SparkConf.js"
import { BlockManager } from "./storage/BlockManager.js"
import { LocalBlockTransferService } from "./storage/BlockTransferService.js"
import { BlockManagerMasterEndpoint } from "./storage/BlockManagerMaster.js"

/**
 * The driver's environment.
 *
 * Mirrors `org.apache.spark.SparkEnv`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const env = yield* SparkEnv.SparkEnv
 *   return env.blockManager.id.executorId // "driver"
 * })
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class SparkEnv extends Context.Service<SparkEnv, ExecutorEnv>()("@tspark/core/SparkEnv") {}

/**
 * The driver's environment: a block manager named `driver` registered with
 * the master, storing under `localDir`; stopped when the layer closes. Its
 * RPC side reaches the driver's endpoints in-process, always asynchronously
 * (a microtask later), as a remote executor's would.
 *
 * Mirrors `org.apache.spark.SparkEnv.createDriverEnv`.
 *
 * **Example**
 * ```ts
 * const env = SparkEnv.layerDriver({ conf: SparkConf.make(), localDir: "/tmp/tspark-1", maxMemory: 64 * 1024 * 1024 })
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layerDriver = (options: {
  readonly conf: SparkConf.SparkConf
  readonly localDir: string
  /** Bytes of memory for cached blocks. */
  readonly maxMemory: number
}): Layer.Layer<SparkEnv, never, BlockManagerMasterEndpoint | MapOutputTrackerMaster | BroadcastManager | RpcEnv> =>
  Layer.effect(
    SparkEnv,
    Effect.gen(function*() {
      const master = yield* BlockManagerMasterEndpoint
      const mapOutputTracker = yield* MapOutputTrackerMaster
      const broadcasts = yield* BroadcastManager
      const transfer = new LocalBlockTransferService()
      const blockManager = new BlockManager({
        id: { executorId: "driver", host: "localhost", port: 0 },
        master,
        transfer,
        maxMemory: options.maxMemory,
        localDir: path.join(options.localDir, "blockmgr-driver")
      })
      transfer.register(blockManager)
      const rpcEnv = yield* RpcEnv
      const context = yield* Effect.context<never>()
      const askTimeoutMs = SparkConf.getTimeAsMs(options.conf, "spark.rpc.askTimeout", "120s")
      const rpc = new ExecutorRpcEnv({
        executorId: "driver",
        send: (message) => queueMicrotask(() => rpcEnv.receive("driver", message)),
        askTimeoutMs: typeof askTimeoutMs === "number" ? askTimeoutMs : 120_000,
        run: <A>(effect: Effect.Effect<A>): Fiber.Fiber<A> => Effect.runForkWith(context)(effect)
      })
      rpcEnv.executorAdded("driver", "localhost", (message) => queueMicrotask(() => rpc.handle(message)))
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          rpcEnv.executorRemoved("driver")
          rpc.stop("the SparkContext stopped")
          blockManager.stop()
        })
      )
      return SparkEnv.of({
        executorId: "driver",
        host: "localhost",
        conf: options.conf,
        blockManager,
        mapOutputTracker,
        getBroadcast: broadcasts.getValue,
        rpc,
        // Task metrics' times are measured on the context's clock (a test clock in tests).
        nowMs: nowMsIn(context)
      })
    })
  )
