/**
 * The union of several streams with the same slide, batch by batch.
 *
 * Mirrors `org.apache.spark.streaming.dstream.UnionDStream`.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule } from "@tspark/core"
import { InvalidStreamError } from "../StreamingError.js"
import { DStream } from "./DStream.js"

type RDD<T> = RDDModule.RDD<T>

/**
 * The elements of `first` and the others, batch by batch (`a.union(b, c)`).
 * Streams with different slides make `start` fail.
 *
 * Mirrors `org.apache.spark.streaming.dstream.UnionDStream`.
 *
 * **Example**
 * ```ts
 * const all = UnionDStream.union(a, [b, c])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const union = <T>(first: DStream<T>, others: ReadonlyArray<DStream<T>>): DStream<T> => {
  const all = [first, ...others]
  const mismatch = all.find((s) => s.slideDurationMs !== first.slideDurationMs)
  return new DStream<T>(first.context, {
    name: "UnionDStream",
    dependencies: all as ReadonlyArray<DStream<unknown>>,
    error: mismatch === undefined ? undefined : new InvalidStreamError({
      stream: "UnionDStream",
      message: `union needs streams with the same slide duration, got ${first.slideDurationMs} and ` +
        `${mismatch.slideDurationMs} ms`
    }),
    compute: (time) => {
      const rdds = all.map((s) => s.getOrCompute(time)).filter((r): r is RDD<T> => r !== undefined)
      return rdds.length === 0 ? undefined : first.context.sparkContext.union(rdds)
    }
  })
}
