/**
 * Output operations: a stream that turns each batch's RDD into a job, and
 * `print` and `saveAsTextFiles` built on it.
 *
 * Mirrors `org.apache.spark.streaming.dstream.ForEachDStream`.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule } from "@tspark/core"
import { Console, Effect } from "effect"
import { DStream } from "./DStream.js"

type RDD<T> = RDDModule.RDD<T>

/**
 * Registers an output operation that runs `f` on every batch's RDD, on the
 * driver (actions inside run jobs). `f` may return an Effect, which the job
 * waits for (`stream.foreachRDD(f)`).
 *
 * Mirrors `org.apache.spark.streaming.dstream.ForEachDStream`.
 *
 * **Example**
 * ```ts
 * ForEachDStream.foreachRDD(counts, (rdd) => rdd.collect())
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const foreachRDD = <T>(
  parent: DStream<T>,
  f: (rdd: RDD<T>, time: number) => Effect.Effect<unknown, unknown> | void
): void => {
  const output = new DStream<never>(parent.context, {
    name: "ForEachDStream",
    dependencies: [parent as DStream<unknown>],
    compute: () => undefined,
    output: (rdd, time) =>
      Effect.suspend(() => {
        const result = f(rdd as RDD<T>, time)
        return Effect.isEffect(result) ? Effect.asVoid(result) : Effect.void
      })
  })
  parent.context.registerOutputStream(output as unknown as DStream<unknown>)
}

/**
 * Prints the first `num` elements of every batch after a header with the
 * batch time, as Spark's `print()`.
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream.print`.
 *
 * **Example**
 * ```ts
 * ForEachDStream.print(counts, 5)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const print = <T>(parent: DStream<T>, num = 10): void =>
  foreachRDD(parent, (rdd, time) =>
    Effect.gen(function*() {
      const first = yield* rdd.take(num + 1)
      const lines = ["-------------------------------------------", `Time: ${time} ms`, "-------------------------------------------"]
      for (const x of first.slice(0, num)) lines.push(formatElement(x))
      if (first.length > num) lines.push("...")
      lines.push("")
      yield* Console.log(lines.join("\n"))
    }))

/**
 * Saves every batch as text files in `prefix-TIME_IN_MS[.suffix]`.
 *
 * Mirrors `org.apache.spark.streaming.dstream.DStream.saveAsTextFiles`.
 *
 * **Example**
 * ```ts
 * ForEachDStream.saveAsTextFiles(counts, "/tmp/out/counts", "txt")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const saveAsTextFiles = <T>(parent: DStream<T>, prefix: string, suffix?: string): void =>
  foreachRDD(parent, (rdd, time) => rdd.saveAsTextFile(suffix === undefined ? `${prefix}-${time}` : `${prefix}-${time}.${suffix}`))

const formatElement = (x: unknown): string =>
  Array.isArray(x) ? `(${x.map(formatElement).join(",")})` : typeof x === "string" ? x : String(x)
