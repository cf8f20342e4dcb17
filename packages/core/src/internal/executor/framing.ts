// Messages over a byte stream (TCP): each frame is a 4-byte big-endian length
// and the message in V8's structured-clone format (compact binary, never JSON).
// A reader is bounded: a frame announced larger than its maximum is refused
// before any of it is buffered, and bytes that do not deserialize are reported,
// never thrown at the socket's event handler.
import * as v8 from "node:v8"

export const encodeFrame = (message: unknown): Buffer => {
  const body = v8.serialize(message)
  const frame = Buffer.allocUnsafe(4 + body.length)
  frame.writeUInt32BE(body.length, 0)
  body.copy(frame, 4)
  return frame
}

export type FrameResult =
  | { readonly _tag: "Frame"; readonly message: unknown }
  | { readonly _tag: "Incomplete" }
  /** The peer announced a frame larger than the reader's maximum. */
  | { readonly _tag: "TooLarge"; readonly size: number; readonly max: number }
  /** The frame's bytes are not a structured-clone message. */
  | { readonly _tag: "Malformed"; readonly reason: string }

const incomplete: FrameResult = { _tag: "Incomplete" }

/**
 * Accumulates chunks (without copying until a frame is complete) and hands
 * out one message at a time, so the bound can change between frames (it
 * grows once the peer has authenticated).
 */
export class FrameReader {
  private chunks: Array<Buffer> = []
  private buffered = 0

  constructor(public maxFrameBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.buffered += chunk.length
  }

  next(): FrameResult {
    if (this.buffered < 4) return incomplete
    const size = this.peekLength()
    if (size > this.maxFrameBytes) return { _tag: "TooLarge", size, max: this.maxFrameBytes }
    if (this.buffered < 4 + size) return incomplete
    this.take(4)
    const body = this.take(size)
    try {
      return { _tag: "Frame", message: v8.deserialize(body) }
    } catch (error) {
      return { _tag: "Malformed", reason: error instanceof Error ? error.message : String(error) }
    }
  }

  private peekLength(): number {
    const first = this.chunks[0]!
    return first.length >= 4 ? first.readUInt32BE(0) : this.take(4, true).readUInt32BE(0)
  }

  /** Removes (or, with `peek`, copies) the first `n` buffered bytes. */
  private take(n: number, peek = false): Buffer {
    const first = this.chunks[0]!
    if (first.length >= n) {
      if (peek) return first.subarray(0, n)
      this.buffered -= n
      if (first.length === n) this.chunks.shift()
      else this.chunks[0] = first.subarray(n)
      return first.subarray(0, n)
    }
    const out = Buffer.allocUnsafe(n)
    let copied = 0
    for (let i = 0; copied < n; i++) {
      const chunk = peek ? this.chunks[i]! : this.chunks[0]!
      const count = Math.min(n - copied, chunk.length)
      chunk.copy(out, copied, 0, count)
      copied += count
      if (peek) continue
      if (count === chunk.length) this.chunks.shift()
      else this.chunks[0] = chunk.subarray(count)
    }
    if (!peek) this.buffered -= n
    return out
  }
}

type NamedBlocks = ReadonlyArray<readonly [string, Uint8Array]>

/**
 * The blocks of a fetch answer that fit in a frame of `maxBytes` (in order,
 * with room for the envelope), for an answer that would be over the bound:
 * the ones left out count as missing, as when no executor holds them, and
 * are recomputed from lineage.
 */
export const blocksThatFit = (blocks: NamedBlocks, maxBytes: number): NamedBlocks => {
  const out: Array<readonly [string, Uint8Array]> = []
  let total = 1024
  for (const block of blocks) {
    const size = block[1].length + 2 * block[0].length + 64
    if (total + size > maxBytes) continue
    total += size
    out.push(block)
  }
  return out
}
