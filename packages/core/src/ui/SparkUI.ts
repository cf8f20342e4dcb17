/**
 * The web UI of one application: its tabs (Jobs, Stages, Storage,
 * Environment, Executors, and what other modules attach, such as
 * Streaming), its static files and its REST API under `/api/v1`. It renders
 * from status stores only (never from a live context), so the same UI can
 * be served for a running application or rebuilt from an event log. Serving
 * it over HTTP is separate: see `SparkUI.serve` (started by the context when
 * `spark.ui.enabled`).
 *
 * Mirrors `org.apache.spark.ui.SparkUI`.
 *
 * @since 0.1.0
 */
import { Clock, Effect, type Scope } from "effect"
import { handleRequest } from "../internal/ui/requests.js"
import { bindServer, type UIServerSettings } from "../internal/ui/uiServer.js"
import type { InvalidArgumentError } from "../SparkError.js"
import type { AppStatusListener } from "../status/AppStatusListener.js"
import { EnvironmentTab } from "./env/EnvironmentPage.js"
import { ExecutorsTab } from "./exec/ExecutorsPage.js"
import { JobsTab } from "./jobs/JobsTab.js"
import { StagesTab } from "./jobs/StagesTab.js"
import { StorageTab } from "./storage/StoragePage.js"
import type { UIRequest, UIResponse, WebUITab } from "./WebUI.js"

/**
 * The application as the UI and `/api/v1/applications` show it.
 *
 * Mirrors `org.apache.spark.status.api.v1.ApplicationInfo` with its one attempt.
 *
 * @category models
 * @since 0.1.0
 */
export interface ApplicationInfo {
  readonly id: string
  readonly name: string
  readonly startTime: number
  readonly endTime: number | undefined
  readonly sparkUser: string
  readonly appSparkVersion: string
}

/**
 * The Environment tab's data: the runtime, the application's configuration
 * and the process's properties, as `[name, value]` pairs.
 *
 * Mirrors `org.apache.spark.status.api.v1.ApplicationEnvironmentInfo` (the
 * runtime is Node's: its version and executable instead of Java's).
 *
 * @category models
 * @since 0.1.0
 */
export interface EnvironmentInfo {
  readonly runtime: { readonly nodeVersion: string; readonly nodeExecPath: string; readonly platform: string }
  readonly sparkProperties: ReadonlyArray<readonly [string, string]>
  readonly systemProperties: ReadonlyArray<readonly [string, string]>
}

/**
 * Where the UI reads from: the status store of jobs, stages and executors,
 * and the application's and environment's information. A history server
 * passes stores rebuilt from an event log.
 *
 * @category models
 * @since 0.1.0
 */
export interface SparkUIStores {
  readonly appStatus: AppStatusListener
  readonly application: () => ApplicationInfo
  readonly environment: () => EnvironmentInfo
}

/**
 * How the UI kills a job (the Jobs page's and Stages page's kill links,
 * when `spark.ui.killEnabled`): the live context's `cancelJob`.
 *
 * @category models
 * @since 0.1.0
 */
export interface UIKiller {
  readonly killJob: (jobId: number) => void
}

/**
 * The options of `make`: the stores, and for a live application how often
 * pages refresh (default 2000 ms; 0 for never) and how to kill jobs.
 *
 * @category models
 * @since 0.1.0
 */
export interface SparkUIOptions extends SparkUIStores {
  readonly refreshMs?: number
  readonly killer?: UIKiller
  /** The current time, ms (default: Effect's Clock); a live context passes its own clock's. */
  readonly now?: () => number
}

/**
 * A web UI: answers requests (`handle`), and takes tabs from other modules (`attachTab`, `detachTab`).
 *
 * Mirrors `org.apache.spark.ui.SparkUI`.
 *
 * @category models
 * @since 0.1.0
 */
export class SparkUI {
  private readonly attached: Array<WebUITab>

  constructor(
    readonly stores: SparkUIStores,
    readonly refreshMs: number,
    /** Set when `spark.ui.killEnabled`: the kill links and their POSTs. */
    readonly killer: UIKiller | undefined,
    readonly now: () => number
  ) {
    this.attached = [
      JobsTab(stores, killer !== undefined),
      StagesTab(stores, killer !== undefined),
      StorageTab(stores),
      EnvironmentTab(stores),
      ExecutorsTab(stores, () => this.attached)
    ]
  }

  /** The tabs, in header order. */
  get tabs(): ReadonlyArray<WebUITab> {
    return this.attached
  }

  /** Adds a tab (replacing one with the same prefix), as Spark's `attachTab`. */
  attachTab(tab: WebUITab): void {
    this.detachTab(tab.prefix)
    this.attached.push(tab)
  }

  /** Removes the tab with this prefix, as Spark's `detachTab`. */
  detachTab(prefix: string): void {
    const index = this.attached.findIndex((tab) => tab.prefix === prefix)
    if (index >= 0) this.attached.splice(index, 1)
  }

  /** Answers a request: a page, a static file, a REST endpoint, a kill, or an error status. */
  handle(request: UIRequest): UIResponse {
    return handleRequest(this, request)
  }
}

/**
 * A UI over stores: the Jobs, Stages, Storage, Environment and Executors tabs and the REST API.
 *
 * Mirrors `SparkUI.create`.
 *
 * **Example**
 * ```ts
 * const ui = SparkUI.make({ appStatus: sc.statusStore, application: () => info, environment: () => env })
 * ui.handle({ method: "GET", path: "/api/v1/applications", query: new URLSearchParams() })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: SparkUIOptions): SparkUI =>
  new SparkUI(options, options.refreshMs ?? 2000, options.killer, options.now ?? (() => Effect.runSync(Clock.currentTimeMillis)))

/**
 * The UI's server settings, read from a configuration: `spark.ui.port`
 * (default 4040, 0 for any free port), `spark.ui.host` (default 127.0.0.1),
 * `spark.port.maxRetries` (default 16), `spark.ui.killEnabled` (default
 * false). A bad value is an `InvalidArgumentError` naming its key.
 *
 * @category models
 * @since 0.1.0
 */
export type { UIServerSettings } from "../internal/ui/uiServer.js"

/**
 * Serves the UI over HTTP until the scope closes: binds `settings.host` at
 * `settings.port`, trying the next port while it is taken (at most
 * `maxRetries` more), and answers with `ui.handle`. Returns the address,
 * `http://host:port`.
 *
 * Mirrors `WebUI.bind` (Spark's Jetty server).
 *
 * **Example**
 * ```ts
 * const url = yield* SparkUI.serve(ui, { host: "127.0.0.1", port: 0, maxRetries: 16, killEnabled: false })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const serve = (ui: SparkUI, settings: UIServerSettings): Effect.Effect<string, InvalidArgumentError, Scope.Scope> =>
  bindServer((request) => ui.handle(request), settings)
