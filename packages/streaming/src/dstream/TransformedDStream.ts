/**
 * Streams whose batch RDD is any function of their parents' RDDs of the same
 * batch: `transform`, `transformWith`, and `repartition` built on it.
 *
 * Mirrors `org.apache.spark.streaming.dstream.TransformedDStream`.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule } from "@tspark/core"
import { derive } from "../internal/derive.js"
import { InvalidStreamError } from "../StreamingError.js"
import { DStream } from "./DStream.js"

type RDD<T> = RDDModule.RDD<T>

/**
 * Applies an RDD-to-RDD function to every batch (`stream.transform(f)`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.TransformedDStream`.
 *
 * **Example**
 * ```ts
 * const sorted = TransformedDStream.transform(pairs, (rdd) => rdd.sortByKey())
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const transform = <T, U>(parent: DStream<T>, f: (rdd: RDD<T>, time: number) => RDD<U>): DStream<U> =>
  derive(parent, "TransformedDStream", f)

/**
 * Applies a function of two streams' RDDs of the same batch
 * (`a.transformWith(b, f)`); both streams must have the same slide.
 *
 * Mirrors `org.apache.spark.streaming.dstream.TransformedDStream` (two parents).
 *
 * **Example**
 * ```ts
 * const both = TransformedDStream.transformWith(a, b, (x, y) => x.union(y))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const transformWith = <T, U, V>(
  self: DStream<T>,
  other: DStream<U>,
  f: (a: RDD<T>, b: RDD<U>, time: number) => RDD<V>
): DStream<V> => {
  const error = self.slideDurationMs === other.slideDurationMs ? undefined : new InvalidStreamError({
    stream: "TransformedDStream",
    message: `transformWith needs streams with the same slide duration, got ${self.slideDurationMs} and ` +
      `${other.slideDurationMs} ms`
  })
  return new DStream<V>(self.context, {
    name: "TransformedDStream",
    dependencies: [self as DStream<unknown>, other as DStream<unknown>],
    error,
    compute: (time) => {
      const a = self.getOrCompute(time)
      const b = other.getOrCompute(time)
      return a === undefined || b === undefined ? undefined : f(a, b, time)
    }
  })
}

/**
 * Redistributes each batch over `numPartitions` partitions (`stream.repartition(n)`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream.repartition` (a transform).
 *
 * **Example**
 * ```ts
 * const spread = TransformedDStream.repartition(lines, 8)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const repartition = <T>(parent: DStream<T>, numPartitions: number): DStream<T> =>
  derive(parent, "RepartitionedDStream", (rdd) => rdd.repartition(numPartitions))
