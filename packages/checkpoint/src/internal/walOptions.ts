import { Duration, Effect, Option } from "effect"
import { InvalidOptionError } from "../Errors.js"
import type * as WAL from "../WriteAheadLog.js"
import { MAX_TIME } from "./arguments.js"

export interface Options {
  readonly directory: string
  readonly rollingIntervalMillis?: number
  readonly durability?: WAL.DurabilityPolicy
  readonly maxRecordBytes?: number
  readonly createDirectory?: boolean
}

export const DEFAULT_ROLLING_INTERVAL_MILLIS = 60_000
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024
/** Frame data length is a u32; keep the whole frame well below it. */
const HARD_MAX_RECORD_BYTES = 1024 * 1024 * 1024
const SYNC_MODES: ReadonlySet<unknown> = new Set(["fsync", "fdatasync"])

/** Checks the options and fills in the defaults. */
export const validateOptions = (options: Options) =>
  Effect.gen(function*() {
    if (typeof options.directory !== "string" || options.directory.length === 0) {
      return yield* new InvalidOptionError({ option: "directory", value: options.directory, expected: "a non-empty path" })
    }
    if (options.createDirectory !== undefined && typeof options.createDirectory !== "boolean") {
      return yield* new InvalidOptionError({
        option: "createDirectory",
        value: options.createDirectory,
        expected: "a boolean (or nothing)"
      })
    }
    const rolling = options.rollingIntervalMillis ?? DEFAULT_ROLLING_INTERVAL_MILLIS
    // an integer: segment names hold their start and end as decimal integers
    if (!(Number.isInteger(rolling) && rolling > 0 && rolling <= MAX_TIME)) {
      return yield* new InvalidOptionError({
        option: "rollingIntervalMillis",
        value: rolling,
        expected: `an integer number of milliseconds between 1 and ${MAX_TIME}`
      })
    }
    const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES
    if (!(Number.isInteger(maxRecordBytes) && maxRecordBytes > 0 && maxRecordBytes <= HARD_MAX_RECORD_BYTES)) {
      return yield* new InvalidOptionError({
        option: "maxRecordBytes",
        value: maxRecordBytes,
        expected: `an integer between 1 and ${HARD_MAX_RECORD_BYTES}`
      })
    }
    const durability = options.durability ?? { _tag: "Sync", mode: "fdatasync" }
    const tag: unknown = (durability as { _tag?: unknown } | undefined)?._tag
    if (tag !== "Sync" && tag !== "GroupCommit" && tag !== "None") {
      return yield* new InvalidOptionError({
        option: "durability",
        value: tag,
        expected: "WriteAheadLog.sync(), WriteAheadLog.groupCommit(interval) or WriteAheadLog.none"
      })
    }
    if (durability._tag !== "None" && !SYNC_MODES.has(durability.mode)) {
      return yield* new InvalidOptionError({
        option: "durability.mode",
        value: durability.mode,
        expected: "\"fsync\" or \"fdatasync\""
      })
    }
    let groupInterval: Duration.Duration | undefined
    if (durability._tag === "GroupCommit") {
      const d = Duration.fromInput(durability.interval)
      if (Option.isNone(d) || !Duration.isFinite(d.value) || Duration.toMillis(d.value) <= 0) {
        return yield* new InvalidOptionError({
          option: "durability.interval",
          value: durability.interval,
          expected: "a positive, finite duration such as \"5 millis\""
        })
      }
      groupInterval = d.value
    }
    return { rolling, maxRecordBytes, durability, groupInterval }
  })
