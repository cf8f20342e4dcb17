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
import type { StageData } from "../../status/AppStatusListener.js"
import { html } from "../html.js"
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

const QUANTILE_HEADERS = ["Metric", "Min", "25th percentile", "Median", "75th percentile", "Max"]

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
    const durations = store.taskDurationDistribution(stageId, attemptId)
    // Each row one metric: duration today; shuffle read and write join it when tasks report metrics.
    const rows = durations === undefined ? [] : [
      html`<tr data-metric="duration"><td>Duration</td>${
        [durations.min, durations.p25, durations.median, durations.p75, durations.max].map((v) =>
          html`<td>${UIUtils.formatDuration(v)}</td>`
        )
      }</tr>`
    ]
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
${stage.failureReason === undefined ? "" : html`<li><strong>Failure:</strong> <span class="failure">${stage.failureReason}</span></li>`}
</ul>${killEnabled && stage.status === "ACTIVE" ? killForm(`/stages/stage/kill/?id=${stageId}`) : ""}
<h2>DAG Visualization</h2>${RDDOperationGraph.render([...parents, RDDOperationGraph.clusterOf(stage)])}
<h2>Summary Metrics for ${durations?.count ?? 0} Completed Tasks</h2>${
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
