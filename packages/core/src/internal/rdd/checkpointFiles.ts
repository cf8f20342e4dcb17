// Reliable checkpoint files of RDD partitions: one file per partition in the
// RDD's checkpoint directory, written atomically with a versioned, checksummed
// frame so that a torn or corrupted file is detected, never read as data.
import * as fs from "node:fs"
import * as path from "node:path"
import { deserialize, serialize } from "../storage/serializer.js"

const partFile = (directory: string, index: number) => path.join(directory, `part-${String(index).padStart(5, "0")}`)

export class CheckpointFileCorrupt extends Error {
  override readonly name = "CheckpointFileCorrupt"
}

export const writePartition = (directory: string, index: number, values: ReadonlyArray<unknown>): void => {
  writeFramed(partFile(directory, index), serialize(values))
}

export const readPartition = (directory: string, index: number): ReadonlyArray<unknown> =>
  deserialize(readFramed(partFile(directory, index)))

// ---- framing: replaced by @tspark/checkpoint's atomic file writer once it lands
import * as zlib from "node:zlib"

const MAGIC = 0x54535043 // "TSPC"
const VERSION = 1
const HEADER = 16

const writeFramed = (file: string, payload: Uint8Array): void => {
  const header = Buffer.alloc(HEADER)
  header.writeUInt32BE(MAGIC, 0)
  header.writeUInt32BE(VERSION, 4)
  header.writeUInt32BE(payload.length, 8)
  header.writeUInt32BE(zlib.crc32(payload), 12)
  const temp = `${file}.tmp-${process.pid}`
  const fd = fs.openSync(temp, "w")
  try {
    fs.writeSync(fd, header)
    fs.writeSync(fd, payload)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(temp, file)
}

const readFramed = (file: string): Buffer => {
  const bytes = fs.readFileSync(file)
  if (bytes.length < HEADER || bytes.readUInt32BE(0) !== MAGIC) throw new CheckpointFileCorrupt(`${file} is not a checkpoint file`)
  const version = bytes.readUInt32BE(4)
  if (version > VERSION) throw new CheckpointFileCorrupt(`${file} has format version ${version}; this build reads up to ${VERSION}`)
  const length = bytes.readUInt32BE(8)
  const payload = bytes.subarray(HEADER)
  if (payload.length !== length) throw new CheckpointFileCorrupt(`${file} is truncated: ${payload.length} of ${length} bytes`)
  if (zlib.crc32(payload) !== bytes.readUInt32BE(12)) throw new CheckpointFileCorrupt(`${file} fails its checksum`)
  return payload
}
