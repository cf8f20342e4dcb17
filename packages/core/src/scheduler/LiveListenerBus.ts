/**
 * The driver's bus of Spark listener events: the DAG scheduler posts job,
 * stage and task events; every listener hears them on its own fiber.
 *
 * Mirrors `org.apache.spark.scheduler.LiveListenerBus`.
 *
 * @since 0.1.0
 */
import { Context, Layer } from "effect"
import { ListenerBus } from "../util/ListenerBus.js"
import { dispatch, type SparkListener, type SparkListenerEvent } from "./SparkListener.js"

/**
 * The listener bus of one context.
 *
 * Mirrors `org.apache.spark.scheduler.LiveListenerBus`.
 *
 * **Example**
 * ```ts
 * const program = Effect.gen(function*() {
 *   const bus = yield* LiveListenerBus.LiveListenerBus
 *   yield* bus.addListener({ onJobEnd: (e) => console.log(e.jobId) })
 * }).pipe(Effect.provide(LiveListenerBus.layer))
 * ```
 *
 * @category services
 * @since 0.1.0
 */
export class LiveListenerBus extends Context.Service<
  LiveListenerBus,
  ListenerBus<SparkListenerEvent, SparkListener>
>()("@tspark/core/scheduler/LiveListenerBus") {}

/**
 * A bus whose listener fibers live in the layer's scope. As Spark's, it holds
 * the events posted before `start()` (executors registering while the context
 * starts) and delivers them then, so the listeners a context adds as it
 * starts (its status store, its event log) hear everything.
 *
 * Mirrors `org.apache.spark.scheduler.LiveListenerBus`.
 *
 * **Example**
 * ```ts
 * const program = Effect.provide(useTheBus, LiveListenerBus.layer)
 * ```
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<LiveListenerBus> = Layer.effect(
  LiveListenerBus,
  ListenerBus.make<SparkListenerEvent, SparkListener>(dispatch, undefined, { startHeld: true })
)
