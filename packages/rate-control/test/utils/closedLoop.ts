import { Effect, Option } from "effect"
import { PIDRateEstimator } from "../../src/index.js"

/** One simulated batch. */
export interface SimBatch {
  readonly index: number
  readonly rate: number
  readonly records: number
  readonly schedulingDelayMs: number
  readonly processingDelayMs: number
  readonly end: number
}

/**
 * A streaming system with one processing slot and a true capacity of
 * `capacity` records/s. Every `batchIntervalMs` a batch takes
 * `rate * batchInterval` records, where `rate` is the latest rate published
 * by the estimator before the batch time (or `initialRate`). The source never
 * runs dry. Batches run in order; a batch waits for the previous one
 * (scheduling delay). Delays are whole milliseconds, as in Spark.
 */
export const simulate = (options: {
  readonly capacity: number
  readonly initialRate: number
  readonly batchIntervalMs: number
  readonly batches: number
  readonly params?: Partial<PIDRateEstimator.PIDRateEstimatorOptions>
}): ReadonlyArray<SimBatch> => {
  const { batchIntervalMs, capacity } = options
  let state = PIDRateEstimator.initial(
    Effect.runSync(PIDRateEstimator.params({ ...options.params, batchIntervalMs }))
  )
  // completions whose estimate has not been applied yet: [end time, update]
  const pending: Array<{ readonly end: number; readonly update: Parameters<typeof PIDRateEstimator.step>[1] }> = []
  let rate = options.initialRate
  let previousEnd = 0
  const out: Array<SimBatch> = []
  for (let k = 0; k < options.batches; k++) {
    const batchTime = (k + 1) * batchIntervalMs
    // the controller hears every batch that completed by now, in order
    while (pending.length > 0 && pending[0].end <= batchTime) {
      const next = PIDRateEstimator.step(state, pending.shift()!.update)
      state = next.state
      if (Option.isSome(next.rate)) rate = Math.floor(next.rate.value)
    }
    const records = Math.floor(rate * batchIntervalMs / 1000)
    const start = Math.max(batchTime, previousEnd)
    const processingDelayMs = Math.max(1, Math.round(records / capacity * 1000))
    const end = start + processingDelayMs
    previousEnd = end
    const schedulingDelayMs = start - batchTime
    pending.push({ end, update: { time: end, numElements: records, processingDelayMs, schedulingDelayMs } })
    out.push({ index: k, rate, records, schedulingDelayMs, processingDelayMs, end })
  }
  return out
}
