/**
 * The Promise facade of a streaming context's lifecycle (`ssc.promise`), for
 * code that does not use Effect. Spark keeps its facades for other callers
 * (`JavaStreamingContext`, the Python `StreamingContext`) apart from the
 * context itself; this module is that seam.
 *
 * @since 0.1.0
 */
import type { Duration, Effect } from "effect"
import type { StopOptions, StreamingContext } from "./StreamingContext.js"

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
