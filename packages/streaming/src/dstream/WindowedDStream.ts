/**
 * Sliding windows over a stream: each RDD holds the elements of the last
 * `window` of time, every `slide`; and the window reductions built on them.
 *
 * Mirrors `org.apache.spark.streaming.dstream.WindowedDStream`.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule } from "@tspark/core"
import type { Duration } from "effect"
import { resolveWindow } from "../internal/durations.js"
import { DStream } from "./DStream.js"

type Pair<K, V> = RDDModule.Pair<K, V>

/**
 * Each RDD holds the elements of the last `window` of time, every `slide`
 * (default: the parent's slide). Both must be multiples of the parent's slide.
 *
 * Mirrors `org.apache.spark.streaming.dstream.WindowedDStream`.
 *
 * **Example**
 * ```ts
 * const lastMinute = WindowedDStream.window(events, "1 minute", "10 seconds")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const window = <T>(parent: DStream<T>, window: Duration.Input, slide?: Duration.Input): DStream<T> => {
  const parentSlide = parent.slideDurationMs
  const { error, s, w } = resolveWindow("WindowedDStream", window, slide, parentSlide)
  if (error === undefined) parent.persist()
  return new DStream<T>(parent.context, {
    name: "WindowedDStream",
    dependencies: [parent as DStream<unknown>],
    slideDurationMs: s,
    error,
    parentRememberDurationMs: (remember) => remember + w,
    compute: (time) => {
      const rdds = parent.sliceRDDs(time - w + parentSlide, time)
      return parent.context.sparkContext.union(rdds)
    }
  })
}

/**
 * Reduces the elements of each window; with `invF`, incrementally (batches
 * entering are added with `f`, batches leaving removed with `invF`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream.reduceByWindow`.
 *
 * **Example**
 * ```ts
 * const sums = WindowedDStream.reduceByWindow(numbers, (a, b) => a + b, undefined, "30 seconds", "10 seconds")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const reduceByWindow = <T>(
  parent: DStream<T>,
  f: (a: T, b: T) => T,
  invF: ((a: T, b: T) => T) | undefined,
  window: Duration.Input,
  slide: Duration.Input | undefined
): DStream<T> => {
  if (invF !== undefined) {
    return parent.map((x) => [0, x] as Pair<number, T>)
      .reduceByKeyAndWindow(f as never, invF as never, window, slide, 1)
      .map((kv) => kv[1] as T)
  }
  return parent.reduce(f).window(window, slide).reduce(f)
}

/**
 * The number of elements in each window.
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream.countByWindow`.
 *
 * **Example**
 * ```ts
 * const counts = WindowedDStream.countByWindow(events, "30 seconds", "10 seconds")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const countByWindow = <T>(parent: DStream<T>, window: Duration.Input, slide: Duration.Input): DStream<number> =>
  parent.map(() => 1).reduceByWindow((x, y) => x + y, (x, y) => x - y, window, slide)

/**
 * How many times each distinct element occurs in each window (keys whose
 * count falls to zero are dropped).
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream.countByValueAndWindow`.
 *
 * **Example**
 * ```ts
 * const counts = WindowedDStream.countByValueAndWindow(words, "30 seconds", "10 seconds")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const countByValueAndWindow = <T>(
  parent: DStream<T>,
  window: Duration.Input,
  slide: Duration.Input,
  numPartitions?: number
): DStream<[T, number]> =>
  parent.map((x) => [x, 1] as const).reduceByKeyAndWindow(
    (x, y) => x + y,
    (x, y) => x - y,
    window,
    slide,
    numPartitions,
    (kv) => kv[1] !== 0
  )
