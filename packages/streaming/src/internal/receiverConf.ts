// The receiver settings a supervisor and its block generator read, checked
// once: spark.streaming.blockInterval, blockQueueSize, receiverRestartDelay.
import { SparkConf } from "@tspark/core"
import { ReceiverConfigError } from "../receiver/ReceiverError.js"

export const BLOCK_INTERVAL_KEY = "spark.streaming.blockInterval"
export const BLOCK_QUEUE_SIZE_KEY = "spark.streaming.blockQueueSize"
export const RESTART_DELAY_KEY = "spark.streaming.receiverRestartDelay"

export interface ReceiverSettings {
  readonly blockIntervalMs: number
  readonly blockQueueSize: number
  readonly restartDelayMs: number
}

export type ReceiverConf = Readonly<Record<string, string>>

const time = (conf: SparkConf.SparkConf, key: string, dflt: string, what: string): number | ReceiverConfigError => {
  const ms = SparkConf.getTimeAsMs(conf, key, dflt)
  if (typeof ms !== "number") return new ReceiverConfigError({ key, message: ms.message })
  if (!(ms > 0) && what === "positive") {
    return new ReceiverConfigError({
      key,
      message: `${key} must be a positive duration such as 200ms, got "${conf.entries.get(key)}": set it to a few ` +
        `hundred milliseconds, smaller than the batch duration`
    })
  }
  if (!(ms >= 0)) {
    return new ReceiverConfigError({ key, message: `${key} must be a duration of 0ms or more, got "${conf.entries.get(key)}"` })
  }
  return ms
}

/** Reads and checks the receiver settings (Spark's defaults: 200ms, 10 blocks, 2s). */
export const readReceiverSettings = (entries: ReceiverConf): ReceiverSettings | ReceiverConfigError => {
  const conf = SparkConf.make(entries)
  const blockIntervalMs = time(conf, BLOCK_INTERVAL_KEY, "200ms", "positive")
  if (typeof blockIntervalMs !== "number") return blockIntervalMs
  const restartDelayMs = time(conf, RESTART_DELAY_KEY, "2000ms", "non-negative")
  if (typeof restartDelayMs !== "number") return restartDelayMs
  const raw = entries[BLOCK_QUEUE_SIZE_KEY]
  const blockQueueSize = raw === undefined ? 10 : Number(raw)
  if (!Number.isInteger(blockQueueSize) || blockQueueSize < 1) {
    return new ReceiverConfigError({
      key: BLOCK_QUEUE_SIZE_KEY,
      message: `${BLOCK_QUEUE_SIZE_KEY} must be a whole number of blocks, 1 or more, got "${raw}" (default 10)`
    })
  }
  return { blockIntervalMs, blockQueueSize, restartDelayMs }
}
