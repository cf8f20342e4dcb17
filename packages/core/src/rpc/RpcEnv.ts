/**
 * Named endpoints that the driver and running tasks on executors talk
 * through while a job runs: a task (a receiver's supervisor, say) sends
 * one-way messages to a driver endpoint or asks it and awaits the reply; the
 * driver sends one-way messages to endpoints a running task registered on
 * its executor. Messages are plain structured-clone data. They travel on the
 * executor's own channel (worker-thread port or TCP connection); with the
 * in-process backend (`local[N]`) they are delivered in-process, and always
 * asynchronously, so code behaves the same on every backend.
 *
 * Mirrors `org.apache.spark.rpc.RpcEnv` (reduced: driver endpoints by name,
 * executor endpoints reached through their executor).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import { DriverRpcEndpoints } from "./DriverRpcEndpoints.js"

export type { DriverRpcEnv, ExecutorRpc, RpcCallContext, RpcEndpoint } from "./RpcEndpoint.js"
export { RpcEndpointAlreadyRegisteredError, RpcError } from "./RpcEndpoint.js"

/**
 * The driver's endpoints as a service. Scheduler backends connect each
 * executor to it (`executorAdded`, `receive`, `executorRemoved`); user code
 * sees it as `sc.rpcEnv` (a `DriverRpcEnv`).
 *
 * Mirrors the driver's `org.apache.spark.rpc.netty.NettyRpcEnv`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const rpcEnv = yield* RpcEnv.RpcEnv
 *   return rpcEnv.setupEndpoint("echo", { receiveAndReply: (m) => m })
 * })
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class RpcEnv extends Context.Service<RpcEnv, DriverRpcEndpoints>()("@tspark/core/rpc/RpcEnv") {}

/**
 * The driver's endpoints; warnings (messages for unknown endpoints, failing
 * handlers) go to the logger of the scope the layer is built in.
 *
 * Mirrors `org.apache.spark.rpc.RpcEnv.create` on the driver.
 *
 * **Example**
 * ```ts
 * const layer = SparkEnv.layerDriver(options).pipe(Layer.provide(RpcEnv.layer))
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<RpcEnv> = Layer.effect(
  RpcEnv,
  Effect.gen(function*() {
    const context = yield* Effect.context<never>()
    return new DriverRpcEndpoints((effect) => Effect.runForkWith(context)(effect))
  })
)
