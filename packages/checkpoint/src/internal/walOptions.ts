import { Duration, Effect, Option } from "effect"
import { InvalidOptionError } from "../Errors.js"
import type * as WAL from "../WriteAheadLog.js"

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

/** Checks the options and fills in the defaults. */
export const validateOptions = (options: Options) =>
  Effect.gen(function*() {
    const rolling = options.rollingIntervalMillis ?? DEFAULT_ROLLING_INTERVAL_MILLIS
    if (!(Number.isFinite(rolling) && rolling > 0)) {
      return yield* new InvalidOptionError({
        option: "rollingIntervalMillis",
        value: rolling,
        expected: "a positive number of milliseconds"
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
