/**
 * The history server: the web UI of finished and running applications,
 * rebuilt from the event logs they wrote (`spark.eventLog.enabled`). Its
 * home page lists the applications; `/history/<appId>/` is that
 * application's UI (its Jobs, Stages, Environment, Executors tabs and what
 * plugins add, such as Streaming); `/api/v1/applications` lists them all and
 * `/api/v1/applications/<appId>/...` answers from that application's UI, in
 * the live UI's shapes.
 *
 * Settings, as Spark's: `spark.history.fs.logDirectory` (or `logDir`),
 * `spark.history.ui.port` (default 18080; 0 for any free port),
 * `spark.history.ui.host` (default 127.0.0.1: bind other addresses only
 * knowingly, the UI has no authentication), `spark.history.fs.update.interval`
 * (default 10s: how often the directory is re-read), and
 * `spark.history.retainedApplications` (default 50: how many rebuilt UIs are
 * kept in memory).
 *
 * Mirrors `org.apache.spark.deploy.history.HistoryServer`.
 *
 * @since 0.1.0
 */
import { Clock, Effect, type Scope } from "effect"
import * as fsp from "node:fs/promises"
import * as path from "node:path"
import { applicationJson } from "../../internal/ui/apiShapes.js"
import { staticFile } from "../../internal/ui/staticFiles.js"
import { bindServer } from "../../internal/ui/uiServer.js"
import { tsparkVersion } from "../../internal/version.js"
import * as SparkConf from "../../SparkConf.js"
import { InvalidArgumentError } from "../../SparkError.js"
import { html } from "../../ui/html.js"
import type { UIRequest, UIResponse } from "../../ui/WebUI.js"
import type { AppHistoryServerPlugin } from "./AppHistoryServerPlugin.js"
import type { ApplicationHistoryInfo } from "./ApplicationHistoryProvider.js"
import { FsHistoryProvider } from "./FsHistoryProvider.js"
import * as HistoryPage from "./HistoryPage.js"

/**
 * The options of `start`: `logDir`, `port` and `host` override the
 * configuration's settings (the command line's `--dir`, `--port`, `--host`).
 *
 * @category models
 * @since 0.1.0
 */
export interface HistoryServerOptions {
  readonly logDir?: string
  readonly port?: number
  readonly host?: string
  readonly conf?: SparkConf.SparkConf
  readonly plugins?: ReadonlyArray<AppHistoryServerPlugin>
}

/**
 * A started history server: its address, its provider, and `handle` (what
 * its HTTP server answers with, for tests without a socket).
 *
 * @category models
 * @since 0.1.0
 */
export interface HistoryServer {
  readonly url: string
  readonly logDir: string
  readonly provider: FsHistoryProvider
  readonly handle: (request: UIRequest) => Effect.Effect<UIResponse>
}

const invalid = (message: string) => new InvalidArgumentError({ method: "HistoryServer", message })

const orFail = <A>(value: A | InvalidArgumentError): Effect.Effect<A, InvalidArgumentError> =>
  value instanceof InvalidArgumentError ? Effect.fail(value) : Effect.succeed(value)

