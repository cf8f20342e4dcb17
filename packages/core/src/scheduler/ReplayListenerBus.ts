/**
 * Replays an event log into listeners, as if the application ran again:
 * what the history server builds its status stores with. Also lists the logs
 * of a directory (completed and in progress) with their application's id,
 * name, user and times.
 *
 * A log still being written (`.inprogress`) may end in a line cut short; that
 * line is skipped, as Spark's `maybeTruncated`. Any other bad line fails the
 * replay with an `EventLogFormatError` naming the file and the line.
 *
 * Mirrors `org.apache.spark.scheduler.ReplayListenerBus` and the listing of
 * `FsHistoryProvider`.
 *
 * @since 0.1.0
 */
import { Data, Effect } from "effect"
import * as fs from "node:fs"
import * as fsp from "node:fs/promises"
import * as path from "node:path"
import * as readline from "node:readline"
import { EventLogFormatError, parseLine } from "../util/JsonProtocol.js"
import { IN_PROGRESS } from "./EventLoggingListener.js"
import { dispatch, type SparkListener, type SparkListenerEvent } from "./SparkListener.js"

/**
 * An event log could not be read (missing, unreadable).
 *
 * **Example**
 * ```ts
 * const error = new ReplayListenerBus.EventLogReadError({ file: "/tmp/spark-events/app-1", message: "no such file" })
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class EventLogReadError extends Data.TaggedError("EventLogReadError")<{
  readonly file: string
  readonly message: string
}> {}

/**
 * What a replay read.
 *
 * @category models
 * @since 0.1.0
 */
export interface ReplayResult {
  /** Events replayed. */
  readonly events: number
  /** Whether a cut-short last line of an in-progress log was skipped. */
  readonly truncated: boolean
  /** Listener failures (a listener that throws does not stop the replay), as messages. */
  readonly listenerErrors: ReadonlyArray<string>
}

/**
 * Options of `replay`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ReplayOptions {
  /** Tolerate a bad last line (default: whether the file is an in-progress log). */
  readonly maybeTruncated?: boolean
}

const readError = (file: string, error: unknown) =>
  new EventLogReadError({ file, message: `cannot read the event log ${file}: ${(error as Error).message}` })

/**
 * Reads `file` line by line and hands each event to every listener in order.
 * The first line must be the log's format line (`SparkListenerLogStart`).
 *
 * Mirrors `ReplayListenerBus.replay`.
 *
 * **Example**
 * ```ts
 * const store = AppStatusListener.make(SparkConf.make())
 * yield* ReplayListenerBus.replay("/tmp/spark-events/local-1", [store])
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const replay = (
  file: string,
  listeners: ReadonlyArray<SparkListener>,
  options: ReplayOptions = {}
): Effect.Effect<ReplayResult, EventLogFormatError | EventLogReadError> =>
  Effect.gen(function*() {
    const maybeTruncated = options.maybeTruncated ?? file.endsWith(IN_PROGRESS)
    const listenerErrors: Array<string> = []
    let events = 0
    const deliver = (event: SparkListenerEvent) => {
      events++
      for (const listener of listeners) {
        try {
          dispatch(listener, event)
        } catch (error) {
          listenerErrors.push(`${event._tag}: ${error instanceof Error ? error.message : String(error)}`)
        }
      }
    }
    const outcome = yield* Effect.tryPromise({
      try: () => readLines(file, deliver),
      catch: (error) => readError(file, error)
    })
    if (outcome.bad !== undefined && !(maybeTruncated && outcome.bad.line === outcome.lines)) {
      return yield* Effect.fail(outcome.bad)
    }
    if (outcome.lines === 0) {
      return yield* Effect.fail(new EventLogFormatError({ file, line: 1, message: `${file}:1: empty, not an event log` }))
    }
    return { events, truncated: outcome.bad !== undefined, listenerErrors }
  })

/** Streams the lines of `file`; stops at the first bad line, remembering it (the caller decides whether it was a cut tail). */
const readLines = async (
  file: string,
  deliver: (event: SparkListenerEvent) => void
): Promise<{ readonly lines: number; readonly bad: EventLogFormatError | undefined }> => {
  const input = fs.createReadStream(file, { encoding: "utf8" })
  const lines = readline.createInterface({ input, crlfDelay: Infinity })
  let count = 0
  let bad: EventLogFormatError | undefined
  try {
    for await (const text of lines) {
      count++
      if (bad !== undefined) return { lines: count, bad } // a bad line that is not the last
      if (text.trim() === "") {
        bad = new EventLogFormatError({ file, line: count, message: `${file}:${count}: an empty line` })
        continue
      }
      const parsed = parseLine(text, file, count)
      if (parsed instanceof EventLogFormatError) bad = parsed
      else if (parsed === "LogStart") {
        if (count !== 1) bad = new EventLogFormatError({ file, line: count, message: `${file}:${count}: a second format line` })
      } else if (count === 1) {
        bad = new EventLogFormatError({
          file,
          line: 1,
          message: `${file}:1: not an event log: the first line must be {"Event":"SparkListenerLogStart",...}`
        })
      } else deliver(parsed)
    }
  } finally {
    lines.close()
    input.destroy()
  }
  return { lines: count, bad }
}

