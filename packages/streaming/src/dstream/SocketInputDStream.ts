/**
 * Records read from a TCP server by a `SocketReceiver` on an executor.
 *
 * Mirrors `org.apache.spark.streaming.dstream.SocketInputDStream`.
 *
 * @since 0.1.0
 */
import type { StorageLevel } from "@tspark/core"
import type { StreamingContextLike } from "../internal/context.js"
import { SocketReceiver, SocketTextReceiver } from "../receiver/SocketReceiver.js"
import { InvalidStreamError } from "../StreamingError.js"
import type { DStream } from "./DStream.js"
import * as ReceiverInputDStream from "./ReceiverInputDStream.js"

/**
 * Turns a connection's bytes into records: chunks in, runs of records out
 * (each yielded array holds the records a chunk completed; Spark's converter
 * is `InputStream => Iterator[T]`). It travels to the executor with the
 * receiver, so it must be shippable: a function that captures nothing, or
 * one built with `Closure.withEnv`.
 *
 * @category models
 * @since 0.1.0
 */
export type Converter<T> = (chunks: AsyncIterable<Uint8Array>) => AsyncIterable<ReadonlyArray<T>>

/** A host and port a receiver can connect to, or the error that says what to change. */
export const checkAddress = (stream: string, host: string, port: number): InvalidStreamError | undefined => {
  if (typeof host !== "string" || host.length === 0) {
    return new InvalidStreamError({ stream, message: `${stream}: host must be a non-empty string, got ${JSON.stringify(host)}` })
  }
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    return new InvalidStreamError({ stream, message: `${stream}: port must be an integer from 1 to 65535, got ${port}` })
  }
  return undefined
}

/**
 * A stream of records read from `host:port`, converted by `converter`.
 *
 * **Example**
 * ```ts
 * const words = SocketInputDStream.make(ssc, "localhost", 9999, lineConverter)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <T>(
  ssc: StreamingContextLike,
  host: string,
  port: number,
  converter: Converter<T>,
  storageLevel?: StorageLevel.StorageLevel
): DStream<T> =>
  ReceiverInputDStream.make(
    ssc,
    new SocketReceiver(host, port, converter, storageLevel),
    "SocketInputDStream",
    checkAddress("SocketInputDStream", host, port)
  )

/**
 * The UTF-8 lines (`\n` or `\r\n`) read from `host:port`: Spark's
 * `socketTextStream`, run by a `SocketTextReceiver` (it stores lines as
 * bytes, decoded when a task reads them).
 *
 * **Example**
 * ```ts
 * const lines = SocketInputDStream.socketTextStream(ssc, "localhost", 9999)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const socketTextStream = (
  ssc: StreamingContextLike,
  host: string,
  port: number,
  storageLevel?: StorageLevel.StorageLevel
): DStream<string> =>
  ReceiverInputDStream.make(
    ssc,
    new SocketTextReceiver(host, port, storageLevel),
    "SocketInputDStream",
    checkAddress("SocketInputDStream", host, port)
  )