const readSettings = Effect.fnUntraced(function*(options: HistoryServerOptions) {
  const conf = options.conf ?? SparkConf.make()
  const dir = options.logDir ?? conf.entries.get("spark.history.fs.logDirectory")
  if (dir === undefined || dir.trim() === "") {
    return yield* invalid("no event log directory: set spark.history.fs.logDirectory (tspark history --dir DIR)")
  }
  const logDir = path.resolve(dir.replace(/^file:(\/\/)?/, ""))
  const stat = yield* Effect.tryPromise({ try: () => fsp.stat(logDir), catch: (error) => error as Error }).pipe(
    Effect.mapError((error) =>
      invalid(`spark.history.fs.logDirectory (--dir) ${logDir} cannot be read (${error.message}): give an existing directory`)
    )
  )
  if (!stat.isDirectory()) return yield* invalid(`spark.history.fs.logDirectory (--dir) ${logDir} is not a directory: give a directory`)
  yield* Effect.tryPromise({ try: () => fsp.access(logDir, fsp.constants.R_OK | fsp.constants.X_OK), catch: (error) => error as Error })
    .pipe(Effect.mapError((error) => invalid(`spark.history.fs.logDirectory (--dir) ${logDir} is not readable (${error.message})`)))
  const port = options.port ?? (yield* orFail(SparkConf.getInt(conf, "spark.history.ui.port", 18080, 0)))
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return yield* invalid(`spark.history.ui.port (--port) must be a port in 0..65535 (0 for any free port), got "${port}"`)
  }
  const host = (options.host ?? SparkConf.getString(conf, "spark.history.ui.host", "127.0.0.1")).trim()
  if (host === "" || /[\s/]/.test(host)) {
    return yield* invalid(`spark.history.ui.host (--host) must be a host name or address to bind, got "${host}"`)
  }
  const updateIntervalMs = yield* orFail(SparkConf.getTimeAsMs(conf, "spark.history.fs.update.interval", "10s"))
  if (updateIntervalMs < 0) return yield* invalid(`spark.history.fs.update.interval must not be negative, got ${updateIntervalMs} ms`)
  const retainedApplications = yield* orFail(SparkConf.getInt(conf, "spark.history.retainedApplications", 50, 1))
  const maxRetries = yield* orFail(SparkConf.getInt(conf, "spark.port.maxRetries", 16, 0))
  return { conf, logDir, port, host, updateIntervalMs, retainedApplications, maxRetries }
})

const htmlResponse = (body: string, status = 200): UIResponse => ({ status, contentType: "text/html; charset=utf-8", body })
const jsonResponse = (body: unknown, status = 200): UIResponse => ({
  status,
  contentType: "application/json; charset=utf-8",
  body: JSON.stringify(body, null, 2)
})
const notFoundPage = (text: string) =>
  htmlResponse(html`<!DOCTYPE html><p id="not-found">${text}</p><p><a href="/">Back to the applications</a></p>`.value, 404)

/** The listing as `/api/v1/applications` writes it, in the live UI's shape (`?status=completed|running`, `?limit=N`). */
const listingJson = (listing: ReadonlyArray<ApplicationHistoryInfo>, query: URLSearchParams): UIResponse => {
  const status = query.get("status")?.toLowerCase()
  if (status !== undefined && status !== "completed" && status !== "running") {
    return jsonResponse({ message: `status must be completed or running, got "${status}"` }, 400)
  }
  const limitText = query.get("limit")
  const limit = limitText === null ? Infinity : Number(limitText)
  if (!(limit >= 0)) return jsonResponse({ message: `limit must be a non-negative number, got "${limitText}"` }, 400)
  const apps = listing
    .filter((app) => app.error === undefined && (status === undefined || app.completed === (status === "completed")))
    .slice(0, limit)
    .map((app) =>
      applicationJson({
        id: app.id,
        name: app.name,
        startTime: app.startTime ?? 0,
        endTime: app.endTime,
        sparkUser: app.sparkUser,
        appSparkVersion: tsparkVersion
      }, app.lastUpdated)
    )
  return jsonResponse(apps)
}