/**
 * One event log of a directory, as the history server lists it.
 *
 * Mirrors `org.apache.spark.status.api.v1.ApplicationInfo` with its attempt, as `FsHistoryProvider` reads it.
 *
 * @category models
 * @since 0.1.0
 */
export interface EventLogInfo {
  readonly path: string
  readonly appId: string
  readonly appName: string | undefined
  readonly sparkUser: string | undefined
  readonly startTime: number | undefined
  /** When the application ended (its `ApplicationEnd`), if the log says. */
  readonly endTime: number | undefined
  /** Whether the log is complete (not `.inprogress`). */
  readonly completed: boolean
  readonly lastUpdated: number
  readonly size: number
}

const HEAD_BYTES = 1024 * 1024
const TAIL_BYTES = 64 * 1024

const readSlice = async (handle: fsp.FileHandle, position: number, length: number): Promise<string> => {
  const buffer = Buffer.alloc(length)
  const { bytesRead } = await handle.read(buffer, 0, length, position)
  return buffer.subarray(0, bytesRead).toString("utf8")
}

/** What the head and tail of a log say of its application, without reading all of it. */
const describe = async (file: string): Promise<EventLogInfo> => {
  const stat = await fsp.stat(file)
  const completed = !file.endsWith(IN_PROGRESS)
  const appId = path.basename(completed ? file : file.slice(0, -IN_PROGRESS.length))
  let start: Extract<SparkListenerEvent, { _tag: "ApplicationStart" }> | undefined
  let endTime: number | undefined
  const handle = await fsp.open(file, "r")
  try {
    const head = (await readSlice(handle, 0, Math.min(HEAD_BYTES, stat.size))).split("\n")
    for (const [i, text] of head.entries()) {
      const parsed = parseLine(text, file, i + 1)
      if (typeof parsed === "object" && "_tag" in parsed && parsed._tag === "ApplicationStart") {
        start = parsed
        break
      }
    }
    const tailStart = Math.max(0, stat.size - TAIL_BYTES)
    const tail = (await readSlice(handle, tailStart, stat.size - tailStart)).split("\n").filter((l) => l.trim() !== "")
    const last = tail.length === 0 ? undefined : parseLine(tail[tail.length - 1]!, file, 0)
    if (typeof last === "object" && "_tag" in last && last._tag === "ApplicationEnd") endTime = last.time
  } finally {
    await handle.close()
  }
  return {
    path: file,
    appId: start?.appId ?? appId,
    appName: start?.appName,
    sparkUser: start?.sparkUser,
    startTime: start?.time,
    endTime,
    completed,
    lastUpdated: stat.mtimeMs,
    size: stat.size
  }
}

/**
 * The event logs of `dir`, completed and in progress, newest first: each
 * regular file's head and tail are read for its application's start and
 * end; one that names no application is listed by its file name.
 *
 * Mirrors `FsHistoryProvider.checkForLogs`.
 *
 * **Example**
 * ```ts
 * const logs = yield* ReplayListenerBus.listLogs("/tmp/spark-events")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const listLogs = (dir: string): Effect.Effect<ReadonlyArray<EventLogInfo>, EventLogReadError> =>
  Effect.tryPromise({
    try: async () => {
      const entries = await fsp.readdir(dir, { withFileTypes: true })
      const files = entries.filter((e) => e.isFile() && !e.name.startsWith(".")).map((e) => path.join(dir, e.name))
      const infos = await Promise.all(files.map(describe))
      return infos.sort((a, b) => (b.startTime ?? b.lastUpdated) - (a.startTime ?? a.lastUpdated))
    },
    catch: (error) => readError(dir, error)
  })
