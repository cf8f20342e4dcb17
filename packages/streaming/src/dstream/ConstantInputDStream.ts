/**
 * The same RDD every batch.
 *
 * Mirrors `org.apache.spark.streaming.dstream.ConstantInputDStream`.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule } from "@tspark/core"
import type { StreamingContextLike } from "../internal/context.js"
import type { DStream } from "./DStream.js"
import * as InputDStream from "./InputDStream.js"

/**
 * A stream whose every batch is `rdd`. Each batch reports the RDD's records
 * to the InputInfoTracker (counted once: see `InputInfoTracker`); Spark's
 * reports nothing.
 *
 * Mirrors `org.apache.spark.streaming.dstream.ConstantInputDStream`.
 *
 * **Example**
 * ```ts
 * const ones = ConstantInputDStream.make(ssc, sc.parallelize([1]))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <T>(ssc: StreamingContextLike, rdd: RDDModule.RDD<T>): DStream<T> => {
  const inputStreamId = ssc.newInputStreamId()
  return InputDStream.make(ssc, {
    name: "ConstantInputDStream",
    dependencies: [],
    compute: (time) => {
      ssc.inputInfoTracker.reportRDD(time, inputStreamId, rdd as RDDModule.RDD<unknown>)
      return rdd
    }
  })
}
