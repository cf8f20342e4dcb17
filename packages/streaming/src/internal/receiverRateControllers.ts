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
    const services = yield* Effect.context<never>()
    for (const stream of streams) {
      const streamId = stream.inputStreamId
      const estimator = yield* Effect.mapError(RateEstimator.fromConfig(entries, batchDurationMs), invalid)
      const controller = yield* RateController.make({
        streamId,
        estimator,
        publish: (rate) => tracker?.sendRateUpdate(streamId, rate)
      })
      stream.rateController = {
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
    }
  })
