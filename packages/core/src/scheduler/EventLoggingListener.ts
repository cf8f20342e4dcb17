/**
 * The event log: with `spark.eventLog.enabled`, every listener event of an
 * application is appended as one JSON line (see `util/JsonProtocol`) to
 * `<spark.eventLog.dir>/<appId>.inprogress`, renamed to `<appId>` when the
 * context stops. Lines are buffered and written by a fiber of their own
 * (asynchronous writes, fsync at stop), so logging costs the application
 * little; a failed write is logged, never thrown into the bus.
 *
 * Settings (Spark's keys and defaults):
 * - `spark.eventLog.enabled` (false);
 * - `spark.eventLog.dir` (`/tmp/spark-events`): must be an existing directory;
 * - `spark.eventLog.overwrite` (false): replace a log of the same application id;
 * - `spark.eventLog.logBlockUpdates.enabled` (false): also log block updates;
 * - `spark.eventLog.buffer.kb` (100k): buffered bytes that trigger a write
 *   (the buffer holds at most 64 times this before it drops events).
 *
 * Mirrors `org.apache.spark.scheduler.EventLoggingListener`.
 *
 * @since 0.1.0
 */
import { Effect, type Scope } from "effect"
import * as fs from "node:fs"
import * as fsp from "node:fs/promises"
import * as path from "node:path"
import { EventLogWriter } from "../internal/eventlog/eventLogWriter.js"
import * as SparkConf from "../SparkConf.js"
import { InvalidArgumentError } from "../SparkError.js"
import * as JsonProtocol from "../util/JsonProtocol.js"
import type { SparkListener, SparkListenerEvent } from "./SparkListener.js"

/**
 * The suffix of a log still being written.
 *
 * Mirrors `EventLogFileWriter.IN_PROGRESS`.
 *
 * @category constants
 * @since 0.1.0
 */
export const IN_PROGRESS = ".inprogress"

/**
 * Spark's default `spark.eventLog.dir`.
 *
 * @category constants
 * @since 0.1.0
 */
export const DEFAULT_LOG_DIR = "/tmp/spark-events"

/**
 * The event log's settings, read and checked.
 *
 * Mirrors the `spark.eventLog.*` entries of `org.apache.spark.internal.config`.
 *
 * @category models
 * @since 0.1.0
 */
export interface EventLogSettings {
  readonly dir: string
  readonly overwrite: boolean
  readonly logBlockUpdates: boolean
  readonly bufferBytes: number
}

/** Events after which the buffer is written at once, as Spark flushes after them. */
const FLUSHED: ReadonlySet<SparkListenerEvent["_tag"]> = new Set([
  "ApplicationStart",
  "ApplicationEnd",
  "EnvironmentUpdate",
  "JobStart",
  "JobEnd",
  "StageCompleted",
  "ExecutorAdded",
  "ExecutorRemoved",
  "BlockManagerAdded",
  "BlockManagerRemoved",
  "UnpersistRDD"
])

const invalid = (message: string) => new InvalidArgumentError({ method: "EventLoggingListener", message })

