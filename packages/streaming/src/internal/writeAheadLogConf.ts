// The write-ahead log settings of receivers and of the driver's
// ReceivedBlockTracker (Spark's WriteAheadLogUtils), read and checked once,
// and where the logs live in the checkpoint directory.
import { WriteAheadLog } from "@tspark/checkpoint"
import { SparkConf } from "@tspark/core"
import * as path from "node:path"
import { ReceiverConfigError } from "../receiver/ReceiverError.js"

export const WAL_ENABLE_KEY = "spark.streaming.receiver.writeAheadLog.enable"
export const RECEIVER_ROLLING_KEY = "spark.streaming.receiver.writeAheadLog.rollingIntervalSecs"
export const RECEIVER_GROUP_COMMIT_KEY = "spark.streaming.receiver.writeAheadLog.groupCommitInterval"
export const RECEIVER_SYNC_KEY = "spark.streaming.receiver.writeAheadLog.sync"
export const DRIVER_ROLLING_KEY = "spark.streaming.driver.writeAheadLog.rollingIntervalSecs"
export const DRIVER_BATCHING_KEY = "spark.streaming.driver.writeAheadLog.allowBatching"

export interface WriteAheadLogSettings {
  /** `spark.streaming.receiver.writeAheadLog.enable` (default false). */
  readonly enabled: boolean
  /** Time span of one receiver log segment (default 60 s, as Spark's). */
  readonly receiverRollingMs: number
  /**
   * When a receiver's write is durable: each write synced, concurrent writes sharing one sync
   * (the default), at the next periodic sync (`groupCommitInterval` set above 0), or never synced
   * (`sync` false: handed to the OS, which survives the process being killed but not the machine
   * crashing, as Spark's log on a local file system, whose hflush does not sync).
   */
  readonly receiverDurability: WriteAheadLog.DurabilityPolicy
  /** Time span of one segment of the driver's block metadata log (default 60 s). */
  readonly driverRollingMs: number
  /** Batch concurrent metadata writes into one frame and one sync (default true, as Spark's). */
  readonly driverBatching: boolean
}

const fail = (key: string, message: string) => new ReceiverConfigError({ key, message })

const rollingSeconds = (conf: SparkConf.SparkConf, key: string): number | ReceiverConfigError => {
  const raw = conf.entries.get(key)
  const seconds = raw === undefined ? 60 : Number(raw)
  if (!Number.isInteger(seconds) || seconds < 1) {
    return fail(key, `${key} must be a whole number of seconds, 1 or more, got "${raw}" (default 60)`)
  }
  return seconds * 1000
}

/** Reads and checks the write-ahead log settings. */
export const readWriteAheadLogSettings = (
  entries: Readonly<Record<string, string>>
): WriteAheadLogSettings | ReceiverConfigError => {
  const conf = SparkConf.make(entries)
  const enabled = SparkConf.getBoolean(conf, WAL_ENABLE_KEY, false)
  if (typeof enabled !== "boolean") return fail(WAL_ENABLE_KEY, enabled.message)
  const driverBatching = SparkConf.getBoolean(conf, DRIVER_BATCHING_KEY, true)
  if (typeof driverBatching !== "boolean") return fail(DRIVER_BATCHING_KEY, driverBatching.message)
  const receiverRollingMs = rollingSeconds(conf, RECEIVER_ROLLING_KEY)
  if (typeof receiverRollingMs !== "number") return receiverRollingMs
  const driverRollingMs = rollingSeconds(conf, DRIVER_ROLLING_KEY)
  if (typeof driverRollingMs !== "number") return driverRollingMs
  const groupMs = SparkConf.getTimeAsMs(conf, RECEIVER_GROUP_COMMIT_KEY, "0ms")
  if (typeof groupMs !== "number" || !(groupMs >= 0) || !Number.isFinite(groupMs)) {
    return fail(
      RECEIVER_GROUP_COMMIT_KEY,
      `${RECEIVER_GROUP_COMMIT_KEY} must be a duration of 0ms or more such as 5ms, got ` +
        `"${conf.entries.get(RECEIVER_GROUP_COMMIT_KEY)}" (0ms, the default: sync each write)`
    )
  }
  const sync = SparkConf.getBoolean(conf, RECEIVER_SYNC_KEY, true)
  if (typeof sync !== "boolean") return fail(RECEIVER_SYNC_KEY, sync.message)
  const receiverDurability = !sync ? WriteAheadLog.none : groupMs === 0 ? WriteAheadLog.sync() : WriteAheadLog.groupCommit(groupMs)
  return { enabled, receiverRollingMs, receiverDurability, driverRollingMs, driverBatching }
}

/**
 * Whether the receiver write-ahead log is on, and the checkpoint directory it needs: a refusal
 * (with what to change) when it is on without one, as Spark's `ReceiverTracker` and
 * `ReceiverSupervisorImpl`.
 */
export const checkWriteAheadLog = (
  settings: WriteAheadLogSettings,
  checkpointDir: string | undefined
): ReceiverConfigError | undefined =>
  settings.enabled && checkpointDir === undefined
    ? fail(
      WAL_ENABLE_KEY,
      `Cannot enable the receiver write-ahead log (${WAL_ENABLE_KEY} = true) without a checkpoint directory: ` +
        "call ssc.checkpoint(dir) before ssc.start(), or turn the write-ahead log off"
    )
    : undefined

/** Where a receiver keeps its blocks' log (Spark's `checkpointDirToLogDir(dir, streamId)`). */
export const receiverLogDirectory = (checkpointDir: string, streamId: number): string =>
  path.join(checkpointDir, "receivedData", String(streamId))

/** Where the driver's ReceivedBlockTracker keeps its events (Spark's `checkpointDirToLogDir(dir)`). */
export const trackerLogDirectory = (checkpointDir: string): string => path.join(checkpointDir, "receivedBlockMetadata")
