// The RDD checkpoints earlier runs of an application left in its checkpoint
// directory. Each SparkContext writes into a directory of its own (a random
// UUID name); a run that crashed leaves its directory behind, with the RDD
// checkpoints of its last batches. Once a recovery has restored the newest
// checkpoint, only the RDD checkpoints it names are still needed (the newer
// ones belong to batches that run again): the rest, and run directories left
// empty, are removed, so restarts do not grow the directory.
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import type { Checkpoint } from "../Checkpoint.js"

const RUN_DIRECTORY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * Removes from `directory` what earlier runs wrote that `checkpoint` (the one
 * just restored) does not name; `current` is this run's own directory, left
 * alone. What cannot be removed is logged and left.
 */
export const removeUnreferencedRuns = (directory: string, checkpoint: Checkpoint, current: string | undefined) =>
  Effect.gen(function*() {
    const named = new Set(checkpoint.rddCheckpoints.flat().map(([, relative]) => path.resolve(directory, relative)))
    const runs = fs.readdirSync(directory).filter((name) => RUN_DIRECTORY.test(name)).map((name) => path.join(directory, name))
    let removed = 0
    for (const run of runs) {
      if (run === current || !fs.statSync(run).isDirectory()) continue
      for (const rdd of fs.readdirSync(run).map((name) => path.join(run, name))) {
        if (named.has(rdd)) continue
        fs.rmSync(rdd, { recursive: true, force: true })
        removed++
      }
      if (fs.readdirSync(run).length === 0) fs.rmdirSync(run)
    }
    if (removed > 0) yield* Effect.logInfo(`Removed ${removed} RDD checkpoints of earlier runs that the recovered checkpoint does not name`)
  }).pipe(
    // Only disk space is at stake: the recovery goes on, and says what it left.
    Effect.catchDefect((cause) =>
      Effect.logWarning(`Could not remove the RDD checkpoints of earlier runs in ${directory}: ${String(cause)}`)
    )
  )
