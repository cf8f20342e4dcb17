/**
 * The RDD of `sc.textFile`: the lines of a local file, one partition per byte
 * range (split), each reading the lines that start inside it.
 *
 * Spark reads text files through Hadoop's `TextInputFormat` in a `HadoopRDD`
 * of `(offset, line)` pairs and maps it to the lines. tspark has no Hadoop
 * input formats: this RDD reads lines of a local file directly (the split
 * logic of Hadoop's `LineRecordReader`), so it is named for what it does,
 * `TextFileRDD`, rather than for an API it does not offer.
 *
 * Mirrors `org.apache.spark.rdd.HadoopRDD` with `TextInputFormat`.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import type { RDDOp } from "../internal/rdd/op.js"
import { type FileSplit, planSplits, SplitLineReader } from "../internal/rdd/textFile.js"
import { InvalidArgumentError } from "../SparkError.js"
import { empty } from "./EmptyRDD.js"
import type { Partition } from "./Partition.js"
import { RDD, type RDDContext } from "./RDD.js"

/**
 * A byte range of the file: the partition owns every line starting in
 * `(start, end]` (the first split also owns the line at 0).
 *
 * Mirrors Hadoop's `FileSplit` wrapped in `HadoopPartition`.
 *
 * **Example**
 * ```ts
 * const split: TextFileRDD.TextFilePartition = { index: 0, start: 0, end: 1024 }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface TextFilePartition extends Partition {
  readonly start: number
  readonly end: number
}

/**
 * The plan of a text file read in the given splits.
 *
 * Mirrors `new HadoopRDD(sc, conf, classOf[TextInputFormat], ...)`.
 *
 * **Example**
 * ```ts
 * const op = TextFileRDD.textFile("/data/words.txt", [{ index: 0, start: 0, end: 2048 }])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const textFile = (path: string, splits: ReadonlyArray<TextFilePartition>): RDDOp => ({
  factory: "textFile",
  args: [path, splits],
  kind: "TextFileRDD",
  params: { path, splits },
  getPartitions: () => splits,
  compute: (_rdd, split, ctx) => {
    // Input metrics, as Spark's HadoopRDD counts them: the split's bytes, and each line as it is read.
    ctx.taskMetrics.incRecordsRead(0, (split as FileSplit).end - (split as FileSplit).start)
    const reader = new SplitLineReader(path, split as FileSplit, ctx.taskMetrics)
    // A task that stops early (take, an error) still closes the file.
    ctx.addTaskCompletionListener(() => reader.close())
    return reader
  }
})

/**
 * The lines of a local text file, split into partitions by byte ranges on
 * line boundaries (at least `minPartitions`, at most 32 MiB each), named after
 * the file. A file that cannot be read, or an invalid `minPartitions`, does
 * not throw: the RDD's first action fails with `InvalidArgumentError`.
 *
 * Mirrors `SparkContext.textFile`.
 *
 * **Example**
 * ```ts
 * const lines = TextFileRDD.make(sc, "data/input.txt", 2)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (context: RDDContext, file: string, minPartitions: number): RDD<string> => {
  let size: number
  try {
    size = fs.statSync(file).size
  } catch (cause) {
    return new RDD<string>(
      context,
      empty,
      [],
      new InvalidArgumentError({
        method: "textFile",
        message: `Input path does not exist or cannot be read: ${file} (${(cause as Error).message})`
      })
    )
  }
  const error = Number.isInteger(minPartitions) && minPartitions > 0 ? undefined : new InvalidArgumentError({
    method: "textFile",
    message: `minPartitions must be a positive integer, got ${minPartitions}`
  })
  const op = textFile(path.resolve(file), planSplits(size, error ? 1 : minPartitions))
  return new RDD<string>(context, op, [], error).setName(file)
}
