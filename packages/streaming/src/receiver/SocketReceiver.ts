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
import * as net from "node:net"
import { Receiver } from "./Receiver.js"

/** Sockets live beside the receiver, not in its fields (fields are what ships). */
const sockets = new WeakMap<object, net.Socket>()

/**
 * Turns a socket's chunks into UTF-8 lines, split on `\n` with a trailing
 * `\r` removed; a last line without a newline is kept. Self-contained (it
 * captures nothing), so a receiver holding it can be shipped.
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
export const lineConverter = async function*(chunks: AsyncIterable<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder("utf-8")
  let pending = ""
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true })
    let start = 0
    let end = pending.indexOf("\n", start)
    while (end >= 0) {
      yield pending.charCodeAt(end - 1) === 13 && end > start ? pending.slice(start, end - 1) : pending.slice(start, end)
      start = end + 1
      end = pending.indexOf("\n", start)
    }
    pending = pending.slice(start)
  }
  pending += decoder.decode()
  if (pending.length > 0) yield pending.endsWith("\r") ? pending.slice(0, -1) : pending
}

/**
 * Connects to `host:port` in `onStart` and stores every record the converter
 * makes of the bytes, awaiting each `store` (the socket is not read while a
 * store waits: backpressure reaches the server through TCP). A refused
 * connection, an error or the end of the stream restarts the receiver (after
 * `spark.streaming.receiverRestartDelay`) with a message naming `host:port`;
 * `onStop` destroys the socket.
 *
 * The converter is a field, so it must be shippable: a function that captures
 * nothing, or one built with `Closure.withEnv`.
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
  readonly converter: (chunks: AsyncIterable<Uint8Array>) => AsyncIterable<T>

  constructor(
    host: string,
    port: number,
    converter: (chunks: AsyncIterable<Uint8Array>) => AsyncIterable<T>,
    storageLevel: StorageLevel.StorageLevel = StorageLevel.MEMORY_AND_DISK_SER_2
  ) {
    super(storageLevel)
    this.host = host
    this.port = port
    this.converter = converter
  }

  onStart(): void {
    const socket = net.connect({ host: this.host, port: this.port })
    sockets.set(this, socket)
    void this.receive(socket)
  }

  onStop(): void {
    sockets.get(this)?.destroy()
    sockets.delete(this)
  }

  /** Whether `socket` is still this receiver's live connection (a restart replaces it). */
  private isCurrent(socket: net.Socket): boolean {
    return sockets.get(this) === socket && !this.isStopped()
  }

  private async receive(socket: net.Socket): Promise<void> {
    const where = `${this.host}:${this.port}`
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve)
        socket.once("error", reject)
      })
    } catch (error) {
      if (this.isCurrent(socket)) this.restart(`Error connecting to ${where}`, error)
      return
    }
    try {
      for await (const record of this.converter(socket)) {
        if (!this.isCurrent(socket)) return
        await this.storeRecord(record)
      }
      if (this.isCurrent(socket)) this.restart(`Socket data stream from ${where} had no more data`)
    } catch (error) {
      if (this.isCurrent(socket)) this.restart(`Error receiving data from ${where}`, error)
    } finally {
      socket.destroy()
    }
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
): SocketReceiver<string> => new SocketReceiver(host, port, lineConverter, storageLevel)