/** Links of a rebuilt UI's page point into the application's own prefix (static files and the REST API are served at the root). */
const rebase = (response: UIResponse, appId: string): UIResponse => {
  const base = `/history/${encodeURIComponent(appId)}/`
  const location = response.headers?.["location"]
  const headers = location?.startsWith("/") ? { ...response.headers, location: base + location.slice(1) } : response.headers
  const body = typeof response.body === "string" && response.contentType.startsWith("text/html")
    ? response.body.replace(/\b(href|src|action)="\/(?!static\/|api\/v1\/|history\/)/g, `$1="${base}`)
    : response.body
  return { ...response, body, ...(headers === undefined ? {} : { headers }) }
}

const makeHandler = (provider: FsHistoryProvider, logDir: string) => {
  const listing = provider.getListing.pipe(
    Effect.map((apps) => ({ apps, error: undefined as string | undefined })),
    Effect.catch((error) =>
      Effect.logWarning(`could not list ${logDir}: ${error.message}`).pipe(
        Effect.as({ apps: provider.lastListing(), error: `could not re-read the event log directory: ${error.message}` })
      )
    )
  )
  const appUI = (appId: string, request: UIRequest, inPrefix: boolean): Effect.Effect<UIResponse> =>
    provider.getAppUI(appId).pipe(
      Effect.map((loaded): UIResponse => {
        if (loaded._tag === "NotFound") {
          return inPrefix ? notFoundPage(`Application ${appId} not found.`) : jsonResponse({ message: `unknown app: ${appId}` }, 404)
        }
        if (loaded._tag === "Failed") {
          const message = `the event log ${loaded.info.path} could not be replayed: ${loaded.error}`
          return inPrefix
            ? htmlResponse(html`<!DOCTYPE html><p class="error" id="load-error">${message}</p>`.value, 500)
            : jsonResponse({ message }, 500)
        }
        return inPrefix ? rebase(loaded.ui.handle(request), appId) : loaded.ui.handle(request)
      }),
      Effect.catch((error) => Effect.succeed(jsonResponse({ message: error.message }, 500)))
    )
  return (request: UIRequest): Effect.Effect<UIResponse> =>
    Effect.gen(function*() {
      if (request.method !== "GET" && request.method !== "HEAD") {
        return { ...jsonResponse({ message: "Method not allowed: the history server is read-only" }, 405), headers: { allow: "GET, HEAD" } }
      }
      const segments = request.path.split("/").filter((s) => s !== "").map((s) => decodeURIComponent(s))
      const now = yield* Clock.currentTimeMillis
      if (segments.length === 0) {
        const { apps, error } = yield* listing
        const showIncomplete = request.query.get("showIncomplete") === "true"
        return htmlResponse(HistoryPage.render(apps, { logDir, showIncomplete, now, scanError: error }).value)
      }
      if (segments[0] === "static") return staticFile(segments.slice(1).join("/"))
      if (segments[0] === "api" && segments[1] === "v1") {
        if (segments[2] === "version" && segments.length === 3) return jsonResponse({ spark: tsparkVersion })
        if (segments[2] === "applications" && segments.length === 3) return listingJson((yield* listing).apps, request.query)
        if (segments[2] === "applications") return yield* appUI(segments[3]!, request, false)
        return jsonResponse({ message: `unknown path: ${segments.slice(2).join("/")}` }, 404)
      }
      if (segments[0] === "history" && segments.length >= 2) {
        const rest = request.path.split("/").filter((s) => s !== "").slice(2)
        const inner = `/${rest.join("/")}${rest.length > 0 && request.path.endsWith("/") ? "/" : ""}`
        return yield* appUI(segments[1]!, { ...request, path: inner }, true)
      }
      return notFoundPage(`Not found: ${request.path}`)
    }).pipe(Effect.catchDefect((defect) => Effect.succeed(jsonResponse({ message: `internal error: ${String(defect)}` }, 500))))
}

/**
 * Starts the history server over a log directory and serves it until the
 * scope closes. A missing or unreadable directory, or a bad setting, is an
 * `InvalidArgumentError` naming the setting and the command line's flag.
 *
 * Mirrors `HistoryServer.main` with `FsHistoryProvider`.
 *
 * **Example**
 * ```ts
 * const server = yield* HistoryServer.start({ logDir: "/tmp/spark-events", port: 0 })
 * console.log(server.url)
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const start = (options: HistoryServerOptions): Effect.Effect<HistoryServer, InvalidArgumentError, Scope.Scope> =>
  Effect.gen(function*() {
    const settings = yield* readSettings(options)
    const services = yield* Effect.context<never>()
    const provider = new FsHistoryProvider({
      logDir: settings.logDir,
      updateIntervalMs: settings.updateIntervalMs,
      retainedApplications: settings.retainedApplications,
      conf: settings.conf,
      plugins: options.plugins ?? []
    }, services)
    const handle = makeHandler(provider, settings.logDir)
    const url = yield* bindServer(
      (request) => Effect.runPromiseWith(services)(handle(request)),
      { host: settings.host, port: settings.port, maxRetries: settings.maxRetries }
    ).pipe(
      Effect.mapError((error) =>
        invalid(
          `${
            error.message.replace(/; set spark\.ui\.port.*$/, "")
          }: set spark.history.ui.port (tspark history --port) to a free port, 0 for any`
        )
      )
    )
    yield* Effect.logInfo(`Bound HistoryServer to ${settings.host}, and started at ${url}`)
    return { url, logDir: settings.logDir, provider, handle }
  })
