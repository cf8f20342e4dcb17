/**
 * The Stages tab: every kept stage attempt, active, completed and failed;
 * and a stage's page with its summary, its DAG, and the quantiles of its
 * tasks' durations (and of their shuffle read and write, once tasks report
 * metrics).
 *
 * Mirrors `org.apache.spark.ui.jobs.StagesTab`, `AllStagesPage` and `StagePage`.
 *
 * @since 0.1.0
 */
import type { MetricDistributions } from "../../internal/status/taskMetricSamples.js"
import type { StageData } from "../../status/AppStatusListener.js"
import type * as Distribution from "../../util/Distribution.js"
import { type Html, html } from "../html.js"
import * as RDDOperationGraph from "../scope/RDDOperationGraph.js"
import type { SparkUIStores } from "../SparkUI.js"
import * as UIUtils from "../UIUtils.js"
import { type PageContent, parseId, textResponse, type UIRequest, type UIResponse, type WebUITab } from "../WebUI.js"
import { killForm, stageTable } from "./stageTable.js"

const allStagesPage = (stores: SparkUIStores, killEnabled: boolean) => (_request: UIRequest, frame: UIUtils.PageFrame): PageContent => {
  const stages = stores.appStatus.stages()
  const of = (status: StageData["status"]) => stages.filter((s) => s.status === status)
  const [active, completed, failed] = [of("ACTIVE"), of("COMPLETE"), of("FAILED")]
  return {
    title: "Stages for All Jobs",
    content: html`<ul class="summary">
<li><strong>Active Stages:</strong> <span id="num-active-stages">${active.length}</span></li>
<li><strong>Completed Stages:</strong> <span id="num-completed-stages">${completed.length}</span></li>
<li><strong>Failed Stages:</strong> <span id="num-failed-stages">${failed.length}</span></li></ul>
<h2>Active Stages (${active.length})</h2>${stageTable("active-stages", active, frame.now, killEnabled)}
<h2>Completed Stages (${completed.length})</h2>${stageTable("completed-stages", completed, frame.now, false)}
<h2>Failed Stages (${failed.length})</h2>${stageTable("failed-stages", failed, frame.now, false)}`
  }
}

/** The stage's input, shuffle and spill totals, those it has (as Spark's stage page summary). */
const metricTotals = (stage: StageData): Array<Html> => {
  const m = stage.metrics
  const item = (field: string, label: string, value: string) => html`<li data-total="${field}"><strong>${label}:</strong> ${value}</li>`
  const out: Array<Html> = []
  if (m.inputBytes > 0 || m.inputRecords > 0) {
    out.push(item("input", "Input Size / Records", `${UIUtils.formatBytes(m.inputBytes)} / ${m.inputRecords}`))
  }
  if (m.shuffleReadBytes > 0 || m.shuffleReadRecords > 0) {
    out.push(item("shuffleRead", "Shuffle Read Size / Records", `${UIUtils.formatBytes(m.shuffleReadBytes)} / ${m.shuffleReadRecords}`))
  }
  if (m.shuffleWriteBytes > 0 || m.shuffleWriteRecords > 0) {
    out.push(item("shuffleWrite", "Shuffle Write Size / Records", `${UIUtils.formatBytes(m.shuffleWriteBytes)} / ${m.shuffleWriteRecords}`))
  }
  if (m.memoryBytesSpilled > 0 || m.diskBytesSpilled > 0) {
    out.push(
      item("spill", "Spill (Memory / Disk)", `${UIUtils.formatBytes(m.memoryBytesSpilled)} / ${UIUtils.formatBytes(m.diskBytesSpilled)}`)
    )
  }
  return out
}

const QUANTILE_HEADERS = ["Metric", "Min", "25th percentile", "Median", "75th percentile", "Max"]

const quantileCells = (d: Distribution.Distribution, format: (v: number) => string) =>
  [d.min, d.p25, d.median, d.p75, d.max].map((v) => html`<td>${format(v)}</td>`)

/** A size and a record count in one cell, as Spark's `Shuffle Read Size / Records`. */
const sizeAndRecords = (bytes: Distribution.Distribution, records: Distribution.Distribution) =>
  [bytes.min, bytes.p25, bytes.median, bytes.p75, bytes.max].map((v, i) =>
    html`<td>${UIUtils.formatBytes(v)} / ${[records.min, records.p25, records.median, records.p75, records.max][i]}</td>`
  )

