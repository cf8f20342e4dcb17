// Splitting a local text file into partitions by byte ranges on line
// boundaries, as Hadoop's LineRecordReader does: a split owns every line that
// starts inside (start, end] (the first split also owns the line at 0), so a
// line is read by exactly one split wherever the boundaries fall.
import * as fs from "node:fs"
import type { Partition } from "../../rdd/Partition.js"
import type { Drainable } from "./iterators.js"

export interface FileSplit extends Partition {
  readonly start: number
  readonly end: number
}

/** Splits no larger than this (Hadoop's local block size), at least `minPartitions`. */
const MAX_SPLIT_BYTES = 32 * 1024 * 1024
const READ_CHUNK = 64 * 1024
const NEWLINE = 0x0a
const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined }

export const planSplits = (size: number, minPartitions: number): Array<FileSplit> => {
  const count = Math.max(1, minPartitions, Math.ceil(size / MAX_SPLIT_BYTES))
  const splitSize = Math.ceil(size / count)
  const splits: Array<FileSplit> = []
  for (let i = 0; i < count; i++) {
    const start = Math.min(size, i * splitSize)
    const end = Math.min(size, (i + 1) * splitSize)
    splits.push({ index: i, start, end })
  }
  return splits
}

/** The first byte at or after `from` that is a newline, or the file's size. */
const findNewline = (fd: number, from: number, size: number): number => {
  const buffer = Buffer.allocUnsafe(READ_CHUNK)
  let position = from
  while (position < size) {
    const read = fs.readSync(fd, buffer, 0, Math.min(READ_CHUNK, size - position), position)
    if (read <= 0) break
    const at = buffer.subarray(0, read).indexOf(NEWLINE)
    if (at >= 0) return position + at
    position += read
  }
  return size
}

/** Where a split's lines lie: bytes `[begin, stop)`, and whether `stop` is the end of the file. */
const locateLines = (fd: number, split: FileSplit): { begin: number; stop: number; atEndOfFile: boolean } => {
  const size = fs.fstatSync(fd).size
  const begin = split.start === 0 ? 0 : findNewline(fd, split.start, size) + 1
  // The last owned line is the one containing byte `end - 1` or starting at `end`.
  const stop = split.end >= size ? size : findNewline(fd, split.end, size)
  return { begin, stop, atEndOfFile: stop >= size }
}

const CARRIAGE_RETURN = 13

/**
 * The lines of one split, read `chunkSize` bytes at a time: each chunk is cut
 * after its last newline, decoded, and its lines handed on one by one, so no
 * string of the whole split nor array of its lines is ever built. A newline
 * byte is never inside a multi-byte UTF-8 character, so cutting there never
 * splits one; a `\r` before a `\n` stays in the same chunk as it.
 *
 * The file is opened at the first read and closed when the lines run out, on
 * an error, or by `close()` (the task's end); reading after `close()` reopens
 * it where it left off.
 */
export class SplitLineReader implements Drainable<string> {
  private fd: number | undefined = undefined
  private located = false
  private position = 0
  private stop = 0
  private atEndOfFile = false
  private finished = false
  private buffer: Buffer
  /** Bytes of a line not yet complete, at the front of `buffer`. */
  private filled = 0
  /** The decoded lines `next()` is handing out, and where it is in them. */
  private lines: Array<string> = []
  private index = 0

  constructor(
    private readonly path: string,
    private readonly split: FileSplit,
    private readonly counter: { recordsRead: number },
    chunkSize = READ_CHUNK
  ) {
    this.buffer = Buffer.allocUnsafe(Math.max(1, chunkSize))
  }

  next(): IteratorResult<string> {
    while (this.index >= this.lines.length) {
      const text = this.nextChunk()
      if (text === undefined) return DONE
      this.lines = text.split("\n")
      this.index = 0
    }
    const line = this.lines[this.index++]!
    this.counter.recordsRead++
    return { done: false, value: stripCarriageReturn(line) }
  }

  drain(sink: (line: string) => void): void {
    const counter = this.counter
    while (this.index < this.lines.length) {
      counter.recordsRead++
      sink(stripCarriageReturn(this.lines[this.index++]!))
    }
    for (let text = this.nextChunk(); text !== undefined; text = this.nextChunk()) {
      let from = 0
      for (;;) {
        const newline = text.indexOf("\n", from)
        const end = newline < 0 ? text.length : newline
        counter.recordsRead++
        sink(text.slice(from, end > from && text.charCodeAt(end - 1) === CARRIAGE_RETURN ? end - 1 : end))
        if (newline < 0) break
        from = newline + 1
      }
    }
  }

  /** Closes the file if open; idempotent. */
  close(): void {
    if (this.fd === undefined) return
    const fd = this.fd
    this.fd = undefined
    fs.closeSync(fd)
  }

  /**
   * The next run of whole lines, joined by `\n` without the last terminator
   * (so `""` is one empty line), or `undefined` when the split has no more.
   */
  private nextChunk(): string | undefined {
    if (this.finished) return undefined
    try {
      const fd = this.open()
      if (this.finished) return undefined
      for (;;) {
        if (this.position < this.stop) {
          // A line longer than the buffer: grow it rather than cut the line.
          if (this.filled === this.buffer.length) {
            const larger = Buffer.allocUnsafe(this.buffer.length * 2)
            this.buffer.copy(larger, 0, 0, this.filled)
            this.buffer = larger
          }
          const wanted = Math.min(this.buffer.length - this.filled, this.stop - this.position)
          const read = fs.readSync(fd, this.buffer, this.filled, wanted, this.position)
          if (read <= 0) {
            this.stop = this.position // the file shrank: what was read is all there is
          } else {
            const from = this.filled
            this.filled += read
            this.position += read
            const last = this.buffer.lastIndexOf(NEWLINE, this.filled - 1)
            // The carried bytes hold no newline, so a newline at or after `from` is new.
            if (last >= from) return this.takeThrough(last)
            continue
          }
        }
        // Everything is read: what is left is the split's last line, unless
        // it is the empty remainder after the file's final newline.
        this.finished = true
        this.close()
        if (this.filled === 0 && this.atEndOfFile) return undefined
        const text = this.buffer.toString("utf8", 0, this.filled)
        this.filled = 0
        return text
      }
    } catch (error) {
      this.close()
      throw error
    }
  }

  /** Decodes the bytes before the newline at `last`; keeps the bytes after it. */
  private takeThrough(last: number): string {
    const text = this.buffer.toString("utf8", 0, last)
    this.buffer.copy(this.buffer, 0, last + 1, this.filled)
    this.filled -= last + 1
    return text
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd
    const fd = fs.openSync(this.path, "r")
    this.fd = fd
    if (!this.located) {
      const { atEndOfFile, begin, stop } = locateLines(fd, this.split)
      this.located = true
      this.position = begin
      // A split whose first owned line starts after its end owns no line.
      if (begin > stop) {
        this.finished = true
        this.close()
      }
      this.stop = stop
      this.atEndOfFile = atEndOfFile
    }
    return fd
  }
}

const stripCarriageReturn = (line: string): string =>
  line.length > 0 && line.charCodeAt(line.length - 1) === CARRIAGE_RETURN ? line.slice(0, -1) : line

/** The lines of one split, all at once (tests and small reads). */
export const readSplit = (path: string, split: FileSplit, chunkSize = READ_CHUNK): Array<string> => {
  const lines: Array<string> = []
  const reader = new SplitLineReader(path, split, { recordsRead: 0 }, chunkSize)
  try {
    reader.drain((line) => lines.push(line))
  } finally {
    reader.close()
  }
  return lines
}
