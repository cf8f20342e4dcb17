// Messages over a byte stream (TCP): each frame is a 4-byte big-endian length
// and the message in V8's structured-clone format (compact binary, never JSON).
import * as v8 from "node:v8"

export const encodeFrame = (message: unknown): Buffer => {
  const body = v8.serialize(message)
  const frame = Buffer.allocUnsafe(4 + body.length)
  frame.writeUInt32BE(body.length, 0)
  body.copy(frame, 4)
  return frame
}

/** Accumulates chunks and returns every complete message, in order. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0)

  push(chunk: Buffer): Array<unknown> {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    const messages: Array<unknown> = []
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32BE(0)
      if (this.buffer.length < 4 + length) break
      messages.push(v8.deserialize(this.buffer.subarray(4, 4 + length)))
      this.buffer = this.buffer.subarray(4 + length)
    }
    return messages
  }
}