/** The summary table's rows: duration, run and deserialize time, result size, then what the stage's tasks read and wrote. */
const summaryRows = (d: MetricDistributions, stage: StageData): Array<Html> => {
  const row = (metric: string, label: string, cells: ReadonlyArray<Html>) =>
    html`<tr data-metric="${metric}"><td>${label}</td>${cells}</tr>`
  const rows = [
    row("duration", "Duration", quantileCells(d.duration, UIUtils.formatDuration)),
    row("executorDeserializeTime", "Task Deserialization Time", quantileCells(d.executorDeserializeTime, UIUtils.formatDuration)),
    row("executorRunTime", "Executor Run Time", quantileCells(d.executorRunTime, UIUtils.formatDuration)),
    row("resultSize", "Result Size", quantileCells(d.resultSize, UIUtils.formatBytes))
  ]
  const m = stage.metrics
  if (m.inputBytes > 0 || m.inputRecords > 0) {
    rows.push(row("input", "Input Size / Records", sizeAndRecords(d.inputBytes, d.inputRecords)))
  }
  if (m.shuffleReadBytes > 0 || m.shuffleReadRecords > 0) {
    rows.push(row("shuffleFetchWaitTime", "Shuffle Read Blocked Time", quantileCells(d.shuffleFetchWaitTime, UIUtils.formatDuration)))
    rows.push(row("shuffleRead", "Shuffle Read Size / Records", sizeAndRecords(d.shuffleReadBytes, d.shuffleReadRecords)))
  }
  if (m.shuffleWriteBytes > 0 || m.shuffleWriteRecords > 0) {
    rows.push(row("shuffleWriteTime", "Shuffle Write Time", quantileCells(d.shuffleWriteTime, UIUtils.formatDuration)))
    rows.push(row("shuffleWrite", "Shuffle Write Size / Records", sizeAndRecords(d.shuffleWriteBytes, d.shuffleWriteRecords)))
  }
  if (m.memoryBytesSpilled > 0 || m.diskBytesSpilled > 0) {
    rows.push(row("memoryBytesSpilled", "Spill (Memory)", quantileCells(d.memoryBytesSpilled, UIUtils.formatBytes)))
    rows.push(row("diskBytesSpilled", "Spill (Disk)", quantileCells(d.diskBytesSpilled, UIUtils.formatBytes)))
  }
  return rows
}

const stagePage =
  (stores: SparkUIStores, killEnabled: boolean) => (request: UIRequest, frame: UIUtils.PageFrame): PageContent | UIResponse => {
    const rawId = request.query.get("id")
    const stageId = parseId(rawId)
    const rawAttempt = request.query.get("attempt")
    const attemptId = rawAttempt === null ? 0 : parseId(rawAttempt)
    if (stageId === undefined || attemptId === undefined) {
      return textResponse(400, `Missing or invalid id or attempt parameter: ${rawId ?? ""}`)
    }
    const store = stores.appStatus
    const stage = store.stage(stageId, attemptId)
    if (stage === undefined) {
      return textResponse(404, `No stage ${stageId} attempt ${attemptId} is kept (it may have been dropped by spark.ui.retainedStages)`)
    }
    const distributions = store.taskMetricDistributions(stageId, attemptId)
    const rows = distributions === undefined ? [] : summaryRows(distributions, stage)
    const parents = stage.parentIds.flatMap((id) => {
      const parent = store.stage(id)
      return parent === undefined ? [] : [RDDOperationGraph.clusterOf(parent)]
    })
    return {
      title: `Details for Stage ${stageId} (Attempt ${attemptId})`,
      content: html`<ul class="summary" id="stage-summary" data-stage-id="${stageId}" data-status="${stage.status}">
<li><strong>Status:</strong> ${stage.status}</li>
<li><strong>Description:</strong> ${stage.name}</li>
<li><strong>Submitted:</strong> ${UIUtils.formatDate(stage.submissionTime)}</li>
<li><strong>Duration:</strong> ${
        UIUtils.formatDuration(stage.submissionTime === undefined ? undefined : (stage.completionTime ?? frame.now) - stage.submissionTime)
      }</li>
<li><strong>Tasks:</strong> ${stage.numCompleteTasks} succeeded, ${stage.numFailedTasks} failed, ${stage.numKilledTasks} killed, ${stage.numActiveTasks} running, of ${stage.numTasks}</li>
<li><strong>Total Time Across All Tasks:</strong> ${UIUtils.formatDuration(stage.metrics.executorRunTime)}</li>
${metricTotals(stage)}
${stage.failureReason === undefined ? "" : html`<li><strong>Failure:</strong> <span class="failure">${stage.failureReason}</span></li>`}
</ul>${killEnabled && stage.status === "ACTIVE" ? killForm(`/stages/stage/kill/?id=${stageId}`) : ""}
<h2>DAG Visualization</h2>${RDDOperationGraph.render([...parents, RDDOperationGraph.clusterOf(stage)])}
<h2>Summary Metrics for ${distributions?.count ?? 0} Completed Tasks</h2>${
        UIUtils.table("task-summary", QUANTILE_HEADERS, rows, "No completed tasks yet.")
      }
<h2>Tasks</h2>${
        UIUtils.progressBar({
          completed: stage.numCompleteTasks,
          active: stage.numActiveTasks,
          failed: stage.numFailedTasks,
          killed: stage.numKilledTasks,
          total: stage.numTasks
        })
      }`
    }
  }

/**
 * The Stages tab over the stores (kill links when `killEnabled`).
 *
 * Mirrors `org.apache.spark.ui.jobs.StagesTab`.
 *
 * **Example**
 * ```ts
 * ui.attachTab(StagesTab(stores, false))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const StagesTab = (stores: SparkUIStores, killEnabled: boolean): WebUITab => ({
  prefix: "stages",
  name: "Stages",
  pages: [{ prefix: "", render: allStagesPage(stores, killEnabled) }, { prefix: "stage", render: stagePage(stores, killEnabled) }]
})
