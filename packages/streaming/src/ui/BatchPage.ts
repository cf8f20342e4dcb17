/**
 * A batch's page: its times, records and delays, and its output
 * operations, each with its status, duration, error and the Spark jobs it
 * ran (links to their pages, with their status from the core's store).
 *
 * Mirrors `org.apache.spark.streaming.ui.BatchPage`.
 *
 * @since 0.1.0
 */
import { type AppStatusListener, Html, UIUtils, WebUI } from "@tspark/core"
import { batchSummary } from "./streamingApi.js"
import type { StreamingJobProgressListener } from "./StreamingJobProgressListener.js"

const { html } = Html

/**
 * The page for `?id=<batch time ms>`, or a 400/404 response.
 *
 * Mirrors `BatchPage.render`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const render = (
  listener: StreamingJobProgressListener,
  appStatus: AppStatusListener.AppStatusListener,
  query: URLSearchParams
): WebUI.PageContent | WebUI.UIResponse => {
  const raw = query.get("id")
  const batchTime = WebUI.parseId(raw)
  if (batchTime === undefined) return WebUI.textResponse(400, `Missing or invalid id parameter: ${raw ?? ""}`)
  const batch = listener.batch(batchTime)
  if (batch === undefined) {
    return WebUI.textResponse(404, `No batch at ${batchTime} is kept (it may have been dropped by spark.streaming.ui.retainedBatches)`)
  }
  const summary = batchSummary(listener, batch)
  const rows = summary.operations.map((op) => {
    const jobIds = listener.outputOperationJobIds(batchTime, op.id)
    const status = op.failureReason !== undefined
      ? "Failed"
      : op.endTime !== undefined
      ? "Succeeded"
      : op.startTime !== undefined
      ? "Running"
      : "Queued"
    return html`<tr data-output-op-id="${op.id}" data-status="${status}"><td>${op.id}</td><td>${op.name}<div class="sub">${op.description}</div></td><td>${
      UIUtils.formatDuration(op.startTime !== undefined && op.endTime !== undefined ? op.endTime - op.startTime : undefined)
    }</td><td>${status}</td><td>${
      jobIds.length === 0 ?
        "-" :
        jobIds.map((id, i) =>
          html`${i > 0 ? ", " : ""}<a class="job-link" data-job-id="${id}" href="/jobs/job/?id=${id}">${id}</a> (${
            appStatus.job(id)?.status ?? "unknown"
          })`
        )
    }</td><td class="failure" data-output-op-id="${op.id}">${op.failureReason ?? ""}</td></tr>`
  })
  return {
    title: `Details of batch at ${UIUtils.formatBatchTime(batchTime, listener.batchDurationMs)}`,
    content: html`<ul class="summary" id="batch-summary" data-batch-time="${batchTime}" data-status="${summary.status}">
<li><strong>Batch Duration:</strong> ${UIUtils.formatDuration(listener.batchDurationMs)}</li>
<li><strong>Input data size:</strong> ${batch.numRecords} records</li>
<li><strong>Scheduling delay:</strong> ${UIUtils.formatDuration(batch.schedulingDelay)}</li>
<li><strong>Processing time:</strong> ${UIUtils.formatDuration(batch.processingDelay)}</li>
<li><strong>Total delay:</strong> ${UIUtils.formatDuration(batch.totalDelay)}</li>
<li><strong>Output operations:</strong> ${summary.numCompletedOutputOps} succeeded, ${summary.numFailedOutputOps} failed, of ${summary.numTotalOutputOps}</li></ul>
<h2>Output Operations</h2>${
      UIUtils.table(
        "output-operations",
        ["Output Op Id", "Description", "Duration", "Status", "Job Ids", "Error"],
        rows,
        "No output operations."
      )
    }`
  }
}
