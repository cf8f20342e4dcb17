/**
 * Streaming events on the core's listener bus, and back: every streaming
 * listener event also goes to the SparkContext's bus as an `OtherEvent`
 * (source `"streaming"`, the event as JSON named as Spark names it), so the
 * event log has the batches, output operations and receivers of a run; and a
 * Spark listener unwraps such events into a streaming listener, so replaying
 * a log rebuilds the Streaming tab's store (`replayEventLog`).
 *
 * Mirrors `org.apache.spark.streaming.scheduler.StreamingListenerBus` and
 * its `WrappedStreamingListenerEvent`.
 *
 * @since 0.1.0
 */
import { type JsonProtocol, type ReplayListenerBus, SparkConf, type SparkListener } from "@tspark/core"
import { ReplayListenerBus as Replay } from "@tspark/core/scheduler"
import { Effect } from "effect"
import { eventFromJson, eventToJson, StreamingEventJsonError } from "../internal/streamingEventJson.js"
import { InvalidStreamError } from "../StreamingError.js"
import * as StreamingJobProgressListener from "../ui/StreamingJobProgressListener.js"
import { dispatch, type StreamingListener, type StreamingListenerEvent } from "./StreamingListener.js"

/**
 * The `source` of the streaming module's `OtherEvent`s.
 *
 * @category constants
 * @since 0.1.0
 */
export const SOURCE = "streaming"

/**
 * The `OtherEvent` that carries a streaming event on the core's bus.
 * `StreamingStarted` also carries the batch interval, so that a store rebuilt
 * from a log computes input rates as the live one did.
 *
 * Mirrors `WrappedStreamingListenerEvent`.
 *
 * **Example**
 * ```ts
 * sc.listenerBus.post(StreamingListenerBus.wrap({ _tag: "StreamingStarted", time: 0 }, 1000))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const wrap = (event: StreamingListenerEvent, batchDurationMs: number): SparkListener.SparkListenerEvent => ({
  _tag: "OtherEvent",
  source: SOURCE,
  event: eventToJson(event, batchDurationMs)
})

/**
 * The streaming event an `OtherEvent` carries (with the batch interval of a
 * `StreamingStarted`), `undefined` for another module's event, or the error
 * naming the payload's first bad field.
 *
 * Mirrors `StreamingListenerBus.onOtherEvent`'s unwrapping.
 *
 * **Example**
 * ```ts
 * const unwrapped = StreamingListenerBus.unwrap(otherEvent)
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const unwrap = (
  event: Extract<SparkListener.SparkListenerEvent, { _tag: "OtherEvent" }>
): { readonly event: StreamingListenerEvent; readonly batchDurationMs?: number } | { readonly error: string } | undefined => {
  if (event.source !== SOURCE) return undefined
  try {
    return eventFromJson(event.event)
  } catch (error) {
    if (error instanceof StreamingEventJsonError) return { error: error.message }
    throw error
  }
}

/**
 * A streaming listener that posts every event to the core's bus (`post`):
 * what a StreamingContext adds to its own bus when it starts.
 *
 * Mirrors `StreamingListenerBus.post` wrapping each event for the `LiveListenerBus`.
 *
 * **Example**
 * ```ts
 * yield* bus.addListener(StreamingListenerBus.forwarding((e) => sc.listenerBus.post(e), ssc.batchDurationMs))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const forwarding = (post: (event: SparkListener.SparkListenerEvent) => void, batchDurationMs: number): StreamingListener => {
  const forward = (event: StreamingListenerEvent) => post(wrap(event, batchDurationMs))
  return {
    onStreamingStarted: (time) => forward({ _tag: "StreamingStarted", time }),
    onBatchSubmitted: (batch) => forward({ _tag: "BatchSubmitted", batch }),
    onBatchStarted: (batch) => forward({ _tag: "BatchStarted", batch }),
    onBatchCompleted: (batch) => forward({ _tag: "BatchCompleted", batch }),
    onOutputOperationStarted: (info) => forward({ _tag: "OutputOperationStarted", info }),
    onOutputOperationCompleted: (info) => forward({ _tag: "OutputOperationCompleted", info }),
    onReceiverStarted: (info) => forward({ _tag: "ReceiverStarted", info }),
    onReceiverError: (info) => forward({ _tag: "ReceiverError", info }),
    onReceiverStopped: (info) => forward({ _tag: "ReceiverStopped", info }),
    onExecutorAllocationDecision: (decision) => forward({ _tag: "ExecutorAllocationDecision", decision })
  }
}

/**
 * A Spark listener that hands the streaming events it hears (as `OtherEvent`s)
 * to `listener`; a payload that does not decode goes to `onError`.
 *
 * Mirrors `StreamingListenerBus` as a `SparkListener` (`onOtherEvent`).
 *
 * **Example**
 * ```ts
 * yield* ReplayListenerBus.replay(file, [StreamingListenerBus.sparkListener(progress)])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const sparkListener = (
  listener: StreamingListener,
  onError: (message: string) => void = () => {}
): SparkListener.SparkListener => ({
  onOtherEvent: (other) => {
    const unwrapped = unwrap(other)
    if (unwrapped === undefined) return
    if ("error" in unwrapped) onError(unwrapped.error)
    else dispatch(listener, unwrapped.event)
  }
})

/**
 * A replay's progress listener, made at the log's first streaming event, and the first error met.
 *
 * @category models
 * @since 0.1.0
 */
