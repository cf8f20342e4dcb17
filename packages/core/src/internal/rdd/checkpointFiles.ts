// Reliable checkpoint files of RDD partitions: one file per partition in the
// RDD's checkpoint directory, in @tspark/checkpoint's checksummed, versioned
// frame, written atomically (temp file, fsync, rename, fsync of the
// directory) so a torn or corrupted file is detected, never read as data.
// Tasks run synchronously, so the I/O here is synchronous too.
import { CheckpointFile } from "@tspark/checkpoint"
import { Effect, Exit } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { deserialize, serialize } from "../storage/serializer.js"

export const partFile = (directory: string, index: number) => path.join(directory, `part-${String(index).padStart(5, "0")}`)

export class CheckpointFileUnreadable extends Error {
  override readonly name = "CheckpointFileUnreadable"
}

let tempCounter = 0

export const writePartition = (directory: string, index: number, values: ReadonlyArray<unknown>): void => {
  const target = partFile(directory, index)
  const temp = path.join(directory, `.${path.basename(target)}.${process.pid}.${tempCounter++}.tmp`)
  const fd = fs.openSync(temp, "wx")
  try {
    for (const chunk of CheckpointFile.encode(serialize(values))) fs.writeSync(fd, chunk)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(temp, target)
  const dir = fs.openSync(directory, "r")
  try {
    fs.fsyncSync(dir)
  } finally {
    fs.closeSync(dir)
  }
}

export const readPartition = (directory: string, index: number): ReadonlyArray<unknown> => {
  const file = partFile(directory, index)
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(file)
  } catch (cause) {
    throw new CheckpointFileUnreadable(`checkpoint file ${file} cannot be read: ${(cause as Error).message}`)
  }
  const decoded = Effect.runSyncExit(CheckpointFile.decode(file, bytes))
  if (Exit.isFailure(decoded)) {
    throw new CheckpointFileUnreadable(`checkpoint file ${file} is damaged: ${String(decoded.cause)}`)
  }
  return deserialize(decoded.value)
}
