// How SocketTextReceiver reads: the socket reads straight into large
// buffers (slabs) of its own, each read's whole lines go to the block
// generator as views of the slab, and the lines of a block, lying one after
// another in a slab, become its LineBlock without a copy. The only copy of a
// byte is the kernel's read into the slab; a partial line is copied once,
// when a slab is full and the next one starts.
import type * as net from "node:net"
import type { Receiver } from "../receiver/Receiver.js"
import { supervisorOf } from "./receiverState.js"
import { connectAndRead, isCurrentSocket } from "./socketReading.js"

const NEWLINE = 0x0a
/**
 * A slab holds several blocks at full speed (a block that spans two slabs is
 * copied); it is virtual memory until written, and stays alive until the last
 * block in it is removed. Below glibc's 32 MiB mmap threshold, freed slabs'
 * memory is reused: 32 MiB slabs cost 4x the page faults (measured).
 */
const SLAB_BYTES = 24 << 20
/** The room a read gets (libuv reads up to 64 KiB at a time). */
const READ_BYTES = 64 << 10

/** The slab being filled: [1, start) is stored, [start, end) a partial line, [end, length) free. */
export class LineSlabs {
  private slab = LineSlabs.allocate(SLAB_BYTES)
  private start = 1
  private end = 1

  // A slab starts with a newline, so that a line block (which starts with one) can be a view of it.
  private static allocate(bytes: number): Buffer {
    const slab = Buffer.allocUnsafeSlow(bytes)
    slab[0] = NEWLINE
    return slab
  }

  /** Where the next read goes: the slab's free room, or a new slab that starts with the partial line. */
  room(): Buffer {
    if (this.slab.length - this.end < READ_BYTES) {
      const partial = this.end - this.start
      // A line longer than a slab doubles the next one, so that it is copied O(log n) times, not once a read.
      const next = LineSlabs.allocate(Math.max(SLAB_BYTES, 1 + 2 * partial + READ_BYTES))
      this.slab.copy(next, 1, this.start, this.end)
      this.slab = next
      this.start = 1
      this.end = 1 + partial
    }
    return this.slab.subarray(this.end)
  }

  /** `n` bytes were read into `room()`: the lines they complete, or `undefined` when they complete none. */
  filled(n: number): Buffer | undefined {
    this.end += n
    const last = this.slab.lastIndexOf(NEWLINE, this.end - 1)
    if (last < this.start) return undefined
    const lines = this.slab.subarray(this.start, last + 1)
    this.start = last + 1
    return lines
  }

  /** The partial line left at the end of the stream, ended with a newline (a last line without one is a line). */
  rest(): Buffer | undefined {
    if (this.end === this.start) return undefined
    return Buffer.concat([this.slab.subarray(this.start, this.end), Buffer.from([NEWLINE])])
  }
}

/** Connects `receiver` to `host:port` and stores the lines it reads (call from `onStart`). */
export const readLines = (receiver: Receiver<string>, host: string, port: number): void => {
  const slabs = new LineSlabs()
  let socket: net.Socket | undefined = undefined
  let fail: (error: unknown) => void = () => {}
  const asUnknown = receiver as Receiver<unknown>

  // Whether reading may go on now; when the store has to wait (rate limit, full queue), reading pauses until it is done.
  const store = (lines: Buffer): boolean => {
    const supervisor = supervisorOf(receiver)
    const pending = supervisor === undefined ? receiver.storeLines(lines) : supervisor.pushLines(lines)
    if (pending === undefined) return true
    pending.then(() => {
      if (socket !== undefined && isCurrentSocket(asUnknown, socket)) socket.resume()
    }, fail)
    return false
  }

  socket = connectAndRead(asUnknown, host, port, (connected) =>
    new Promise<void>((resolve, reject) => {
      fail = reject
      connected.once("error", reject)
      // Destroyed by onStop or a restart: nothing more to read.
      connected.once("close", () => resolve())
      connected.once("end", () => {
        const rest = slabs.rest()
        if (rest === undefined || !isCurrentSocket(asUnknown, connected)) return resolve()
        receiver.storeLines(rest).then(resolve, reject)
      })
    }), {
    buffer: () => slabs.room(),
    callback: (n) => {
      if (socket === undefined || !isCurrentSocket(asUnknown, socket)) return false
      const lines = slabs.filled(n)
      return lines === undefined || store(lines)
    }
  })
}
