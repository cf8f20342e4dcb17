/**
 * A stream of the RDDs pushed onto an array, one per batch.
 *
 * Mirrors `org.apache.spark.streaming.dstream.QueueInputDStream`.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule } from "@tspark/core"
import type { StreamingContextLike } from "../internal/context.js"
import { setRecovery } from "../internal/streamRecovery.js"
import type { DStream } from "./DStream.js"
import * as InputDStream from "./InputDStream.js"

type RDD<T> = RDDModule.RDD<T>

/**
 * A queue stream: each batch takes the next RDD from `queue` (or all of them
 * when `oneAtATime` is false); an empty queue gives `defaultRDD`, or an empty RDD.
 * Each batch reports the records of its RDD to the InputInfoTracker (known on
 * the driver for parallelized RDDs, else counted by a job: see
 * `InputInfoTracker`); Spark's reports nothing.
 *
 * Mirrors `org.apache.spark.streaming.dstream.QueueInputDStream`.
 *
 * **Example**
 * ```ts
 * const queue: Array<RDD.RDD<number>> = []
 * const stream = QueueInputDStream.make(ssc, queue, true, undefined)
 * queue.push(sc.parallelize([1, 2, 3]))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <T>(
  ssc: StreamingContextLike,
  queue: Array<RDD<T>>,
  oneAtATime: boolean,
  defaultRDD: RDD<T> | undefined
): DStream<T> => {
  const sc = ssc.sparkContext
  const inputStreamId = ssc.newInputStreamId()
  const next = (): RDD<T> => {
    if (queue.length > 0) {
      if (oneAtATime) return queue.shift()!
      return sc.union(queue.splice(0, queue.length))
    }
    return defaultRDD ?? sc.emptyRDD<T>()
  }
  const stream = InputDStream.make(ssc, {
    name: "QueueInputDStream",
    dependencies: [],
    compute: (time) => {
      const rdd = next()
      ssc.inputInfoTracker.reportRDD(time, inputStreamId, rdd as RDD<unknown>)
      return rdd
    }
  })
  // Spark refuses queueStream with checkpointing for the same reason.
  setRecovery(stream as DStream<unknown>, {
    _tag: "Unrecoverable",
    reason: "a queue stream's RDDs live only in the driver's memory; use a file or receiver stream to recover"
  })
  return stream
}
