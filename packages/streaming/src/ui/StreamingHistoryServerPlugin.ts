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
import type { AppHistoryServerPlugin, SparkConf } from "@tspark/core"
import { replayCollector, SOURCE, type StreamingReplay } from "../scheduler/StreamingListenerBus.js"
import * as StreamingTab from "./StreamingTab.js"

/**
 * A Spark listener that rebuilds the Streaming tab's store from replayed
 * events (`StreamingListenerBus.replayCollector`, which `replayEventLog` uses too).
 *
 * @category constructors
 * @since 0.1.0
 */
export const collector = (conf: SparkConf.SparkConf, name: string): StreamingReplay =>
  // A wrapper typed by hand, not a re-export: the inferred type would name core's SparkConf
  // through a private chunk of core's build (TS2883 in the declaration build).
  replayCollector(conf, name)

export type { StreamingReplay } from "../scheduler/StreamingListenerBus.js"

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
