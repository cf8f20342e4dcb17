// Splitting a local text file into partitions by byte ranges on line
// boundaries, as Hadoop's LineRecordReader does: a split owns every line that
// starts inside (start, end] (the first split also owns the line at 0), so a
// line is read by exactly one split wherever the boundaries fall.
import * as fs from "node:fs"
import type { Partition } from "../../rdd/Partition.js"

export interface FileSplit extends Partition {
  readonly start: number
  readonly end: number
}

/** Splits no larger than this (Hadoop's local block size), at least `minPartitions`. */
const MAX_SPLIT_BYTES = 32 * 1024 * 1024
const READ_CHUNK = 64 * 1024
const NEWLINE = 0x0a

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

/** The lines of one split. */
export const readSplit = (path: string, split: FileSplit): Array<string> => {
  const fd = fs.openSync(path, "r")
  try {
    const size = fs.fstatSync(fd).size
    const begin = split.start === 0 ? 0 : findNewline(fd, split.start, size) + 1
    // The last owned line is the one containing byte `end - 1` or starting at `end`.
    const stop = split.end >= size ? size : findNewline(fd, split.end, size)
    if (begin > stop) return []
    const length = stop - begin
    const buffer = Buffer.allocUnsafe(length)
    let offset = 0
    while (offset < length) {
      const read = fs.readSync(fd, buffer, offset, length - offset, begin + offset)
      if (read <= 0) break
      offset += read
    }
    const text = buffer.toString("utf8", 0, offset)
    const lines = text.split("\n")
    // A trailing newline at the end of the file does not start another line.
    if (lines.length > 0 && lines[lines.length - 1] === "" && stop >= size) lines.pop()
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1)
    }
    return lines
  } finally {
    fs.closeSync(fd)
  }
}
