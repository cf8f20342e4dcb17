/**
 * An RDD over an external source read by the executors: one partition per
 * input (an offset range of a log, a split of a table), each read by a
 * shippable reader function in the task that computes it. Reads may be
 * asynchronous (a Kafka, Redis or NATS client): the task runner awaits the
 * partition's read before the task starts (the op's `prefetch`), as it
 * fetches remote blocks, and the task then iterates the records fetched.
 *
 * The reader ships with the task: on a master that ships tasks it must be
 * a shippable function (`Closure.fromModule`, or a function capturing
 * nothing but its `withEnv` environment), and each input must be plain data.
 *
 * Mirrors `org.apache.spark.sql.execution.datasources.v2.DataSourceRDD`
 * (input partitions read through a `PartitionReaderFactory`), which Spark's
 * direct Kafka stream's `KafkaRDD` resembles.
 *
 * @since 0.1.0
 */
import { Data } from "effect"
import { CountingIterator } from "../internal/rdd/iterators.js"
import { indexed, type RDDOp } from "../internal/rdd/op.js"

/**
 * Reads one input's records: synchronously (an iterable), or as a promise of
 * them. Runs on the executor computing the input's partition.
 *
 * Mirrors `org.apache.spark.sql.connector.read.PartitionReaderFactory.createReader`.
 *
 * **Example**
 * ```ts
 * const read: DataSourceRDD.PartitionReader<{ from: number; until: number }, number> = ({ from, until }) =>
 *   Array.from({ length: until - from }, (_, i) => from + i)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export type PartitionReader<I, R> = (input: I) => Iterable<R> | PromiseLike<Iterable<R>>

/**
 * A partition's read returned a promise, but the task computing it was not
 * started by a runner that awaits reads first (only ever a bug of a custom
 * runner: the local and executor backends prefetch).
 *
 * Mirrors no Spark error: Spark's readers block their task thread instead.
 *
 * **Example**
 * ```ts
 * const error = new DataSourceRDD.DataSourceReadNotPrefetchedError({ rddId: 4, partition: 1 })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class DataSourceReadNotPrefetchedError extends Data.TaggedError("DataSourceReadNotPrefetchedError")<{
  readonly rddId: number
  readonly partition: number
}> {
  override get message(): string {
    return `partition ${this.partition} of RDD ${this.rddId} is read asynchronously and was not fetched before its ` +
      "task started; run it on a scheduler backend that prefetches task inputs (local[N], local-cluster, local-process)"
  }
}

const isThenable = <A>(value: A | PromiseLike<A>): value is PromiseLike<A> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"

/**
 * Display parameters and placement of a data source RDD: `params` is shown
 * by `toDebugString` and the UI; `locations[i]` are the executors input `i`
 * prefers (`executor_<host>_<id>`), used only on the driver.
 *
 * **Example**
 * ```ts
 * const placement: DataSourceRDD.DataSourcePlacement = { kind: "DirectRDD", params: { source: "kafka:events" } }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface DataSourcePlacement {
  readonly kind?: string
  readonly params?: Readonly<Record<string, unknown>>
  readonly locations?: ReadonlyArray<ReadonlyArray<string>>
}

/**
 * The plan of an RDD reading `inputs` with `read`, one partition per input
 * in the order given. What ships to an executor is `read` and the inputs.
 *
 * Mirrors `new DataSourceRDD(sc, inputPartitions, partitionReaderFactory, ...)`.
 *
 * **Example**
 * ```ts
 * const op = DataSourceRDD.dataSource(read, [{ from: 0, until: 10 }, { from: 10, until: 20 }])
 * const rdd = new RDD(sc, op, [])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const dataSource = <I, R>(
  read: PartitionReader<I, R>,
  inputs: ReadonlyArray<I>,
  placement: DataSourcePlacement = {}
): RDDOp => {
  // Records an asynchronous read fetched before its task, by partition: taken by the task computing the
  // partition, so they are held from the fetch to the task's start only.
  const fetched = new Map<number, Iterable<R>>()
  return {
    factory: "dataSource",
    // Placement is the driver's (preferred locations are not asked for on executors); only what a task needs ships.
    args: [read, inputs],
    kind: placement.kind ?? "DataSourceRDD",
    params: placement.params ?? { inputs: inputs.length },
    getPartitions: () => indexed(inputs.length),
    preferredLocations: (_rdd, split) => placement.locations?.[split.index] ?? [],
    prefetch: (_rdd, split) => {
      const records = read(inputs[split.index]!)
      if (!isThenable(records)) {
        fetched.set(split.index, records)
        return undefined
      }
      return records.then((value) => void fetched.set(split.index, value))
    },
    compute: (rdd, split, ctx) => {
      let records = fetched.get(split.index)
      fetched.delete(split.index)
      if (records === undefined) {
        const now = read(inputs[split.index]!)
        if (isThenable(now)) throw new DataSourceReadNotPrefetchedError({ rddId: rdd.id, partition: split.index })
        records = now
      }
      // Input metrics: a batch read as an array is counted at once, anything else as it is iterated.
      if (Array.isArray(records)) {
        ctx.taskMetrics.recordsRead += records.length
        return records[Symbol.iterator]()
      }
      return new CountingIterator(records[Symbol.iterator](), ctx.taskMetrics)
    }
  }
}
