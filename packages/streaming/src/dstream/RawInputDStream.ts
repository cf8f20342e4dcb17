/**
 * Blocks of serialized records read from a TCP server: each frame is a
 * 4-byte big-endian length then that many bytes, stored as one block
 * without being split into records on the way (Spark's fast path for data
 * already serialized by the sender).
 *
 * Mirrors `org.apache.spark.streaming.dstream.RawInputDStream`.
 *
 * @since 0.1.0
 */
import type { StorageLevel } from "@tspark/core"
import type { StreamingContextLike } from "../internal/context.js"
import { RawNetworkReceiver } from "../receiver/RawNetworkReceiver.js"
import type { Receiver } from "../receiver/Receiver.js"
import type { DStream } from "./DStream.js"
import * as ReceiverInputDStream from "./ReceiverInputDStream.js"
import { checkAddress } from "./SocketInputDStream.js"

/**
 * A stream of the records in the serialized blocks sent by `host:port`.
 *
 * **Example**
 * ```ts
 * const events = RawInputDStream.make<Event>(ssc, "localhost", 9999)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <T>(
  ssc: StreamingContextLike,
  host: string,
  port: number,
  storageLevel?: StorageLevel.StorageLevel
): DStream<T> =>
  ReceiverInputDStream.make(
    ssc,
    new RawNetworkReceiver(host, port, storageLevel) as Receiver<unknown> as Receiver<T>,
    "RawInputDStream",
    checkAddress("RawInputDStream", host, port)
  )
