import { Effect, Option } from "effect"
import { CorruptDataError, InvalidArgumentError, RecordCleanedError, UnsupportedFormatVersionError } from "../Errors.js"
import { FileSystem } from "../FileSystem.js"
import type * as WAL from "../WriteAheadLog.js"
import { describe } from "./arguments.js"
import * as format from "./walFormat.js"

/** A log file of a directory, with its parsed name (time range and sequence). */
export interface LogFile {
  readonly path: string
  readonly name: format.LogFileName
}

/** Lists the log files of a directory, oldest first. */
export const listLogFiles = Effect.fnUntraced(function*(directory: string) {
  const fs = yield* FileSystem
  const names = yield* fs.list(directory)
  const files: Array<LogFile> = []
  for (const n of names) {
    const parsed = format.parseLogName(n)
    if (parsed !== undefined) files.push({ path: fs.join(directory, n), name: parsed })
  }
  files.sort((a, b) => format.compareLogNames(a.name, b.name))
  return files
})

/** Reads every log file of a directory, in write order. */
export const readDirectory = Effect.fnUntraced(function*(directory: string) {
  const fs = yield* FileSystem
  const files = yield* listLogFiles(directory)
  const records: Array<WAL.LogRecord> = []
  const problems: Array<WAL.LogProblem> = []
  for (const file of files) {
    const bytes = yield* fs.readFile(file.path).pipe(
      Effect.map(Option.some),
      // cleaned concurrently: nothing to read
      Effect.catchTag("FileNotFoundError", () => Effect.succeed(Option.none<Uint8Array>()))
    )
    if (Option.isNone(bytes)) continue
    const result = format.scan(bytes.value)
    for (const r of result.records) {
      records.push({ handle: { path: file.path, offset: r.offset, length: r.length }, data: r.data })
    }
    for (const p of result.problems) problems.push({ ...p, path: file.path })
    if (result.unsupportedVersion !== undefined) {
      return yield* new UnsupportedFormatVersionError({
        path: file.path,
        offset: result.unsupportedVersion.offset,
        version: result.unsupportedVersion.version,
        supported: format.VERSION
      })
    }
  }
  return { records, problems } satisfies WAL.ReadAllResult
})

/** Reads one record by handle, verifying its checksum. */
export const readHandle = Effect.fnUntraced(function*(handle: WAL.RecordHandle) {
  const fs = yield* FileSystem
  const h = handle as Partial<WAL.RecordHandle> | null | undefined
  if (
    typeof h !== "object" || h === null || typeof h.path !== "string" || !Number.isSafeInteger(h.offset) ||
    h.offset! < 0 || !Number.isSafeInteger(h.length) || h.length! < format.ENTRY_OVERHEAD
  ) {
    return yield* new InvalidArgumentError({
      operation: "WriteAheadLog.read",
      argument: "handle",
      expected: `a RecordHandle returned by write (path string, offset >= 0, length >= ${format.ENTRY_OVERHEAD})`,
      received: typeof h === "object" && h !== null
        ? `{ path: ${describe(h.path)}, offset: ${describe(h.offset)}, length: ${describe(h.length)} }`
        : describe(h)
    })
  }
  const entry = yield* fs.readRange(handle.path, handle.offset, handle.length).pipe(
    Effect.catchTag("FileNotFoundError", () => Effect.fail(new RecordCleanedError({ path: handle.path, offset: handle.offset })))
  )
  if (entry.length < handle.length) {
    return yield* new CorruptDataError({
      path: handle.path,
      offset: handle.offset,
      reason: `the file ends ${handle.length - entry.length} bytes before the record does`
    })
  }
  const decoded = format.decodeEntry(entry)
  if (typeof decoded === "string") {
    return yield* new CorruptDataError({ path: handle.path, offset: handle.offset, reason: decoded })
  }
  return decoded
})
