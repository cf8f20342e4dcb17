/**
 * New files in a directory, each taken exactly once.
 *
 * Mirrors `org.apache.spark.streaming.dstream.FileInputDStream`.
 *
 * @since 0.1.0
 */
import type { RDD as RDDModule } from "@tspark/core"
import * as fs from "node:fs"
import * as path from "node:path"
import type { StreamingContextLike } from "../internal/context.js"
import { setRecovery } from "../internal/streamRecovery.js"
import type { DStream } from "./DStream.js"
import { METADATA_KEY_DESCRIPTION } from "../scheduler/InputInfoTracker.js"
import * as InputDStream from "./InputDStream.js"

type RDD<T> = RDDModule.RDD<T>

/**
 * Options of a file stream.
 *
 * Mirrors the arguments of `StreamingContext.fileStream` and
 * `spark.streaming.fileStream.minRememberDuration`.
 *
 * **Example**
 * ```ts
 * const options: FileInputDStream.FileStreamOptions = { filter: (name) => name.endsWith(".txt") }
 * ```
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
 * New files in `directory`, read with `read`, each taken exactly once, by the
 * batch whose time window contains the file's modification time: a file
 * modified at `m` is taken by the first batch with `time >= m` that has not
 * passed the remember window (`minRememberDurationMs`). Each batch reports its
 * files (`files`, and `Description` as Spark's) and their record count (a
 * count job reads the files once more: see `InputInfoTracker`; Spark reports 0).
 *
 * Mirrors `org.apache.spark.streaming.dstream.FileInputDStream`.
 *
 * **Example**
 * ```ts
 * const lines = FileInputDStream.make(ssc, "/tmp/in", (file) => sc.textFile(file, 1))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = <T>(
  ssc: StreamingContextLike,
  directory: string,
  read: (file: string) => RDD<T>,
  options: FileStreamOptions = {}
): DStream<T> => {
  const sc = ssc.sparkContext
  const inputStreamId = ssc.newInputStreamId()
  const filter = options.filter ?? defaultFilter
  const newFilesOnly = options.newFilesOnly ?? true
  const minRemember = options.minRememberDurationMs ?? 60_000
  const rememberMs = Math.ceil(minRemember / ssc.batchDurationMs) * ssc.batchDurationMs
  // Batch time -> files taken by that batch; every file name taken within the remember window.
  const batchTimeToFiles = new Map<number, Array<string>>()
  const recentlySelected = new Set<string>()
  // Batches a recovered checkpoint says took these files: they take them again, without a new scan.
  const recovered = new Map<number, Array<string>>()
  let initialThreshold: number | undefined
  const stream = InputDStream.make<T>(ssc, {
    name: "FileInputDStream",
    dependencies: [],
    compute: (time, self) => {
      if (initialThreshold === undefined) initialThreshold = newFilesOnly ? (self.zeroTime ?? time) : 0
      // Forget batches that left the remember window (longer when a stateful child needs batches since
      // its last checkpoint recomputed after a restart), and their files.
      const keepMs = Math.max(rememberMs, self.rememberDurationMs ?? 0)
      for (const [batch, files] of batchTimeToFiles) {
        if (batch < time - keepMs) {
          batchTimeToFiles.delete(batch)
          recovered.delete(batch)
          for (const file of files) recentlySelected.delete(file)
        }
      }
      const threshold = Math.max(initialThreshold, time - rememberMs)
      const selected: Array<string> = [...(recovered.get(time) ?? [])]
      const rescan = !recovered.delete(time)
      let names: Array<string>
      try {
        names = rescan ? fs.readdirSync(directory) : []
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
      const rdd = sc.union(selected.map(read))
      ssc.inputInfoTracker.reportRDD(time, inputStreamId, rdd as RDD<unknown>, {
        files: selected,
        [METADATA_KEY_DESCRIPTION]: selected.join("\n")
      })
      return rdd
    }
  })
  stream.remember(rememberMs)
  setRecovery(stream as DStream<unknown>, {
    _tag: "Restorable",
    save: () => [...batchTimeToFiles],
    restore: (state) => {
      for (const [time, files] of state as Array<[number, Array<string>]>) {
        batchTimeToFiles.set(time, files)
        recovered.set(time, files)
        for (const file of files) recentlySelected.add(file)
      }
    }
  })
  return stream
}