export interface StreamingReplay {
  readonly listener: SparkListener.SparkListener
  readonly progress: () => StreamingJobProgressListener.StreamingJobProgressListener | undefined
  readonly failure: () => InvalidStreamError | undefined
}

/**
 * A Spark listener that rebuilds the Streaming tab's store from replayed
 * events; `name` says where they come from in its errors.
 *
 * **Example**
 * ```ts
 * const collected = StreamingListenerBus.replayCollector(SparkConf.make(), "/tmp/spark-events/local-1")
 * yield* ReplayListenerBus.replay("/tmp/spark-events/local-1", [collected.listener])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const replayCollector = (conf: SparkConf.SparkConf, name: string): StreamingReplay => {
  let progress: StreamingJobProgressListener.StreamingJobProgressListener | undefined
  let failure: InvalidStreamError | undefined
  const listener: SparkListener.SparkListener = {
    // The output operations' Spark jobs, as the live listener hears them from the SparkContext.
    onJobStart: (event) => progress?.onJobStart(event),
    onOtherEvent: (other) => {
      const unwrapped = unwrap(other)
      if (unwrapped === undefined || failure !== undefined) return
      if ("error" in unwrapped) {
        failure = new InvalidStreamError({ stream: "StreamingListenerBus", message: `${name}: a streaming event: ${unwrapped.error}` })
        return
      }
      if (progress === undefined) {
        // The store is made when the run's first streaming event names the batch interval.
        if (unwrapped.batchDurationMs === undefined) return
        const made = StreamingJobProgressListener.make(conf, unwrapped.batchDurationMs)
        if (made instanceof InvalidStreamError) {
          failure = made
          return
        }
        progress = made
      }
      dispatch(progress, unwrapped.event)
    }
  }
  return { listener, progress: () => progress, failure: () => failure }
}

/**
 * Rebuilds the Streaming tab's store from an event log: the progress
 * listener made with the log's batch interval and the configuration's
 * `spark.streaming.ui.retainedBatches`, fed every streaming event of the log
 * and its jobs' starts (linking output operations to their jobs), in order. `undefined` when the log has no streaming application. A bad
 * streaming payload is an `InvalidStreamError` naming the log.
 *
 * Mirrors what a history server's Streaming tab would replay.
 *
 * **Example**
 * ```ts
 * const progress = yield* StreamingListenerBus.replayEventLog("/tmp/spark-events/local-1", SparkConf.make())
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const replayEventLog = (
  file: string,
  conf: SparkConf.SparkConf = SparkConf.make()
): Effect.Effect<
  StreamingJobProgressListener.StreamingJobProgressListener | undefined,
  JsonProtocol.EventLogFormatError | ReplayListenerBus.EventLogReadError | InvalidStreamError
> =>
  Effect.gen(function*() {
    const collected = replayCollector(conf, file)
    yield* Replay.replay(file, [collected.listener])
    const failure = collected.failure()
    if (failure !== undefined) return yield* Effect.fail(failure)
    return collected.progress()
  })
