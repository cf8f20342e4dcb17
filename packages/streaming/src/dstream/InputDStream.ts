/**
 * Input streams: the sources of the graph, with no parent. Each is registered
 * with the graph when built, and may carry a rate controller.
 *
 * Mirrors `org.apache.spark.streaming.dstream.InputDStream`.
 *
 * @since 0.1.0
 */
import type { StreamingContextLike } from "../internal/context.js"
import { DStream, type DStreamKind } from "./DStream.js"

/**
 * Creates an input stream of `kind` and adds it to the context's graph.
 *
 * Mirrors `org.apache.spark.streaming.dstream.InputDStream` (its constructor
 * registers the stream with `ssc.graph`).
 *
 * **Example**
 * ```ts
 * const input = InputDStream.make(ssc, { name: "MyInputDStream", dependencies: [], compute: () => sc.parallelize([1]) })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <T>(ssc: StreamingContextLike, kind: DStreamKind<T>): DStream<T> => {
  const stream = new DStream<T>(ssc, kind)
  ssc.addInputStream(stream as DStream<unknown>)
  return stream
}
