/**
 * Streams whose batch RDD is any function of their parents' RDDs of the same
 * batch: `transform`, `transformWith`, `StreamingContext.transform` over
 * several streams, and `repartition` built on them. Every parent must have an
 * RDD for the batch: one that has none fails the batch's jobs, as in Spark.
 *
 * Mirrors `org.apache.spark.streaming.dstream.TransformedDStream`.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule } from "@tspark/core"
import type { StreamingContextLike } from "../internal/context.js"
import { failBatch } from "../internal/dstreamMetadata.js"
import { IllegalStateError, InvalidStreamError } from "../StreamingError.js"
import type { Time } from "../Time.js"
import { DStream } from "./DStream.js"

type RDD<T> = RDDModule.RDD<T>

/**
 * The RDDs of a tuple of streams: `RDDs<[DStream<A>, DStream<B>]>` is `[RDD<A>, RDD<B>]`.
 *
 * **Example**
 * ```ts
 * const f = (rdds: TransformedDStream.RDDs<[DStream<number>, DStream<string>]>) => rdds[1]
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type RDDs<Streams extends ReadonlyArray<DStream<unknown>>> = {
  -readonly [I in keyof Streams]: Streams[I] extends DStream<infer T> ? RDD<T>
    : never
}

/**
 * The parents of a `TransformedDStream`: streams of any element types.
 *
 * **Example**
 * ```ts
 * const parents: TransformedDStream.Parents = [numbers, words]
 * ```
 *
 * @category models
 * @since 0.1.0
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any element type: a DStream is not covariant in it
export type Parents = ReadonlyArray<DStream<any>>

const NAME = "TransformedDStream"

/** Spark's `require`s of a TransformedDStream: parents, one context, one slide. */
const checkParents = (context: StreamingContextLike, parents: ReadonlyArray<DStream<unknown>>): InvalidStreamError | undefined => {
  const message = parents.length === 0
    ? "List of DStreams to transform is empty: pass at least one stream"
    : parents.some((p) => p.context !== context)
    ? "Some of the DStreams have different contexts: transform streams of one StreamingContext"
    : parents.some((p) => p.slideDurationMs !== parents[0]!.slideDurationMs)
    ? `Some of the DStreams have different slide durations (${parents.map((p) => `${p.slideDurationMs} ms`).join(", ")}): ` +
      "they need the same slide duration (window them to one slide first)"
    : undefined
  return message === undefined ? undefined : new InvalidStreamError({ stream: NAME, message })
}

/**
 * A stream whose RDD of each batch is `f` of its parents' RDDs of that batch
 * (`ssc.transform(streams, f)`). The parents need one context and one slide
 * (else `start` fails with `InvalidStreamError`); a parent with no RDD for a
 * batch, or an `f` that returns none, fails that batch's jobs with
 * `IllegalStateError`.
 *
 * Mirrors `new TransformedDStream(parents, transformFunc)`.
 *
 * **Example**
 * ```ts
 * const joined = TransformedDStream.make(ssc, [numbers, words], ([n, w], time) => n.map(String).union(w))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <const Streams extends Parents, U>(
  context: StreamingContextLike,
  parents: Streams,
  f: (rdds: RDDs<Streams>, time: Time) => RDD<U>
): DStream<U> =>
  new DStream<U>(context, {
    name: NAME,
    dependencies: parents as ReadonlyArray<DStream<unknown>>,
    ...(parents.length === 0 ? { slideDurationMs: context.batchDurationMs } : {}),
    error: checkParents(context, parents),
    compute: (time) => {
      const rdds = parents.map((parent) =>
        parent.getOrCompute(time) ??
          failBatch(new IllegalStateError({ message: `Couldn't generate RDD from parent at time ${time} ms` }))
      )
      const result = f(rdds as RDDs<Streams>, time) as RDD<U> | null | undefined
      return result ?? failBatch(
        new IllegalStateError({
          message: "Transform function must not return null or undefined: return sc.emptyRDD() instead to represent no " +
            "element as the result of the transformation"
        })
      )
    }
  })

/**
 * Applies an RDD-to-RDD function to every batch (`stream.transform(f)`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream.transform` (a `TransformedDStream` of one parent).
 *
 * **Example**
 * ```ts
 * const sorted = TransformedDStream.transform(pairs, (rdd) => rdd.sortByKey())
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const transform = <T, U>(parent: DStream<T>, f: (rdd: RDD<T>, time: Time) => RDD<U>): DStream<U> =>
  make(parent.context, [parent] as const, ([rdd], time) => f(rdd, time))

/**
 * Applies a function of two streams' RDDs of the same batch
 * (`a.transformWith(b, f)`); both streams must have the same slide.
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream.transformWith` (a `TransformedDStream` of two parents).
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
  f: (a: RDD<T>, b: RDD<U>, time: Time) => RDD<V>
): DStream<V> => make(self.context, [self, other] as const, ([a, b], time) => f(a, b, time))

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
  transform(parent, (rdd) => rdd.repartition(numPartitions))
