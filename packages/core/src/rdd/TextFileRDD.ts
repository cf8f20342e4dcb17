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
import { ArrayIterator } from "../internal/rdd/iterators.js"
import type { RDDOp } from "../internal/rdd/op.js"
import { type FileSplit, readSplit } from "../internal/rdd/textFile.js"
import type { Partition } from "./Partition.js"

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
  compute: (_rdd, split) => new ArrayIterator(readSplit(path, split as FileSplit))
})
