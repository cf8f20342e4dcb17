// How a receiver becomes a job (Spark's `ReceiverTracker.startReceiver`):
// one partition, preferring the executors the scheduling policy chose, whose
// task runs the ReceiverSupervisor until the receiver stops. On a backend
// that ships tasks the receiver travels as its descriptor (module specifier,
// export name, own fields) and the task function by module specifier; in
// process the receiver object itself runs, under the driver's services (so
// the test clock drives its timers).
import { Closure, SparkContext, type TaskContext } from "@tspark/core"
import { Effect } from "effect"
import type { Receiver } from "../receiver/Receiver.js"
import { ReceiverConfigError, ReceiverNotShippableError } from "../receiver/ReceiverError.js"
import type { InvalidStreamError } from "../StreamingError.js"
import { BLOCK_INTERVAL_KEY, readReceiverSettings } from "./receiverConf.js"
import { attachRateControllers } from "./receiverRateControllers.js"
import { describeReceiver, type ReceiverDescriptor } from "./receiverShipping.js"
import { superviseInTask } from "./receiverTask.js"
import { checkWriteAheadLog, readWriteAheadLogSettings } from "./writeAheadLogConf.js"

/** The module executors load the receiver task function from (the package's `receiver` entry). */
export const RECEIVER_MODULE = "@tspark/streaming/receiver"

/** The shipped task function of each receiver, built (and so checked) at start. */
const shipped = new WeakMap<Receiver<unknown>, ReceiverJobFunction>()

type ReceiverJobFunction = (iterator: Iterator<number>, ctx: TaskContext.TaskContext) => Promise<void>

/** The receiver job's function on a backend that ships tasks: the receiver's descriptor and the task function by module. */
const shippedFunction = (
  sc: SparkContext.SparkContext,
  receiver: Receiver<unknown>,
  streamId: number,
  descriptor: ReceiverDescriptor,
  checkpointDir: string | undefined
): Effect.Effect<ReceiverJobFunction, ReceiverNotShippableError> =>
  Effect.try({
    try: () =>
      Closure.fromModule<[Iterator<number>, TaskContext.TaskContext], void>(RECEIVER_MODULE, "receiverTaskFunction", {
        receiver: descriptor,
        streamId,
        conf: [...sc.conf.entries],
        ...(checkpointDir === undefined ? {} : { checkpointDir })
      }),
    catch: (error) =>
      new ReceiverNotShippableError({
        receiver: receiver.constructor.name,
        reason: "field",
        message: `Receiver ${receiver.constructor.name} cannot be shipped to an executor: ${
          error instanceof Error ? error.message : String(error)
        }`
      })
  })

/**
 * Checks, before anything starts (a refused start leaves the context as it
 * was), the receiver settings (a block interval shorter than the batch:
 * each batch takes whole blocks), the backpressure settings when enabled,
 * the write-ahead log settings (on, it needs the checkpoint directory),
 * and that every receiver can reach the executors (a backend that ships
 * tasks needs each receiver's descriptor and its task function).
 */
export const validateReceivers = (
  sc: SparkContext.SparkContext,
  streams: ReadonlyArray<{ readonly receiver: Receiver<unknown>; readonly inputStreamId: number }>,
  batchDurationMs: number,
  checkpointDir: string | undefined
): Effect.Effect<void, ReceiverNotShippableError | ReceiverConfigError | InvalidStreamError> =>
  Effect.gen(function*() {
    if (streams.length === 0) return
    const entries = Object.fromEntries(sc.conf.entries)
    const settings = readReceiverSettings(entries)
    if (settings instanceof ReceiverConfigError) return yield* Effect.fail(settings)
    const wal = readWriteAheadLogSettings(entries)
    if (wal instanceof ReceiverConfigError) return yield* Effect.fail(wal)
    const noCheckpoint = checkWriteAheadLog(wal, checkpointDir)
    if (noCheckpoint !== undefined) return yield* Effect.fail(noCheckpoint)
    if (settings.blockIntervalMs >= batchDurationMs) {
      return yield* new ReceiverConfigError({
        key: BLOCK_INTERVAL_KEY,
        message: `${BLOCK_INTERVAL_KEY} is ${settings.blockIntervalMs} ms: it must be smaller than the batch duration ` +
          `(${batchDurationMs} ms); set it to a fraction of the batch, e.g. ${Math.max(1, Math.floor(batchDurationMs / 5))}ms`
      })
    }
    // Building the rate controllers of no stream checks the backpressure settings.
    yield* Effect.scoped(attachRateControllers(sc.conf, batchDurationMs, [], undefined))
    if (!sc.shipsTasks) return
    for (const { inputStreamId, receiver } of streams) {
      const descriptor = yield* describeReceiver(receiver)
      shipped.set(receiver, yield* shippedFunction(sc, receiver, inputStreamId, descriptor, checkpointDir))
    }
  })

/** A running receiver job: `await` ends when the receiver has stopped (or its task failed for good). */
export interface ReceiverJob {
  readonly await: Effect.Effect<unknown, unknown>
  /** Cancels the job (its task is killed, which stops the receiver). */
  readonly cancel: Effect.Effect<void>
}

/** Submits the receiver's job; the handle ends when the receiver has stopped. */
export const launchReceiverJob = (
  sc: SparkContext.SparkContext,
  receiver: Receiver<unknown>,
  streamId: number,
  locations: ReadonlyArray<string>,
  checkpointDir: string | undefined
): Effect.Effect<ReceiverJob, unknown> =>
  Effect.gen(function*() {
    const rdd = sc.makeRDD([[streamId, locations]])
    let run: ReceiverJobFunction
    if (sc.shipsTasks) {
      run = shipped.get(receiver) ??
        (yield* shippedFunction(sc, receiver, streamId, yield* describeReceiver(receiver), checkpointDir))
    } else {
      const services = yield* Effect.context<never>()
      const conf = Object.fromEntries(sc.conf.entries)
      run = (_iterator, ctx) => Effect.runPromiseWith(services)(superviseInTask(receiver, ctx, ctx.env.rpc, conf, streamId, checkpointDir))
    }
    return yield* sc.submitJob(rdd, run).pipe(
      SparkContext.withLocalProperty("spark.job.description", `Streaming job running receiver ${streamId}`)
    )
  })
