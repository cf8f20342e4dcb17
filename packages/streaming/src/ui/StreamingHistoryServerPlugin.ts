/**
 * The Streaming tab for the history server: each replay of an event log
 * feeds a fresh progress listener with the log's streaming events (the
 * `OtherEvent`s of source `streaming`) and its jobs' starts, made with the
 * batch interval the log's first streaming event names and bounded by the
 * server's `spark.streaming.ui.retainedBatches`; once replayed, the Streaming
 * tab over it is attached to the rebuilt UI. A log without streaming events
 * gets no tab. `tspark history` loads it when `@tspark/streaming` is installed.
 *
 * Mirrors an `org.apache.spark.status.AppHistoryServerPlugin` for
 * `org.apache.spark.streaming.ui.StreamingTab`.
 *
 * @since 0.1.0
 */
import type { AppHistoryServerPlugin, SparkConf, SparkListener } from "@tspark/core"
import { InvalidStreamError } from "../StreamingError.js"
import { dispatch } from "../scheduler/StreamingListener.js"
import { SOURCE, unwrap } from "../scheduler/StreamingListenerBus.js"
import * as StreamingJobProgressListener from "./StreamingJobProgressListener.js"
import * as StreamingTab from "./StreamingTab.js"

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
 * const collected = StreamingHistoryServerPlugin.collector(SparkConf.make(), "/tmp/spark-events/local-1")
 * yield* ReplayListenerBus.replay("/tmp/spark-events/local-1", [collected.listener])
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const collector = (conf: SparkConf.SparkConf, name: string): StreamingReplay => {
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
 * The plugin: give it to `HistoryServer.start({ plugins: [StreamingHistoryServerPlugin.plugin] })`.
 *
 * **Example**
 * ```ts
 * const server = yield* HistoryServer.start({ logDir: "/tmp/spark-events", plugins: [StreamingHistoryServerPlugin.plugin] })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const plugin: AppHistoryServerPlugin.AppHistoryServerPlugin = {
  name: "streaming",
  sources: [SOURCE],
  createListeners: (conf) => {
    const replay = collector(conf, "event log")
    return {
      listeners: [replay.listener],
      setupUI: (ui) => {
        const progress = replay.progress()
        if (progress !== undefined) StreamingTab.attach(ui, progress)
      }
    }
  }
}
