// How the UI answers a request: the method rules (read-only unless kill is
// enabled), static files, the REST API, the kill actions, and the tabs'
// pages framed by the header. Plain data in and out, no server in sight.
import { handleApi } from "../../ui/api/ApiRootResource.js"
import { html } from "../../ui/html.js"
import type { SparkUI } from "../../ui/SparkUI.js"
import * as UIUtils from "../../ui/UIUtils.js"
import { parseId, textResponse, type UIRequest, type UIResponse } from "../../ui/WebUI.js"
import { staticFile } from "./staticFiles.js"

const htmlResponse = (body: string, status = 200): UIResponse => ({ status, contentType: "text/html; charset=utf-8", body })

const redirect = (location: string): UIResponse => ({
  status: 302,
  contentType: "text/plain; charset=utf-8",
  body: `Found: ${location}`,
  headers: { location }
})

const methodNotAllowed = (allow: string): UIResponse => ({
  status: 405,
  contentType: "application/json; charset=utf-8",
  body: JSON.stringify({
    message: `Method not allowed: the UI is read-only (allowed: ${allow}); set spark.ui.killEnabled=true to kill jobs and stages`
  }),
  headers: { allow }
})

/** Spark's kill links: POST /jobs/job/kill/?id=N and /stages/stage/kill/?id=N (a stage's running jobs are cancelled). */
const kill = (ui: SparkUI, request: UIRequest): UIResponse | undefined => {
  const path = request.path.replace(/\/+$/, "")
  if (path !== "/jobs/job/kill" && path !== "/stages/stage/kill") return undefined
  const killer = ui.killer
  if (killer === undefined) return methodNotAllowed("GET, HEAD")
  const id = parseId(request.query.get("id"))
  if (id === undefined) return textResponse(400, "Missing or invalid id parameter")
  const store = ui.stores.appStatus
  const jobIds = path === "/jobs/job/kill"
    ? (store.job(id)?.status === "RUNNING" ? [id] : [])
    : store.jobs().filter((job) => job.status === "RUNNING" && job.stageIds.includes(id)).map((job) => job.jobId)
  for (const jobId of jobIds) killer.killJob(jobId)
  return redirect(path === "/jobs/job/kill" ? "/jobs/" : "/stages/")
}

const page = (ui: SparkUI, request: UIRequest): UIResponse => {
  const [tabPrefix = "", pagePrefix = "", ...rest] = request.path.split("/").filter((s) => s !== "")
  const tab = ui.tabs.find((t) => t.prefix === tabPrefix)
  const target = rest.length === 0 ? tab?.pages.find((p) => p.prefix === pagePrefix) : undefined
  if (tab === undefined || target === undefined) return htmlResponse(`<!DOCTYPE html><p>Not found: ${html`${request.path}`}</p>`, 404)
  if (!request.path.endsWith("/")) return redirect(`${request.path}/${request.query.size > 0 ? `?${request.query}` : ""}`)
  const app = ui.stores.application()
  const refresh = request.query.get("refresh")
  const frame: UIUtils.PageFrame = {
    appName: app.name,
    appId: app.id,
    tabs: ui.tabs.map((t) => [t.prefix, t.name] as const),
    refreshMs: refresh !== null && /^\d+$/.test(refresh) ? Number(refresh) : ui.refreshMs,
    now: app.endTime ?? ui.now()
  }
  const rendered = target.render(request, frame)
  if (!("title" in rendered)) return rendered
  return htmlResponse(
    request.query.get("fragment") === "content"
      ? UIUtils.fragment(rendered.title, rendered.content).value
      : UIUtils.page(frame, tab.prefix, rendered.title, rendered.content).value
  )
}

export const handleRequest = (ui: SparkUI, request: UIRequest): UIResponse => {
  if (request.method === "POST" || request.method === "DELETE" || request.method === "PUT" || request.method === "PATCH") {
    return (request.method === "POST" ? kill(ui, request) : undefined) ??
      methodNotAllowed(ui.killer === undefined ? "GET, HEAD" : "GET, HEAD, POST")
  }
  if (request.method !== "GET" && request.method !== "HEAD") return methodNotAllowed("GET, HEAD")
  if (request.path === "/" || request.path === "") return redirect("/jobs/")
  if (request.path.startsWith("/static/")) return staticFile(request.path.slice("/static/".length))
  if (request.path === "/api/v1" || request.path.startsWith("/api/v1/")) {
    const result = handleApi(ui, request.path.slice("/api/v1".length).split("/").filter((s) => s !== ""), request.query)
    return { status: result.status, contentType: "application/json; charset=utf-8", body: JSON.stringify(result.body, null, 2) }
  }
  return page(ui, request)
}
