/**
 * Input streams that need no receiver: a queue of RDDs, a constant RDD, and
 * new files in a directory.
 *
 * Mirrors `QueueInputDStream`, `ConstantInputDStream` and `FileInputDStream`.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule, SparkContext } from "@tspark/core"
import * as fs from "node:fs"
import * as path from "node:path"
import type { InputInfoTracker } from "../scheduler/InputInfoTracker.js"
import type { DStreamKind } from "./DStream.js"

type RDD<T> = RDDModule.RDD<T>

/**
 * A queue stream: each batch takes the next RDD from `queue` (or all of them
 * when `oneAtATime` is false); an empty queue gives `defaultRDD`, or an empty RDD.
 *
 * @category constructors
 * @since 0.1.0
 */
export const queueKind = <T>(
  sc: SparkContext.SparkContext,
  queue: Array<RDD<T>>,
  oneAtATime: boolean,
  defaultRDD: RDD<T> | undefined
): DStreamKind<T> => ({
  name: "QueueInputDStream",
  dependencies: [],
  compute: () => {
    if (queue.length > 0) {
      if (oneAtATime) return queue.shift()!
      return sc.union(queue.splice(0, queue.length))
    }
    return defaultRDD ?? sc.emptyRDD<T>()
  }
})

/**
 * The same RDD every batch.
 *
 * @category constructors
 * @since 0.1.0
 */
export const constantKind = <T>(rdd: RDD<T>): DStreamKind<T> => ({
  name: "ConstantInputDStream",
  dependencies: [],
  compute: () => rdd
})

/**
 * Options of a file stream.
 *
 * @category models
 * @since 0.1.0
 */
export interface FileStreamOptions {
  /** Which file names to take (default: not hidden, i.e. not starting with `.` or `_`). */
  readonly filter?: (fileName: string) => boolean
  /** Ignore files that existed before the stream started (default true). */
  readonly newFilesOnly?: boolean
  /** How long a file's name is remembered so it is never taken twice (ms, default 60 s). */
  readonly minRememberDurationMs?: number
}

const defaultFilter = (name: string) => !name.startsWith(".") && !name.startsWith("_")

/**
 * New files in a directory, each taken exactly once, by the batch whose time
 * window contains the file's modification time: a file modified at `m` is
 * taken by the first batch with `time >= m` that has not passed the remember
 * window (`minRememberDurationMs`). Mirrors `FileInputDStream`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const fileKind = <T>(
  sc: SparkContext.SparkContext,
  directory: string,
  read: (file: string) => RDD<T>,
  options: FileStreamOptions,
  streamId: () => number,
  inputInfoTracker: InputInfoTracker,
  batchDurationMs: number
): DStreamKind<T> & { readonly rememberMs: number } => {
  const filter = options.filter ?? defaultFilter
  const newFilesOnly = options.newFilesOnly ?? true
  const minRemember = options.minRememberDurationMs ?? 60_000
  const rememberMs = Math.ceil(minRemember / batchDurationMs) * batchDurationMs
  // Batch time -> files taken by that batch; every file name taken within the remember window.
  const batchTimeToFiles = new Map<number, Array<string>>()
  const recentlySelected = new Set<string>()
  let initialThreshold: number | undefined
  return {
    name: "FileInputDStream",
    dependencies: [],
    rememberMs,
    compute: (time, self) => {
      if (initialThreshold === undefined) initialThreshold = newFilesOnly ? (self.zeroTime ?? time) : 0
      // Forget batches that left the remember window, and their files.
      for (const [batch, files] of batchTimeToFiles) {
        if (batch < time - rememberMs) {
          batchTimeToFiles.delete(batch)
          for (const file of files) recentlySelected.delete(file)
        }
      }
      const threshold = Math.max(initialThreshold, time - rememberMs)
      const selected: Array<string> = []
      let names: Array<string> = []
      try {
        names = fs.readdirSync(directory)
      } catch {
        names = []
      }
      for (const name of names.sort()) {
        if (!filter(name)) continue
        const file = path.join(directory, name)
        let stat: fs.Stats
        try {
          stat = fs.statSync(file)
        } catch {
          continue
        }
        if (!stat.isFile()) continue
        const modified = stat.mtimeMs
        if (modified <= threshold || modified > time || recentlySelected.has(file)) continue
        selected.push(file)
      }
      for (const file of selected) recentlySelected.add(file)
      batchTimeToFiles.set(time, selected)
      inputInfoTracker.reportInfo(time, { inputStreamId: streamId(), numRecords: 0, metadata: { files: selected } })
      return sc.union(selected.map(read))
    }
  }
}
