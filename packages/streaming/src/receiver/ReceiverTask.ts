/**
 * How a receiver reaches an executor and runs there: `describeReceiver` on
 * the driver (checks it can be shipped), `receiverTaskFunction` on the
 * executor (rebuilds it and runs its supervisor), `rpcTrackerLink` (the
 * supervisor's line to the driver's ReceiverTracker over the executor's RPC).
 *
 * Mirrors the receiver-launching function of
 * `org.apache.spark.streaming.scheduler.ReceiverTracker.ReceiverTrackerEndpoint.startReceiver`.
 *
 * @since 0.1.0
 */
import type { TaskContext } from "@tspark/core"
import type { Effect } from "effect"
import type { ReceiverTrackerLink } from "../internal/receiverMessages.js"
import * as shipping from "../internal/receiverShipping.js"
import * as task from "../internal/receiverTask.js"
import type { Receiver } from "./Receiver.js"
import type { ReceiverNotShippableError } from "./ReceiverError.js"

/**
 * A receiver as it travels: the module exporting its class, the export name,
 * and its own enumerable fields (data and shippable functions).
 *
 * Mirrors a serialized `Receiver` object.
 *
 * **Example**
 * ```ts
 * const d: ReceiverDescriptor = { module: "@tspark/streaming/receiver", exportName: "SocketReceiver", fields: {} }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type ReceiverDescriptor = shipping.ReceiverDescriptor

/**
 * What a receiver job carries: the receiver, its stream, and settings
 * (`spark.streaming.*` entries; the executor's own `spark.streaming.*`
 * entries apply beneath them).
 *
 * Mirrors the closure of `ReceiverTracker.startReceiver`.
 *
 * **Example**
 * ```ts
 * const env: ReceiverTaskEnv = { receiver: descriptor, streamId: 0, conf: [["spark.streaming.blockInterval", "200ms"]] }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type ReceiverTaskEnv = task.ReceiverTaskEnv

/**
 * The part of an executor's RPC (`ctx.env.rpc`) a supervisor uses: ask and
 * send to a driver endpoint, and set up an endpoint of its own.
 *
 * Mirrors `org.apache.spark.rpc.RpcEnv` as a supervisor uses it.
 *
 * **Example**
 * ```ts
 * const link = rpcTrackerLink(ctx.env.rpc)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type ExecutorRpcLike = task.ExecutorRpcLike

/**
 * Checks that a receiver can be shipped (its class names a module that
 * exports it, every field serializes) and describes it; fails with
 * `ReceiverNotShippableError` saying what to change.
 *
 * Mirrors Spark's serializability check of a receiver.
 *
 * **Example**
 * ```ts
 * const descriptor = yield* describeReceiver(new SocketReceiver("localhost", 9999, lineConverter))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const describeReceiver: (receiver: Receiver<unknown>) => Effect.Effect<ReceiverDescriptor, ReceiverNotShippableError> = shipping
  .describeReceiver as (receiver: Receiver<unknown>) => Effect.Effect<ReceiverDescriptor, ReceiverNotShippableError>

/**
 * Rebuilds a described receiver: imports its module, creates an object of
 * its class without calling the constructor, assigns its fields.
 *
 * Mirrors the deserialization of a `Receiver` on an executor.
 *
 * **Example**
 * ```ts
 * const receiver = await reviveReceiver(descriptor)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const reviveReceiver: (descriptor: ReceiverDescriptor) => Promise<Receiver<unknown>> = shipping.reviveReceiver

/**
 * A `ReceiverTrackerLink` over an executor's RPC: asks and sends go to the
 * `ReceiverTracker` endpoint; the tracker's messages arrive at the endpoint
 * `ReceiverSupervisor-<streamId>`.
 *
 * Mirrors `ReceiverSupervisorImpl`'s `trackerEndpoint` and its own endpoint.
 *
 * **Example**
 * ```ts
 * const link = rpcTrackerLink(ctx.env.rpc)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const rpcTrackerLink: (rpc: ExecutorRpcLike) => ReceiverTrackerLink = task.rpcTrackerLink

/**
 * The function a receiver job runs on an executor (ship it with
 * `Closure.fromModule("@tspark/streaming/receiver", "receiverTaskFunction", env)`):
 * it rebuilds the receiver, links to the tracker through `ctx.env.rpc`, and
 * runs its supervisor with the executor's block manager until the receiver
 * stops for good or the task is killed.
 *
 * Mirrors the `startReceiverFunc` of `ReceiverTracker`.
 *
 * **Example**
 * ```ts
 * const run = receiverTaskFunction({ receiver: descriptor, streamId: 0, conf: [] })
 * await run([], ctx)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const receiverTaskFunction: (
  env: ReceiverTaskEnv
) => (partition: unknown, ctx: TaskContext.TaskContext) => Promise<void> = task.receiverTaskFunction
