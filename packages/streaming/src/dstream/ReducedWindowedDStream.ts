/**
 * `reduceByKeyAndWindow` with an inverse function: each window's RDD is the
 * previous window's, minus the batches that left (`invF`), plus the batches
 * that entered (`f`). Stateful: its lineage grows every window, so it must be
 * checkpointed.
 *
 * Mirrors `org.apache.spark.streaming.dstream.ReducedWindowedDStream`.
 *
 * @since 0.1.0
 */
import { Closure, type RDD as RDDModule } from "@tspark/core"
import type { Duration } from "effect"
import { resolvePartitioner } from "../internal/derive.js"
import { resolveWindow } from "../internal/durations.js"
import { DStream } from "./DStream.js"

type RDD<T> = RDDModule.RDD<T>
type Pair<K, V> = RDDModule.Pair<K, V>
type Widen<V> = RDDModule.Widen<V>
const withEnv = Closure.withEnv

/**
 * The incrementally reduced window of a key-value stream
 * (`pairs.reduceByKeyAndWindow(f, invF, window, slide)`); `filter` drops keys
 * after each window (for example those whose count fell to zero).
 *
 * Mirrors `org.apache.spark.streaming.dstream.ReducedWindowedDStream`.
 *
 * **Example**
 * ```ts
 * const counts = ReducedWindowedDStream.make(pairs, (a, b) => a + b, (a, b) => a - b, "30 seconds", "10 seconds")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <K, V>(
  parent: DStream<Pair<K, V>>,
  f: (a: Widen<V>, b: Widen<V>) => Widen<V>,
  invF: (a: Widen<V>, b: Widen<V>) => Widen<V>,
  window: Duration.Input,
  slide: Duration.Input | undefined,
  partitions: RDDModule.PartitionSpec,
  filter?: ((kv: Pair<K, Widen<V>>) => boolean) | undefined
): DStream<[K, Widen<V>]> => {
  const sc = parent.context.sparkContext
  const reduced = parent.reduceByKey(f, partitions).persist()
  const parentSlide = parent.slideDurationMs
  const { error, s, w } = resolveWindow("ReducedWindowedDStream", window, slide, parentSlide)
  const partitioner = resolvePartitioner(partitions, sc.defaultParallelism)
  return new DStream<[K, Widen<V>]>(parent.context, {
    name: "ReducedWindowedDStream",
    dependencies: [reduced as DStream<unknown>],
    slideDurationMs: s,
    error,
    mustCheckpoint: true,
    parentRememberDurationMs: (remember) => remember + w,
    compute: (time, self) => {
      const currentStart = time - w
      const previousTime = time - s
      const previousStart = previousTime - w
      // Batches that left the window: (previousStart, currentStart]; entered: (previousTime, time].
      const oldRDDs = reduced.sliceRDDs(previousStart + parentSlide, currentStart)
      const newRDDs = reduced.sliceRDDs(previousTime + parentSlide, time)
      // Before the first window there is no previous one: start from nothing.
      const previousWindow = self.getOrCompute(previousTime) ?? sc.emptyRDD<[K, Widen<V>]>()
      const all = [previousWindow, ...oldRDDs, ...newRDDs] as Array<RDD<Pair<K, Widen<V>>>>
      const numOld = oldRDDs.length
      const tagged = all.map((rdd, i) => rdd.mapValues(withEnv({ i }, ({ i }) => (v: Widen<V>) => [i, v] as const)))
      const grouped = sc.union(tagged).groupByKey(partitioner)
      const merged = grouped.flatMap(
        withEnv({ numOld, f, invF }, ({ numOld, f, invF }) => ([key, tags]: [K, Array<readonly [number, Widen<V>]>]) => {
          let previous: Widen<V> | undefined
          const olds: Array<Widen<V>> = []
          const news: Array<Widen<V>> = []
          for (const [i, v] of tags) {
            if (i === 0) previous = v
            else if (i <= numOld) olds.push(v)
            else news.push(v)
          }
          let value = previous
          if (olds.length > 0) {
            if (value === undefined) {
              throw new Error(
                `Neither previous window has value for key ${String(key)}, nor new values found; ` +
                  "is the inverse function consistent with the reduce function?"
              )
            }
            value = olds.reduce(invF, value)
          }
          if (news.length > 0) {
            const added = news.reduce(f)
            value = value === undefined ? added : f(value, added)
          }
          return value === undefined ? [] : [[key, value] as [K, Widen<V>]]
        })
      )
      return filter === undefined ? merged : merged.filter(filter)
    }
  })
}
