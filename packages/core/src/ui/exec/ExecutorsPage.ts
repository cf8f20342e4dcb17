/**
 * The Executors tab: each executor, active or removed (the last
 * `spark.ui.retainedDeadExecutors`), with its address, cores, the RDD
 * blocks it caches and their memory and disk, its tasks (active, failed,
 * complete, total), task time, input and shuffle bytes; and a column per
 * attached tab that adds one (the Streaming tab: the receivers running on
 * each executor).
 *
 * Mirrors `org.apache.spark.ui.exec.ExecutorsTab` and `ExecutorsPage`.
 *
 * @since 0.1.0
 */
import { html } from "../html.js"
import type { SparkUIStores } from "../SparkUI.js"
import * as UIUtils from "../UIUtils.js"
import type { WebUITab } from "../WebUI.js"

const HEADERS = [
  "Executor ID",
  "Address",
  "Status",
  "RDD Blocks",
  "Storage Memory",
  "Disk Used",
  "Cores",
  "Active Tasks",
  "Failed Tasks",
  "Complete Tasks",
  "Total Tasks",
  "Task Time",
  "Input",
  "Shuffle Read",
  "Shuffle Write",
  "Removed"
]

/**
 * The Executors tab over the stores; `tabs` gives the UI's tabs, whose executor columns it shows.
 *
 * Mirrors `org.apache.spark.ui.exec.ExecutorsTab`.
 *
 * **Example**
 * ```ts
 * ui.attachTab(ExecutorsTab(stores, () => ui.tabs))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const ExecutorsTab = (stores: SparkUIStores, tabs: () => ReadonlyArray<WebUITab> = () => []): WebUITab => ({
  prefix: "executors",
  name: "Executors",
  pages: [{
    prefix: "",
    render: () => {
      const executors = stores.appStatus.executors()
      const active = executors.filter((e) => e.isActive)
      const columns = tabs().flatMap((tab) => (tab.executorColumn === undefined ? [] : [tab.executorColumn]))
      return {
        title: "Executors",
        content: html`<ul class="summary"><li><strong>Active:</strong> <span id="num-active-executors">${active.length}</span></li>
<li><strong>Dead:</strong> <span id="num-dead-executors">${executors.length - active.length}</span></li>
<li><strong>Cores:</strong> ${active.reduce((n, e) => n + e.totalCores, 0)}</li>
<li><strong>Storage Memory:</strong> ${UIUtils.formatBytes(active.reduce((n, e) => n + e.memoryUsed, 0))} / ${
          UIUtils.formatBytes(active.reduce((n, e) => n + e.maxMemory, 0))
        }</li>
<li><strong>Disk Used:</strong> ${UIUtils.formatBytes(active.reduce((n, e) => n + e.diskUsed, 0))}</li></ul>${
          UIUtils.table(
            "executors",
            [...HEADERS, ...columns.map((c) => c.header)],
            executors.map((e) =>
              html`<tr data-executor-id="${e.id}" data-active="${e.isActive}"><td>${e.id}</td><td>${e.hostPort}</td><td>${
                e.isActive ? "Active" : "Dead"
              }</td><td data-field="rddBlocks">${e.rddBlocks}</td><td data-field="memoryUsed" data-bytes="${e.memoryUsed}" data-max-bytes="${e.maxMemory}">${
                UIUtils.formatBytes(e.memoryUsed)
              } / ${UIUtils.formatBytes(e.maxMemory)}</td><td data-field="diskUsed" data-bytes="${e.diskUsed}">${
                UIUtils.formatBytes(e.diskUsed)
              }</td><td>${e.totalCores}</td><td>${e.activeTasks}</td><td>${e.failedTasks}</td><td>${e.completedTasks}</td><td>${e.totalTasks}</td><td>${
                UIUtils.formatDuration(e.totalDuration)
              }</td><td data-bytes="${e.totalInputBytes}">${
                UIUtils.formatBytes(e.totalInputBytes)
              }</td><td data-bytes="${e.totalShuffleRead}">${
                UIUtils.formatBytes(e.totalShuffleRead)
              }</td><td data-bytes="${e.totalShuffleWrite}">${UIUtils.formatBytes(e.totalShuffleWrite)}</td><td>${
                e.removeReason ?? ""
              }</td>${
                columns.map((c) => {
                  const entries = c.entries(e.id)
                  return html`<td class="executor-column" data-count="${entries.length}">${entries.join(", ")}</td>`
                })
              }</tr>`
            ),
            "No executors."
          )
        }`
      }
    }
  }]
})
