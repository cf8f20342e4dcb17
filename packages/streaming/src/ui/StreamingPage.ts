/**
 * The Streaming tab's page: how long streaming has run, the timelines and
 * histograms of the input rate (in total and per receiver), scheduling
 * delay, processing time and total delay, the receivers, and the active and
 * completed batches. Charts are drawn by the UI's page script from the
 * REST API; each chart carries the number of points it drew.
 *
 * Mirrors `org.apache.spark.streaming.ui.StreamingPage`.
 *
 * @since 0.1.0
 */
import { Html, UIUtils } from "@tspark/core"
import type { BatchInfo } from "../scheduler/StreamingListener.js"
import { batchSummary, eventRates, keptBatches } from "./streamingApi.js"
import type { StreamingJobProgressListener } from "./StreamingJobProgressListener.js"

const { html } = Html

const chart = (api: string, field: string, kind: "timeline" | "histogram", id: string, source = "batches") =>
  html`<div class="chart" id="${id}" data-api="${api}" data-source="${source}" data-field="${field}" data-kind="${kind}" data-points="0"></div>`

const METRICS: ReadonlyArray<
  readonly [field: string, id: string, title: string, of: (b: BatchInfo, batchMs: number) => number | undefined]
> = [
  ["inputRate", "input-rate", "Input Rate (records/sec)", (b, batchMs) => (b.numRecords * 1000) / batchMs],
  ["schedulingDelay", "scheduling-delay", "Scheduling Delay", (b) => b.schedulingDelay],
  ["processingTime", "processing-time", "Processing Time", (b) => b.processingDelay],
  ["totalDelay", "total-delay", "Total Delay", (b) => b.totalDelay]
]

/**
 * A table of batches (`data-batch-time` on each row): time (a link to its page), records, delays, output operations.
 *
 * Mirrors `org.apache.spark.streaming.ui.BatchTableBase`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const batchTable = (id: string, listener: StreamingJobProgressListener, batches: ReadonlyArray<BatchInfo>): Html.Html =>
  UIUtils.table(
    id,
    ["Batch Time", "Records", "Scheduling Delay", "Processing Time", "Total Delay", "Output Ops: Succeeded/Total", "Status", "Failure"],
    batches.map((b) => {
      const s = batchSummary(listener, b)
      return html`<tr data-batch-time="${b.batchTime}" data-status="${s.status}" data-failed-ops="${s.numFailedOutputOps}"><td><a href="/streaming/batch/?id=${b.batchTime}">${
        UIUtils.formatBatchTime(b.batchTime, listener.batchDurationMs)
      }</a></td><td>${b.numRecords} records</td><td>${UIUtils.formatDuration(b.schedulingDelay)}</td><td>${
        UIUtils.formatDuration(b.processingDelay)
      }</td><td>${UIUtils.formatDuration(b.totalDelay)}</td><td>${s.numCompletedOutputOps}/${s.numTotalOutputOps}${
        s.numFailedOutputOps > 0 ? ` (${s.numFailedOutputOps} failed)` : ""
      }${s.numActiveOutputOps > 0 ? ` (${s.numActiveOutputOps} running)` : ""}</td><td>${s.status}</td><td class="failure">${
        s.firstFailureReason ?? ""
      }</td></tr>`
    }),
    "No batches."
  )

/**
 * The page over the listener, its REST endpoints under `apiBase`.
 *
 * Mirrors `StreamingPage.render`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const render = (listener: StreamingJobProgressListener, apiBase: string, now: number): Html.Html => {
  const completed = [...listener.retainedCompletedBatches()].sort((a, b) => b.batchTime - a.batchTime)
  const active = keptBatches(listener).filter((b) => b.processingEndTime === undefined)
  const receivers = listener.receivers()
  const started = listener.startTime
  const batchMs = listener.batchDurationMs
  const statRows = METRICS.map(([field, id, title, of]) => {
    const values = completed.flatMap((b) => of(b, batchMs) ?? [])
    const avg = values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length
    const shown = field === "inputRate" ? (avg === undefined ? "-" : `${avg.toFixed(2)} records/sec`) : UIUtils.formatDuration(avg)
    return html`<div class="stat" data-metric="${field}"><div class="chart-title">${title} <span class="avg">Avg: ${shown}</span></div>
${chart(`${apiBase}/batches?status=COMPLETED`, field, "timeline", `chart-${id}-timeline`)}</div>
<div>${chart(`${apiBase}/batches?status=COMPLETED`, field, "histogram", `chart-${id}-histogram`)}</div>`
  })
  const receiverRows = receivers.map((r) => {
    const rates = eventRates(listener, r.streamId)
    const avg = rates.length === 0 ? undefined : rates.reduce((a, [, v]) => a + v, 0) / rates.length
    return html`<tr data-stream-id="${r.streamId}" data-active="${r.active}"><td>${
      r.name === "" ? `stream ${r.streamId}` : r.name
    } [${r.streamId}]</td><td>${r.active ? "ACTIVE" : "INACTIVE"}</td><td>${
      r.executorId === "" ? "-" : `${r.executorId} / ${r.location}`
    }</td><td>${avg === undefined ? "-" : avg.toFixed(2)}</td><td>${
      r.lastErrorTime >= 0 ? UIUtils.formatDate(r.lastErrorTime) : "-"
    }</td><td class="failure">${r.lastErrorTime >= 0 ? r.lastErrorMessage : ""}</td></tr>`
  })
  return html`<p id="streaming-summary" data-completed-batches="${listener.numTotalCompletedBatches}">${
    started === undefined
      ? "Streaming has not started."
      : html`Running batches of <strong>${UIUtils.formatDuration(batchMs)}</strong> for <strong>${
        UIUtils.formatDuration(now - started)
      }</strong> since <strong>${
        UIUtils.formatDate(started)
      }</strong> (<strong>${listener.numTotalCompletedBatches}</strong> completed batches, <strong>${listener.numTotalProcessedRecords}</strong> records)`
  }</p>
<h2>Statistics</h2><div class="charts" id="streaming-charts">${statRows}</div>
${
    receivers.length === 0 ?
      "" :
      html`<div class="chart-title">Input Rate per Receiver</div>${
        chart(`${apiBase}/receivers`, "eventRates", "timeline", "chart-receivers-input-rate", "receivers")
      }`
  }
<h2>Receivers (${receivers.length})</h2>${
    UIUtils.table(
      "receivers",
      ["Receiver", "Status", "Executor / Host", "Avg Events/sec", "Last Error Time", "Last Error"],
      receiverRows,
      "No receivers."
    )
  }
<h2>Active Batches (${active.length})</h2>${batchTable("active-batches", listener, active)}
<h2>Completed Batches (last ${completed.length} out of ${listener.numTotalCompletedBatches})</h2>${
    batchTable("completed-batches", listener, completed)
  }`
}
