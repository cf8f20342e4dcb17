/**
 * The history server's home page: the applications of the log directory,
 * with links to their rebuilt UIs. Completed ones by default, the ones still
 * running with `?showIncomplete=true`; logs that could not be read are
 * listed on both, with their error. Every value is escaped.
 *
 * Mirrors `org.apache.spark.deploy.history.HistoryPage`.
 *
 * @since 0.1.0
 */
import { html, type Html } from "../../ui/html.js"
import * as UIUtils from "../../ui/UIUtils.js"
import type { ApplicationHistoryInfo } from "./ApplicationHistoryProvider.js"

/**
 * What the page shows besides the listing.
 *
 * @category models
 * @since 0.1.0
 */
export interface HistoryPageContext {
  readonly logDir: string
  readonly showIncomplete: boolean
  readonly now: number
  /** The last scan's error (the directory went away): the listing shown is the previous one. */
  readonly scanError: string | undefined
}

const appRow = (app: ApplicationHistoryInfo): Html => {
  const end = app.endTime
  // A running application's duration is up to its log's last change, as Spark's listing shows it.
  const duration = app.startTime === undefined ? undefined : Math.max(0, (end ?? app.lastUpdated) - app.startTime)
  return html`<tr data-app-id="${app.id}" data-completed="${String(app.completed)}"><td><a href="/history/${
    encodeURIComponent(app.id)
  }/jobs/">${app.id}</a></td><td>${app.name}</td><td>${UIUtils.formatDate(app.startTime)}</td><td>${
    app.completed ? UIUtils.formatDate(end) : "in progress"
  }</td><td>${UIUtils.formatDuration(duration)}</td><td>${app.sparkUser}</td><td>${UIUtils.formatDate(app.lastUpdated)}</td></tr>`
}

const errorRow = (app: ApplicationHistoryInfo): Html =>
  html`<tr data-log="${app.path}"><td>${app.path}</td><td class="error">${app.error ?? ""}</td></tr>`

/**
 * The page for a listing.
 *
 * **Example**
 * ```ts
 * HistoryPage.render(listing, { logDir: "/tmp/spark-events", showIncomplete: false, now: Date.now(), scanError: undefined })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const render = (listing: ReadonlyArray<ApplicationHistoryInfo>, context: HistoryPageContext): Html => {
  const readable = listing.filter((app) => app.error === undefined)
  const shown = readable.filter((app) => app.completed !== context.showIncomplete)
  const failed = listing.filter((app) => app.error !== undefined)
  const frame: UIUtils.PageFrame = { appName: "History Server", appId: "", tabs: [], refreshMs: 0, now: context.now }
  const title = context.showIncomplete ? "Incomplete applications" : "Completed applications"
  const content = html`<p>Event log directory: <code id="log-dir">${context.logDir}</code></p>${
    context.scanError === undefined ? "" : html`<p class="error" id="scan-error">${context.scanError}</p>`
  }${
    UIUtils.table(
      "applications",
      ["App ID", "App Name", "Started", "Completed", "Duration", "Spark User", "Last Updated"],
      shown.map(appRow),
      context.showIncomplete ? "No incomplete applications found!" : "No completed applications found!"
    )
  }<p>${
    context.showIncomplete
      ? html`<a id="toggle-incomplete" href="/">Back to completed applications</a>`
      : html`<a id="toggle-incomplete" href="/?showIncomplete=true">Show incomplete applications</a> (${readable.length - shown.length})`
  }</p>${
    failed.length === 0
      ? ""
      : html`<h2>Event logs that could not be read</h2>${UIUtils.table("failed-logs", ["Event log", "Error"], failed.map(errorRow))}`
  }`
  return UIUtils.page(frame, "", title, content)
}