/**
 * The settings when the event log is enabled, `undefined` when it is not, or
 * an `InvalidArgumentError` naming the key: a bad value, or a
 * `spark.eventLog.dir` that is not an existing directory. Nothing is written.
 *
 * Mirrors the checks of `EventLoggingListener.start`.
 *
 * **Example**
 * ```ts
 * EventLoggingListener.readSettings(SparkConf.make({ "spark.eventLog.enabled": "true", "spark.eventLog.dir": "/tmp" }))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const readSettings = (conf: SparkConf.SparkConf): EventLogSettings | undefined | InvalidArgumentError => {
  const enabled = SparkConf.getBoolean(conf, "spark.eventLog.enabled", false)
  if (enabled instanceof InvalidArgumentError || !enabled) return enabled || undefined
  const overwrite = SparkConf.getBoolean(conf, "spark.eventLog.overwrite", false)
  if (overwrite instanceof InvalidArgumentError) return overwrite
  const logBlockUpdates = SparkConf.getBoolean(conf, "spark.eventLog.logBlockUpdates.enabled", false)
  if (logBlockUpdates instanceof InvalidArgumentError) return logBlockUpdates
  // A bare number is KiB, as the key's name says (Spark's bytesConf(ByteUnit.KiB)).
  const rawBuffer = conf.entries.get("spark.eventLog.buffer.kb")?.trim()
  const bufferConf = rawBuffer !== undefined && /^\d+$/.test(rawBuffer)
    ? SparkConf.set(conf, "spark.eventLog.buffer.kb", `${rawBuffer}k`)
    : conf
  const bufferBytes = SparkConf.getSizeAsBytes(bufferConf, "spark.eventLog.buffer.kb", "100k")
  if (bufferBytes instanceof InvalidArgumentError) return bufferBytes
  if (bufferBytes < 1) return invalid(`spark.eventLog.buffer.kb must be at least 1 byte, got ${bufferBytes}; set a size such as 100k`)
  const dir = SparkConf.getString(conf, "spark.eventLog.dir", DEFAULT_LOG_DIR).replace(/^file:(\/\/)?/, "")
  let isDirectory: boolean
  try {
    isDirectory = fs.statSync(dir).isDirectory()
  } catch {
    isDirectory = false
  }
  if (!isDirectory) {
    return invalid(
      `spark.eventLog.dir ${dir} is not an existing directory; create it, or set spark.eventLog.dir to one ` +
        "(or spark.eventLog.enabled=false)"
    )
  }
  return { dir: path.resolve(dir), overwrite, logBlockUpdates, bufferBytes }
}

/**
 * The listener: encodes each event and hands the line to the writer.
 *
 * Mirrors `org.apache.spark.scheduler.EventLoggingListener`.
 *
 * **Example**
 * ```ts
 * const eventLog = yield* EventLoggingListener.start(sc.conf, sc.applicationId)
 * if (eventLog !== undefined) sc.addSparkListener(eventLog)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export class EventLoggingListener implements SparkListener {
  constructor(private readonly writer: EventLogWriter, readonly settings: EventLogSettings) {}

  /** Where the log is written while the application runs. */
  get inProgressPath(): string {
    return this.writer.inProgressPath
  }

  /** Where the log is once the application ended. */
  get logPath(): string {
    return this.writer.finalPath
  }

  /** Events dropped because the buffer was full (0 unless the disk fell far behind). */
  get dropped(): number {
    return this.writer.dropped
  }

  /** Logs one event (block updates only with `spark.eventLog.logBlockUpdates.enabled`). */
  readonly log = (event: SparkListenerEvent): void => {
    if (event._tag === "BlockUpdated" && !this.settings.logBlockUpdates) return
    this.writer.append(JSON.stringify(JsonProtocol.sparkEventToJson(event)), FLUSHED.has(event._tag))
  }

  readonly onApplicationStart = this.log
  readonly onApplicationEnd = this.log
  readonly onEnvironmentUpdate = this.log
  readonly onJobStart = this.log
  readonly onJobEnd = this.log
  readonly onStageSubmitted = this.log
  readonly onStageCompleted = this.log
  readonly onTaskStart = this.log
  readonly onTaskEnd = this.log
  readonly onExecutorAdded = this.log
  readonly onExecutorRemoved = this.log
  readonly onBlockManagerAdded = this.log
  readonly onBlockManagerRemoved = this.log
  readonly onBlockUpdated = this.log
  readonly onUnpersistRDD = this.log
  readonly onOtherEvent = this.log
}

/**
 * Starts the event log of application `appId` when `spark.eventLog.enabled`:
 * checks every setting and the target first (a log of the same id is an
 * error unless `spark.eventLog.overwrite`), then opens
 * `<dir>/<appId>.inprogress` with its format line. Closing `scope` writes
 * what is buffered, syncs, and renames it to `<dir>/<appId>`.
 *
 * Mirrors `EventLoggingListener.start` and `stop`.
 *
 * **Example**
 * ```ts
 * const eventLog = yield* EventLoggingListener.start(sc.conf, sc.applicationId)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const start = (
  conf: SparkConf.SparkConf,
  appId: string,
  scope: Scope.Scope
): Effect.Effect<EventLoggingListener | undefined, InvalidArgumentError> =>
  Effect.gen(function*() {
    const settings = readSettings(conf)
    if (settings === undefined) return undefined
    if (settings instanceof InvalidArgumentError) return yield* Effect.fail(settings)
    if (appId === "" || appId.includes("/") || appId.includes("\\") || appId === "." || appId === "..") {
      return yield* Effect.fail(
        invalid(`the application id ${JSON.stringify(appId)} cannot name a log file; set spark.app.id to a plain name`)
      )
    }
    const final = path.join(settings.dir, appId)
    const inProgress = final + IN_PROGRESS
    const existing = [final, inProgress].filter((file) => fs.existsSync(file))
    if (existing.length > 0 && !settings.overwrite) {
      return yield* Effect.fail(invalid(
        `the event log ${existing[0]} already exists; set spark.eventLog.overwrite=true to replace it, ` +
          "or give the application another spark.app.id"
      ))
    }
    const handle = yield* Effect.tryPromise({
      try: async () => {
        for (const file of existing) await fsp.rm(file, { force: true })
        const opened = await fsp.open(inProgress, "w")
        await opened.write(JSON.stringify(JsonProtocol.logStart) + "\n")
        return opened
      },
      catch: (cause) =>
        invalid(`spark.eventLog.dir ${settings.dir} is not writable: ${(cause as Error).message}; give a writable directory`)
    })
    const writer = yield* EventLogWriter.start(
      handle,
      { inProgress, final },
      { bufferBytes: settings.bufferBytes, maxPendingBytes: settings.bufferBytes * 64 },
      scope
    )
    return new EventLoggingListener(writer, settings)
  })
