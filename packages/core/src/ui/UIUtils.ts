/**
 * What every page of the web UI shares: the page frame (header, tabs,
 * content), tables, task progress bars, and the formats of times, durations
 * and sizes.
 *
 * Mirrors `org.apache.spark.ui.UIUtils`.
 *
 * @since 0.1.0
 */
import { type Html, html } from "./html.js"

/**
 * What a page needs to know about the UI it is part of: its application, its
 * tabs (for the header) and how often the page refreshes itself.
 *
 * @category models
 * @since 0.1.0
 */
export interface PageFrame {
  readonly appName: string
  readonly appId: string
  /** The tabs, in header order: `[prefix, name]`. */
  readonly tabs: ReadonlyArray<readonly [prefix: string, name: string]>
  /** How often the page re-reads its content and charts, ms; 0 for never. */
  readonly refreshMs: number
  /** The time durations of running things are measured to: now, or the application's end. */
  readonly now: number
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0")

/**
 * A time as the pages show it, `yyyy/MM/dd HH:mm:ss` (UTC, so pages do not depend on the machine's zone).
 *
 * Mirrors `UIUtils.formatDate`.
 *
 * **Example**
 * ```ts
 * UIUtils.formatDate(0) // "1970/01/01 00:00:00"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const formatDate = (ms: number | undefined): string => {
  if (ms === undefined) return "-"
  const d = new Date(ms)
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}

/**
 * A batch time as the Streaming tab shows it, with milliseconds when the batch interval has them.
 *
 * Mirrors `UIUtils.formatBatchTime`.
 *
 * **Example**
 * ```ts
 * UIUtils.formatBatchTime(1500, 500) // "1970/01/01 00:00:01.500"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const formatBatchTime = (ms: number, batchIntervalMs: number): string =>
  batchIntervalMs % 1000 === 0 ? formatDate(ms) : `${formatDate(ms)}.${pad(new Date(ms).getUTCMilliseconds(), 3)}`

/**
 * A date as the REST API writes it: `yyyy-MM-dd'T'HH:mm:ss.SSS'GMT'`.
 *
 * Mirrors the date format of `org.apache.spark.status.api.v1.JacksonMessageWriter`.
 *
 * **Example**
 * ```ts
 * UIUtils.formatApiDate(0) // "1970-01-01T00:00:00.000GMT"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const formatApiDate = (ms: number): string => new Date(ms).toISOString().replace("Z", "GMT")

/**
 * A duration as the pages show it: `120 ms`, `1.5 s`, `2.0 min`, `1.1 h`.
 *
 * Mirrors `UIUtils.formatDuration`.
 *
 * **Example**
 * ```ts
 * UIUtils.formatDuration(1500) // "1.5 s"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const formatDuration = (ms: number | undefined): string => {
  if (ms === undefined) return "-"
  if (ms < 100) return `${Math.round(ms)} ms`
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds < 1 ? seconds.toFixed(1) : seconds.toFixed(seconds < 10 ? 1 : 0)} s`
  const minutes = seconds / 60
  if (minutes < 60) return `${minutes.toFixed(1)} min`
  const hours = minutes / 60
  return hours < 24 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} d`
}

/**
 * A size as the pages show it: `512.0 B`, `1.5 KiB`, `3.2 MiB`.
 *
 * Mirrors `org.apache.spark.util.Utils.bytesToString`.
 *
 * **Example**
 * ```ts
 * UIUtils.formatBytes(1536) // "1.5 KiB"
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const formatBytes = (bytes: number): string => {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"]
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/**
 * A table with an id and its row count as `data-rows`, so tests and scripts
 * can find it and count what it shows.
 *
 * Mirrors `UIUtils.listingTable`.
 *
 * **Example**
 * ```ts
 * UIUtils.table("jobs", ["Job Id", "Status"], jobs.map((j) => html`<tr><td>${j.jobId}</td><td>${j.status}</td></tr>`))
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const table = (id: string, headers: ReadonlyArray<string>, rows: ReadonlyArray<Html>, empty = "Nothing to show yet."): Html =>
  html`<table class="table" id="${id}" data-rows="${rows.length}"><thead><tr>${
    headers.map((h) => html`<th>${h}</th>`)
  }</tr></thead><tbody>${
    rows.length === 0 ? html`<tr class="empty"><td colspan="${headers.length}">${empty}</td></tr>` : rows
  }</tbody></table>`

/**
 * A task progress bar: completed, running and failed of a total.
 *
 * Mirrors `UIUtils.makeProgressBar`.
 *
 * **Example**
 * ```ts
 * UIUtils.progressBar({ completed: 3, active: 1, failed: 0, killed: 0, total: 8 })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const progressBar = (
  tasks: { readonly completed: number; readonly active: number; readonly failed: number; readonly killed: number; readonly total: number }
): Html => {
  const width = (n: number) => (tasks.total === 0 ? 0 : Math.min(100, (n / tasks.total) * 100)).toFixed(1)
  const extra = [tasks.failed > 0 ? `(${tasks.failed} failed)` : "", tasks.killed > 0 ? `(${tasks.killed} killed)` : ""]
    .filter((s) => s !== "").join(" ")
  return html`<div class="progress" data-completed="${tasks.completed}" data-total="${tasks.total}"><span class="progress-text">${tasks.completed}/${tasks.total}${
    tasks.active > 0 ? ` (${tasks.active} running)` : ""
  }${extra === "" ? "" : ` ${extra}`}</span><div class="bar completed" style="width: ${
    width(tasks.completed)
  }%"></div><div class="bar running" style="width: ${width(tasks.active)}%"></div></div>`
}

/**
 * The page frame: the header (application name, the tabs, the active one
 * marked) and the content, with the UI's stylesheet and script. The
 * content sits in `#content`, which the script re-reads every `refreshMs`.
 *
 * Mirrors `UIUtils.headerSparkPage`.
 *
 * **Example**
 * ```ts
 * UIUtils.page(frame, "jobs", "Spark Jobs", html`<p>none</p>`)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const page = (frame: PageFrame, activeTab: string, title: string, content: Html): Html =>
  html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${frame.appName} - ${title}</title>
<link rel="stylesheet" href="/static/uplot.min.css"><link rel="stylesheet" href="/static/tspark-ui.css">
<script src="/static/uplot.iife.min.js"></script><script src="/static/tspark-ui.js" defer></script></head>
<body data-app-id="${frame.appId}" data-refresh-ms="${frame.refreshMs}">
<nav class="navbar"><span class="brand">tspark</span><ul class="tabs">${
    frame.tabs.map(([prefix, name]) =>
      html`<li class="${prefix === activeTab ? "active" : ""}"><a href="/${prefix}/" data-tab="${prefix}">${name}</a></li>`
    )
  }</ul><span class="app-name" id="app-name" title="${frame.appName}">${frame.appName} application UI</span></nav>
<main id="content" data-tab="${activeTab}"><h1 id="page-title">${title}</h1>
${content}</main></body></html>`

/**
 * Only the `#content` of a page, as the page script fetches it to refresh
 * (`?fragment=content`).
 *
 * **Example**
 * ```ts
 * UIUtils.fragment("Spark Jobs", html`<p>none</p>`)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fragment = (title: string, content: Html): Html =>
  html`<h1 id="page-title">${title}</h1>
${content}`
