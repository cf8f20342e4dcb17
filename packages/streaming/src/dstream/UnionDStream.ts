/**
 * The union of several streams with the same slide, batch by batch.
 *
 * Mirrors `org.apache.spark.streaming.dstream.UnionDStream`.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule } from "@tspark/core"
import type { StreamingContextLike } from "../internal/context.js"
import { failBatch } from "../internal/dstreamMetadata.js"
import { IllegalStateError, InvalidStreamError } from "../StreamingError.js"
import { DStream } from "./DStream.js"

type RDD<T> = RDDModule.RDD<T>

const NAME = "UnionDStream"

/** Spark's `require`s of a UnionDStream: parents, one context, one slide. */
const checkParents = (context: StreamingContextLike, parents: ReadonlyArray<DStream<unknown>>): InvalidStreamError | undefined => {
  const message = parents.length === 0
    ? "List of DStreams to union is empty: pass at least one stream"
    : parents.some((p) => p.context !== context)
    ? "Some of the DStreams have different contexts: unite streams of one StreamingContext"
    : parents.some((p) => p.slideDurationMs !== parents[0]!.slideDurationMs)
    ? `Some of the DStreams have different slide durations (${parents.map((p) => `${p.slideDurationMs} ms`).join(", ")}): ` +
      "they need the same slide duration (window them to one slide first)"
    : undefined
  return message === undefined ? undefined : new InvalidStreamError({ stream: NAME, message })
}

/**
 * The elements of `streams`, batch by batch (`ssc.union(streams)`). No
 * streams, streams of another context or with different slides make `start`
 * fail with `InvalidStreamError`; a stream with no RDD for a batch fails
 * that batch's jobs with `IllegalStateError`, as Spark's "Could not generate
 * RDD from a parent for unifying".
 *
 * Mirrors `new UnionDStream(parents)`.
 *
 * **Example**
 * ```ts
 * const all = UnionDStream.make(ssc, [a, b, c])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <T>(context: StreamingContextLike, streams: ReadonlyArray<DStream<T>>): DStream<T> => {
  const parents = [...streams]
  return new DStream<T>(context, {
    name: NAME,
    dependencies: parents as ReadonlyArray<DStream<unknown>>,
    ...(parents.length === 0 ? { slideDurationMs: context.batchDurationMs } : {}),
    error: checkParents(context, parents as ReadonlyArray<DStream<unknown>>),
    compute: (time) => {
      const rdds: Array<RDD<T>> = parents.map((parent) =>
        parent.getOrCompute(time) ??
          failBatch(new IllegalStateError({ message: `Could not generate RDD from a parent for unifying at time ${time} ms` }))
      )
      return rdds.length === 0 ? undefined : context.sparkContext.union(rdds)
    }
  })
}

/**
 * The elements of `first` and the others, batch by batch (`a.union(b, c)`);
 * see `make`.
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream.union`.
 *
 * **Example**
 * ```ts
 * const all = UnionDStream.union(a, [b, c])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const union = <T>(first: DStream<T>, others: ReadonlyArray<DStream<T>>): DStream<T> => make(first.context, [first, ...others])
