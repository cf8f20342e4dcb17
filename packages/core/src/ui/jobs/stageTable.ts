/**
 * The table of stage attempts that the Stages page and a job's page show:
 * id, description (a link to the stage's page), submitted, duration, tasks
 * (a progress bar), the stage's input, shuffle read and shuffle write
 * totals, status and failure reason.
 *
 * Mirrors `org.apache.spark.ui.jobs.StageTableBase`.
 *
 * @since 0.1.0
 */
import type { StageData } from "../../status/AppStatusListener.js"
import { type Html, html } from "../html.js"
import * as UIUtils from "../UIUtils.js"

/** A total in bytes, empty when 0 (as Spark's stage table leaves it). */
const bytesCell = (field: string, bytes: number): Html =>
  html`<td data-field="${field}" data-bytes="${bytes}">${bytes > 0 ? UIUtils.formatBytes(bytes) : ""}</td>`

/**
 * A table of stages, `<table id="<id>">`, one row (`data-stage-id`, `data-attempt-id`) a stage attempt.
 *
 * **Example**
 * ```ts
 * stageTable("completed-stages", store.stages().filter((s) => s.status === "COMPLETE"), now, false)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const stageTable = (id: string, stages: ReadonlyArray<StageData>, now: number, killEnabled: boolean): Html =>
  UIUtils.table(
    id,
    [
      "Stage Id",
      "Description",
      "Submitted",
      "Duration",
      "Tasks: Succeeded/Total",
      "Input",
      "Shuffle Read",
      "Shuffle Write",
      "Status",
      "Failure Reason"
    ],
    stages.map((s) =>
      html`<tr data-stage-id="${s.stageId}" data-attempt-id="${s.attemptId}" data-status="${s.status}"><td>${s.stageId}${
        s.attemptId > 0 ? ` (retry ${s.attemptId})` : ""
      }</td><td><a href="/stages/stage/?id=${s.stageId}&amp;attempt=${s.attemptId}">${s.name}</a>${
        killEnabled && s.status === "ACTIVE" ? killForm(`/stages/stage/kill/?id=${s.stageId}`) : ""
      }</td><td>${UIUtils.formatDate(s.submissionTime)}</td><td>${
        UIUtils.formatDuration(s.submissionTime === undefined ? undefined : (s.completionTime ?? now) - s.submissionTime)
      }</td><td>${
        UIUtils.progressBar({
          completed: s.numCompleteTasks,
          active: s.numActiveTasks,
          failed: s.numFailedTasks,
          killed: s.numKilledTasks,
          total: s.numTasks
        })
      }</td>${bytesCell("input", s.metrics.inputBytes)}${bytesCell("shuffleRead", s.metrics.shuffleReadBytes)}${
        bytesCell("shuffleWrite", s.metrics.shuffleWriteBytes)
      }<td>${s.status}</td><td class="failure">${s.failureReason ?? ""}</td></tr>`
    ),
    "No stages."
  )

/**
 * The kill link, a form that POSTs (shown only when `spark.ui.killEnabled`).
 *
 * **Example**
 * ```ts
 * killForm("/jobs/job/kill/?id=3")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const killForm = (action: string): Html =>
  html` <form class="kill" method="post" action="${action}"><button type="submit" class="kill-link">(kill)</button></form>`
