// Backpressure for receiver streams (Spark's ReceiverInputDStream.rateController,
// a ReceiverRateController): with spark.streaming.backpressure.enabled, each
// receiver stream gets a RateController from @tspark/rate-control that hears
// every completed batch, asks its estimator (PID by default) for a new rate
// and publishes it through the ReceiverTracker (UpdateReceiverRateLimit) to
// the receiver's BlockGenerator.
import type { SparkConf } from "@tspark/core"
import { RateController, RateEstimator } from "@tspark/rate-control"
import { Effect, type Scope } from "effect"
import type { ReceiverInputDStream } from "../dstream/ReceiverInputDStream.js"
import type { ReceiverTracker } from "../scheduler/ReceiverTracker.js"
import type { StreamingListener } from "../scheduler/StreamingListener.js"
import { InvalidStreamError } from "../StreamingError.js"

const invalid = (error: { readonly message: string }) =>
  new InvalidStreamError({ stream: "ReceiverInputDStream", message: `Backpressure is misconfigured: ${error.message}` })

/** Fills the rate controller slot of every receiver stream when backpressure is enabled. */
export const attachRateControllers = (
  conf: SparkConf.SparkConf,
  batchDurationMs: number,
  streams: ReadonlyArray<ReceiverInputDStream<unknown>>,
  /** `undefined` only checks the settings. */
  tracker: ReceiverTracker | undefined
): Effect.Effect<void, InvalidStreamError, Scope.Scope> =>
  Effect.gen(function*() {
    const entries = Object.fromEntries(conf.entries)
    const enabled = yield* Effect.mapError(RateController.isBackPressureEnabled(entries), invalid)
    if (!enabled) return
    // Building one estimator checks its settings even when there is no stream to control.
    if (streams.length === 0) yield* Effect.mapError(RateEstimator.fromConfig(entries, batchDurationMs), invalid)
    for (const stream of streams) {
      const streamId = stream.inputStreamId
      stream.rateController = yield* rateControllerListener(entries, batchDurationMs, streamId, (rate) =>
        tracker?.sendRateUpdate(streamId, rate))
    }
  })

/**
 * A listener that feeds every completed batch to a RateController (Spark's
 * `RateController.onBatchCompleted`) over the estimator the settings name,
 * and hands each new rate to `publish`: receiver streams send it to their
 * receiver, direct streams clamp their next batch with it.
 */
export const rateControllerListener = (
  entries: Readonly<Record<string, string>>,
  batchDurationMs: number,
  streamId: number,
  publish: (rate: number) => void
): Effect.Effect<StreamingListener, InvalidStreamError, Scope.Scope> =>
  Effect.gen(function*() {
    const services = yield* Effect.context<never>()
    const estimator = yield* Effect.mapError(RateEstimator.fromConfig(entries, batchDurationMs), invalid)
    const controller = yield* RateController.make({ streamId, estimator, publish })
    return {
      onBatchCompleted: (batch) => {
        const numRecords = new Map<number, number>()
        for (const [id, info] of batch.streamIdToInputInfo) numRecords.set(id, info.numRecords)
        const update = controller.onBatchCompleted({
          batchTime: batch.batchTime,
          processingEndTime: batch.processingEndTime,
          processingDelayMs: batch.processingDelay,
          schedulingDelayMs: batch.schedulingDelay,
          numRecords
        })
        Effect.runForkWith(services)(
          Effect.catch(update, (error) => Effect.logWarning(`Rate controller of stream ${streamId}: ${error.message}`))
        )
      }
    }
  })
