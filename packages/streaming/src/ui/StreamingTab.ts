/**
 * The Streaming tab of the web UI: the streaming page, each batch's page and
 * the streaming REST endpoints, read from a `StreamingJobProgressListener`
 * (and the core's status store for the jobs' status). It keeps nothing of
 * its own: what it shows (and the Receivers column it adds to the Executors
 * page) is bounded by the listener's
 * `spark.streaming.ui.retainedBatches`. A StreamingContext attaches it to
 * its SparkContext's UI when it starts and detaches it when it stops.
 *
 * Mirrors `org.apache.spark.streaming.ui.StreamingTab`.
 *
 * @since 0.1.0
 */
import type { SparkUI, WebUI } from "@tspark/core"
import * as BatchPage from "./BatchPage.js"
import { handleStreamingApi } from "./streamingApi.js"
import type { StreamingJobProgressListener } from "./StreamingJobProgressListener.js"
import * as StreamingPage from "./StreamingPage.js"

/**
 * The tab over a listener, for a UI with these stores.
 *
 * Mirrors `new StreamingTab(ssc, sparkUI)`.
 *
 * **Example**
 * ```ts
 * sc.ui?.attachTab(StreamingTab.make(listener, sc.ui.stores))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (listener: StreamingJobProgressListener, stores: SparkUI.SparkUIStores): WebUI.WebUITab => ({
  prefix: "streaming",
  name: "Streaming",
  pages: [
    {
      prefix: "",
      render: (_request, frame) => ({
        title: "Streaming Statistics",
        content: StreamingPage.render(listener, `/api/v1/applications/${encodeURIComponent(frame.appId)}/streaming`, frame.now)
      })
    },
    { prefix: "batch", render: (request) => BatchPage.render(listener, stores.appStatus, request.query) }
  ],
  api: { prefix: "streaming", handle: (segments, query) => handleStreamingApi(listener, segments, query) },
  // The Executors page's Receivers column: the active receivers each executor runs (Spark shows them only in the receivers table).
  executorColumn: {
    header: "Receivers",
    entries: (executorId) =>
      listener.receivers().filter((r) => r.active && r.executorId === executorId).map((r) => `${r.name} (stream ${r.streamId})`)
  }
})

/**
 * Attaches the tab to `ui`; returns what detaches it.
 *
 * Mirrors `StreamingTab.attach` and `detach`.
 *
 * **Example**
 * ```ts
 * const detach = StreamingTab.attach(ui, listener)
 * ```
 *
 * @category combinators
 * @since 0.1.0
 */
export const attach = (ui: SparkUI.SparkUI, listener: StreamingJobProgressListener): () => void => {
  const tab = make(listener, ui.stores)
  ui.attachTab(tab)
  return () => {
    if (ui.tabs.includes(tab)) ui.detachTab(tab.prefix)
  }
}
