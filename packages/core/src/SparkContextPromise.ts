/**
 * The Promise facade of `SparkContext`, for code that does not use Effect:
 * `create` makes and starts a context, `sc.run(effect)` runs an action, and
 * `close` stops it. `SparkContext` re-exports both functions, so
 * `SparkContext.create` is the usual way in.
 *
 * Mirrors `org.apache.spark.api.java.JavaSparkContext` (Spark's facade for
 * callers outside Scala).
 *
 * @since 0.1.0
 */
import { Effect, Scope } from "effect"
import { make, type SparkContext, type SparkContextOptions } from "./SparkContext.js"

/**
 * Creates a context for code that does not use Effect. Call `stop()` (with
 * `sc.run(sc.stop())`) or `close(sc)` when done.
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
export const close = (sc: SparkContext): Promise<void> => sc.run(sc.stop())
