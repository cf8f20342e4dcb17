/**
 * A receiver that connects to a TCP server and turns the bytes it reads into
 * records with a converter; `lineConverter` makes it Spark's
 * `socketTextStream` (UTF-8 lines).
 *
 * Mirrors `org.apache.spark.streaming.dstream.SocketReceiver`.
 *
 * @since 0.1.0
 */
import { StorageLevel } from "@tspark/core"
import { readLines } from "../internal/lineReading.js"
import { connectAndRead, disconnect } from "../internal/socketReading.js"
import { Receiver } from "./Receiver.js"

/**
 * Turns a socket's chunks into UTF-8 lines, split on `\n` with a trailing
 * `\r` removed; a last line without a newline is kept. It yields the lines
 * each chunk completes, as one array (a run), so the receiver stores a
 * chunk's lines with one step. Self-contained (it captures nothing), so a
 * receiver holding it can be shipped.
 *
 * Mirrors `SocketReceiver.bytesToLines`.
 *
 * **Example**
 * ```ts
 * const receiver = new SocketReceiver("localhost", 9999, lineConverter)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const lineConverter = async function*(chunks: AsyncIterable<Uint8Array>): AsyncIterable<ReadonlyArray<string>> {
  // Buffer's UTF-8 decoding is the fastest in Node; a character split across chunks waits for the next chunk.
  let carry: Buffer | undefined
  let pending = ""
  for await (const chunk of chunks) {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    if (carry !== undefined) bytes = Buffer.concat([carry, bytes])
    // The end of the last complete character: back over continuation bytes to a lead byte that has all its bytes.
    let end = bytes.length
    let lead = end - 1
    while (lead > 0 && end - lead < 4 && (bytes[lead]! & 0xc0) === 0x80) lead--
    const first = bytes[lead] ?? 0
    const width = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1
    if (lead >= 0 && end - lead < width) end = lead
    carry = end < bytes.length ? Buffer.from(bytes.subarray(end)) : undefined
    pending += bytes.toString("utf8", 0, end)
    const lines: Array<string> = []
    let start = 0
    let newline = pending.indexOf("\n", start)
    while (newline >= 0) {
      lines.push(
        pending.charCodeAt(newline - 1) === 13 && newline > start ? pending.slice(start, newline - 1) : pending.slice(start, newline)
      )
      start = newline + 1
      newline = pending.indexOf("\n", start)
    }
    pending = pending.slice(start)
    if (lines.length > 0) yield lines
  }
  if (carry !== undefined) pending += carry.toString("utf8")
  if (pending.length > 0) yield [pending.endsWith("\r") ? pending.slice(0, -1) : pending]
}

/**
 * Connects to `host:port` in `onStart` and stores every record the converter
 * makes of the bytes, a run at a time (`storeMany`), awaiting each store
 * (the socket is not read while a store waits for the rate limiter:
 * backpressure reaches the server through TCP). A refused
 * connection, an error or the end of the stream restarts the receiver (after
 * `spark.streaming.receiverRestartDelay`) with a message naming `host:port`;
 * `onStop` destroys the socket.
 *
 * The converter (Spark's `InputStream => Iterator[T]`, here chunks in, runs
 * of records out: each yielded array holds the records a chunk completed) is
 * a field, so it must be shippable: a function that captures nothing, or one
 * built with `Closure.withEnv`.
 *
 * Mirrors `org.apache.spark.streaming.dstream.SocketReceiver`.
 *
 * **Example**
 * ```ts
 * const receiver = new SocketReceiver("localhost", 9999, lineConverter, StorageLevel.MEMORY_AND_DISK_SER_2)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class SocketReceiver<T> extends Receiver<T> {
  static readonly module: string = "@tspark/streaming/receiver"

  readonly host: string
  readonly port: number
  readonly converter: (chunks: AsyncIterable<Uint8Array>) => AsyncIterable<ReadonlyArray<T>>

  constructor(
    host: string,
    port: number,
    converter: (chunks: AsyncIterable<Uint8Array>) => AsyncIterable<ReadonlyArray<T>>,
    storageLevel: StorageLevel.StorageLevel = StorageLevel.MEMORY_AND_DISK_SER_2
  ) {
    super(storageLevel)
    this.host = host
    this.port = port
    this.converter = converter
  }

  onStart(): void {
    connectAndRead(this as Receiver<unknown>, this.host, this.port, async (socket, isCurrent) => {
      for await (const records of this.converter(socket)) {
        if (!isCurrent()) return
        await this.storeMany(records)
      }
    })
  }

  onStop(): void {
    disconnect(this as Receiver<unknown>)
  }
}

/**
 * A receiver of UTF-8 lines from `host:port`: what `socketTextStream` runs.
 * It reads the lines `lineConverter` would make (split on `\n`, a trailing
 * `\r` removed, a last line without a newline kept), but the socket reads
 * into the receiver's own large buffers and each read's whole lines are
 * stored as bytes (`storeLines`), so a block is a view of what was read:
 * nothing is copied or decoded until a task reads the block, in one pass.
 * A partial line waits for the read that ends it. While a store waits (rate
 * limit, full block queue) the socket is not read: backpressure reaches the
 * server through TCP. Blocks keep their 24 MiB read buffer alive until the
 * last of them is removed.
 *
 * Mirrors `SocketReceiver` with `SocketReceiver.bytesToLines`, Spark's
 * `socketTextStream`.
 *
 * **Example**
 * ```ts
 * const lines = ssc.receiverStream(new SocketTextReceiver("localhost", 9999))
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class SocketTextReceiver extends Receiver<string> {
  static readonly module: string = "@tspark/streaming/receiver"

  readonly host: string
  readonly port: number

  constructor(host: string, port: number, storageLevel: StorageLevel.StorageLevel = StorageLevel.MEMORY_AND_DISK_SER_2) {
    super(storageLevel)
    this.host = host
    this.port = port
  }

  onStart(): void {
    readLines(this, this.host, this.port)
  }

  onStop(): void {
    disconnect(this as Receiver<unknown>)
  }
}

/**
 * A receiver of UTF-8 lines from `host:port`: what `socketTextStream` runs.
 *
 * Mirrors `StreamingContext.socketTextStream`'s receiver.
 *
 * **Example**
 * ```ts
 * const receiver = socketTextReceiver("localhost", 9999)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const socketTextReceiver = (
  host: string,
  port: number,
  storageLevel: StorageLevel.StorageLevel = StorageLevel.MEMORY_AND_DISK_SER_2
): SocketTextReceiver => new SocketTextReceiver(host, port, storageLevel)
