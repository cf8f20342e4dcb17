/**
 * The Promise facade of a streaming context's lifecycle (`ssc.promise`), for
 * code that does not use Effect, and `create`, which makes a context for it. Spark keeps its facades for other callers
 * (`JavaStreamingContext`, the Python `StreamingContext`) apart from the
 * context itself; this module is that seam.
 *
 * @since 0.1.0
 */
import type { SparkContext } from "@tspark/core"
import { type Duration, Effect, Scope } from "effect"
import * as StreamingContextModule from "./StreamingContext.js"
import type { StopOptions, StreamingContext, StreamingContextOptions } from "./StreamingContext.js"

/**
 * The Promise facade of a context's lifecycle (`ssc.promise`): the same
 * methods as the Effect forms, returning Promises. Forgetting `await` leaves
 * a floating Promise, which the lint rule `no-floating-promises` reports.
 *
 * Mirrors `org.apache.spark.streaming.StreamingContext`'s lifecycle methods.
 *
 * **Example**
 * ```ts
 * await ssc.promise.start()
 * await ssc.promise.awaitTerminationOrTimeout("10 seconds")
 * await ssc.promise.stop({ stopGracefully: true })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface StreamingContextPromise {
  readonly start: () => Promise<void>
  readonly stop: (options?: StopOptions) => Promise<void>
  readonly awaitTermination: () => Promise<boolean>
  readonly awaitTerminationOrTimeout: (timeout: Duration.Input) => Promise<boolean>
  readonly checkpoint: (directory: string) => Promise<void>
}

/**
 * The Promise facade of `ssc`: each call runs the Effect form on the
 * SparkContext's runtime. `ssc.promise` returns this.
 *
 * Mirrors `org.apache.spark.streaming.api.java.JavaStreamingContext`, which
 * wraps a context for callers outside Scala.
 *
 * **Example**
 * ```ts
 * const lifecycle = StreamingContextPromise.make(ssc)
 * await lifecycle.start()
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (ssc: StreamingContext): StreamingContextPromise => {
  const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => ssc.sparkContext.run(effect)
  return {
    start: () => run(ssc.start()),
    stop: (options) => run(ssc.stop(options)),
    awaitTermination: () => run(ssc.awaitTermination()),
    awaitTerminationOrTimeout: (timeout) => run(ssc.awaitTerminationOrTimeout(timeout)),
    checkpoint: (directory) => run(ssc.checkpoint(directory))
  }
}

/**
 * Creates a streaming context for code that does not use Effect: drive it
 * with `ssc.promise` (`await ssc.promise.start()`, `await ssc.promise.stop()`).
 *
 * Mirrors `new StreamingContext(sparkContext, batchDuration)`.
 *
 * **Example**
 * ```ts
 * const sc = await SparkContext.create({ master: "local[2]" })
 * const ssc = await StreamingContext.create(sc, { batchDuration: "1 second" })
 * ssc.queueStream([sc.parallelize([1, 2])]).print()
 * await ssc.promise.start()
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
  return sparkContext.run(Scope.provide(StreamingContextModule.make(sparkContext, options), scope))
}

/**
 * `StreamingContext.getOrCreate` for code that does not use Effect: the
 * context recovered from the newest valid checkpoint in `checkpointDir`, or
 * the one `create` makes (with `StreamingContext.create` and
 * `await ssc.promise.checkpoint(checkpointDir)`). Rejects with
 * `CheckpointRecoveryError` when the graph `create` builds cannot take the
 * checkpoint's state, or with what `create` rejected with.
 *
 * Mirrors `StreamingContext.getOrCreate(checkpointPath, creatingFunc)`.
 *
 * **Example**
 * ```ts
 * const ssc = await StreamingContextPromise.getOrCreate(sc, "/var/ckpt", async () => {
 *   const ssc = await StreamingContext.create(sc, { batchDuration: "1 second" })
 *   await ssc.promise.checkpoint("/var/ckpt")
 *   ssc.textFileStream("/var/in").count().print()
 *   return ssc
 * })
 * await ssc.promise.start()
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const getOrCreate = (
  sparkContext: SparkContext.SparkContext,
  checkpointDir: string,
  create: () => Promise<StreamingContext>
): Promise<StreamingContext> =>
  sparkContext.run(StreamingContextModule.getOrCreate(checkpointDir, () => Effect.tryPromise({ try: create, catch: (e) => e })))
