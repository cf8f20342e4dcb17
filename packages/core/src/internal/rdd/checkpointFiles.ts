// Reliable checkpoint files of RDD partitions: one file per partition in the
// RDD's checkpoint directory, written by the task that computes the partition
// through @tspark/checkpoint's CheckpointFile (checksummed, versioned frame;
// temp file, fsync, rename, directory fsync; the temp file is removed when a
// step fails), so a torn or corrupted file is detected, never read as data.
// Tasks run synchronously, so the Effect runs over the synchronous FileSystem.
import { CheckpointFile, FileSystem } from "@tspark/checkpoint"
import { Cause, Effect, Exit } from "effect"
import * as path from "node:path"
import { serialize } from "../storage/serializer.js"
import { syncLocalFileSystem } from "./syncFileSystem.js"

export const partName = (index: number) => `part-${String(index).padStart(5, "0")}`

export const partFile = (directory: string, index: number) => path.join(directory, partName(index))

/** Runs a checkpoint-file effect synchronously, throwing its tagged error (tasks report thrown errors). */
export const runSyncFiles = <A, E>(effect: Effect.Effect<A, E, FileSystem.FileSystem>): A => {
  const exit = Effect.runSyncExit(Effect.provideService(effect, FileSystem.FileSystem, syncLocalFileSystem))
  if (Exit.isFailure(exit)) throw Cause.squash(exit.cause)
  return exit.value
}

export const writePartition = (directory: string, index: number, values: ReadonlyArray<unknown>): void => {
  runSyncFiles(CheckpointFile.writeAtomic(directory, partName(index), serialize(values)))
}
