/**
 * The Executors tab: each executor, active or removed (the last
 * `spark.ui.retainedDeadExecutors`), with its address, cores, tasks
 * (active, failed, complete, total) and task time; memory and the receivers
 * running on it join as the stores gain them.
 *
 * Mirrors `org.apache.spark.ui.exec.ExecutorsTab` and `ExecutorsPage`.
 *
 * @since 0.1.0
 */
import { html } from "../html.js"
import type { SparkUIStores } from "../SparkUI.js"
import * as UIUtils from "../UIUtils.js"
import type { WebUITab } from "../WebUI.js"

/**
 * The Executors tab over the stores.
 *
 * Mirrors `org.apache.spark.ui.exec.ExecutorsTab`.
 *
 * **Example**
 * ```ts
 * ui.attachTab(ExecutorsTab(stores))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const ExecutorsTab = (stores: SparkUIStores): WebUITab => ({
  prefix: "executors",
  name: "Executors",
  pages: [{
    prefix: "",
    render: () => {
      const executors = stores.appStatus.executors()
      const active = executors.filter((e) => e.isActive)
      return {
        title: "Executors",
        content: html`<ul class="summary"><li><strong>Active:</strong> <span id="num-active-executors">${active.length}</span></li>
<li><strong>Dead:</strong> <span id="num-dead-executors">${executors.length - active.length}</span></li>
<li><strong>Cores:</strong> ${active.reduce((n, e) => n + e.totalCores, 0)}</li></ul>${
          UIUtils.table(
            "executors",
            [
              "Executor ID",
              "Address",
              "Status",
              "Cores",
              "Active Tasks",
              "Failed Tasks",
              "Complete Tasks",
              "Total Tasks",
              "Task Time",
              "Removed"
            ],
            executors.map((e) =>
              html`<tr data-executor-id="${e.id}" data-active="${e.isActive}"><td>${e.id}</td><td>${e.hostPort}</td><td>${
                e.isActive ? "Active" : "Dead"
              }</td><td>${e.totalCores}</td><td>${e.activeTasks}</td><td>${e.failedTasks}</td><td>${e.completedTasks}</td><td>${e.totalTasks}</td><td>${
                UIUtils.formatDuration(e.totalDuration)
              }</td><td>${e.removeReason ?? ""}</td></tr>`
            ),
            "No executors."
          )
        }`
      }
    }
  }]
})
