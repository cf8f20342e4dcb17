import { Effect, Option } from "effect"
import { CorruptDataError, InvalidArgumentError, RecordCleanedError, UnsupportedFormatVersionError } from "../Errors.js"
import { FileSystem } from "../FileSystem.js"
import type * as WAL from "../WriteAheadLog.js"
import { describe } from "./arguments.js"
import * as format from "./walFormat.js"
import { scan, type ScanResult } from "./walScan.js"
import { SEGMENT_HEADER_BYTES } from "./walSegment.js"

/** The chain problem of a segment that follows `prev` in the directory, if it does not continue it. */
const chainProblem = (
  prev: { readonly path: string; readonly segment: NonNullable<ScanResult["segment"]> },
  path: string,
  segment: NonNullable<ScanResult["segment"]>
): WAL.LogProblem | undefined => {
  const before = prev.segment.header.seq
  const seq = segment.header.seq
  const at = { _tag: "BrokenChain" as const, path, offset: 0, length: SEGMENT_HEADER_BYTES }
  if (seq > before + 1) {
    return {
      ...at,
      reason: `segment ${seq} follows segment ${before} (${prev.path}): ${seq - before - 1} segment(s) between them are missing`
    }
  }
  if (seq <= before) {
    return { ...at, reason: `segment ${seq} follows segment ${before} (${prev.path}): the segments are out of order (renamed or swapped)` }
  }
  if (
    !segment.header.continues || segment.header.previous !== prev.segment.finalChain ||
    segment.header.previousDigest !== prev.segment.finalDigest
  ) {
    return {
      ...at,
      reason: `segment ${seq} does not continue ${prev.path}: it expects its predecessor to end with chain value ` +
        `${segment.header.continues ? segment.header.previous : "none"} and digest ${segment.header.previousDigest}, ` +
        `but ${prev.path} ends with ${prev.segment.finalChain} and ${prev.segment.finalDigest} ` +
        `(truncated at a frame boundary, or replaced)`
    }
  }
  return undefined
}

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
  /** The previous version 2 segment with a valid header: each segment must continue it. */
  let prev: { readonly path: string; readonly segment: NonNullable<ScanResult["segment"]> } | undefined
  for (const file of files) {
    const bytes = yield* fs.readFile(file.path).pipe(
      Effect.map(Option.some),
      // cleaned concurrently: nothing to read
      Effect.catchTag("FileNotFoundError", () => Effect.succeed(Option.none<Uint8Array>()))
    )
    // an empty file: the log crashed between creating a segment and writing its header
    if (Option.isNone(bytes) || bytes.value.length === 0) continue
    const result = scan(bytes.value)
    for (const r of result.records) {
      records.push({ handle: { path: file.path, offset: r.offset, length: r.length }, data: r.data })
    }
    if (result.segment !== undefined && prev !== undefined) {
      const broken = chainProblem(prev, file.path, result.segment)
      if (broken !== undefined) problems.push(broken)
    }
    for (const p of result.problems) problems.push({ ...p, path: file.path })
    prev = result.segment === undefined ? undefined : { path: file.path, segment: result.segment }
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

/**
 * The newest version 2 segment of a directory (skipping empty files) with
 * the chain value after its last valid frame, so a reopened log continues
 * its chain; undefined when the directory holds none, or its newest file is
 * version 1 or has a damaged segment header.
 */
export const newestSegment = Effect.fnUntraced(function*(directory: string) {
  const fs = yield* FileSystem
  const files = yield* listLogFiles(directory).pipe(
    Effect.catchTag("FileNotFoundError", () => Effect.succeed<Array<LogFile>>([]))
  )
  for (let i = files.length - 1; i >= 0; i--) {
    const bytes = yield* fs.readFile(files[i]!.path).pipe(
      Effect.catchTag("FileNotFoundError", () => Effect.succeed(new Uint8Array(0)))
    )
    if (bytes.length === 0) continue
    const segment = scan(bytes).segment
    // a reopened log's new segments start no earlier than this one, so they sort after it
    return segment === undefined ? undefined : { segment, start: files[i]!.name.start }
  }
  return undefined
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
