/**
 * A receiver of pre-serialized blocks over TCP, for sources that batch
 * records themselves: each frame becomes a block as it is.
 *
 * Mirrors `org.apache.spark.streaming.dstream.RawNetworkReceiver`.
 *
 * @since 0.1.0
 */
import { StorageLevel } from "@tspark/core"
import { connectAndRead, disconnect } from "../internal/socketReading.js"
import { Receiver } from "./Receiver.js"

/** The largest frame accepted (256 MiB); a larger length means a peer speaking another format. */
const MAX_FRAME_BYTES = 256 * 1024 * 1024

/**
 * Connects to `host:port` and reads frames: a 4-byte big-endian length, then
 * that many bytes holding `v8.serialize(records)` (an array of records, the
 * BlockManager's block format). Each frame is stored as one block at once
 * (`storeBytes`: stored, then acknowledged by the driver, before the next
 * frame is read); its record count is not known to the driver (not opened).
 * A frame that does not start with V8's serialization header, or is longer than
 * 256 MiB, restarts the receiver with an error, as do a refused connection and
 * the end of the stream.
 *
 * Mirrors `org.apache.spark.streaming.dstream.RawNetworkReceiver` (`rawSocketStream`).
 *
 * **Example**
 * ```ts
 * // server side: const body = v8.serialize(records); socket.write(Buffer.concat([u32be(body.length), body]))
 * const receiver = new RawNetworkReceiver("localhost", 9999, StorageLevel.MEMORY_AND_DISK_SER_2)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class RawNetworkReceiver extends Receiver<unknown> {
  static readonly module: string = "@tspark/streaming/receiver"

  readonly host: string
  readonly port: number

  constructor(host: string, port: number, storageLevel: StorageLevel.StorageLevel = StorageLevel.MEMORY_AND_DISK_SER_2) {
    super(storageLevel)
    this.host = host
    this.port = port
  }

  onStart(): void {
    connectAndRead(this, this.host, this.port, async (socket, isCurrent) => {
      let pending: Buffer = Buffer.alloc(0)
      for await (const chunk of socket as AsyncIterable<Buffer>) {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
        while (pending.length >= 4) {
          const length = pending.readUInt32BE(0)
          if (length > MAX_FRAME_BYTES) throw new Error(`a frame of ${length} bytes is over the limit of ${MAX_FRAME_BYTES}`)
          if (pending.length < 4 + length) break
          const frame = pending.subarray(4, 4 + length)
          pending = pending.subarray(4 + length)
          if (frame[0] !== 0xff) {
            throw new Error(`a frame is not v8.serialize(records) (it does not start with V8's header byte 0xff)`)
          }
          if (!isCurrent()) return
          await this.storeBytes(frame)
        }
      }
    })
  }

  onStop(): void {
    disconnect(this)
  }
}
