/**
 * The pieces a web UI is made of, and how other modules add to it: a tab
 * (Jobs, Stages, Streaming, ...) has pages, each rendered from status stores
 * only, and may add REST endpoints under `/api/v1/applications/{id}/<prefix>`.
 * Requests and responses are plain data, so pages render the same behind
 * the live server, a history server or a test.
 *
 * Mirrors `org.apache.spark.ui.WebUI`, `WebUITab` and `WebUIPage`.
 *
 * @since 0.1.0
 */
import type { Html } from "./html.js"
import type { PageFrame } from "./UIUtils.js"

/**
 * A request to the UI: its method, path and query.
 *
 * @category models
 * @since 0.1.0
 */
export interface UIRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
}

/**
 * What the UI answers.
 *
 * @category models
 * @since 0.1.0
 */
export interface UIResponse {
  readonly status: number
  readonly contentType: string
  readonly body: string | Uint8Array
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * A page's title and content, which the UI frames with its header and tabs.
 *
 * @category models
 * @since 0.1.0
 */
export interface PageContent {
  readonly title: string
  readonly content: Html
}

/**
 * A page of a tab, at `/<tab prefix>/<page prefix>/` (the tab's own page has prefix `""`).
 * `render` returns the page, or a response of its own (a 400 for a bad id, a 404 for an unknown one).
 *
 * Mirrors `org.apache.spark.ui.WebUIPage`.
 *
 * @category models
 * @since 0.1.0
 */
export interface WebUIPage {
  readonly prefix: string
  readonly render: (request: UIRequest, frame: PageFrame) => PageContent | UIResponse
}

/**
 * What a REST endpoint answers: a status and a body written as JSON.
 *
 * @category models
 * @since 0.1.0
 */
export interface ApiResult {
  readonly status: number
  readonly body: unknown
}

/**
 * The REST endpoints of a tab, under `/api/v1/applications/{id}/<api prefix>/`:
 * given the path segments after the prefix and the query.
 *
 * @category models
 * @since 0.1.0
 */
export type ApiHandler = (segments: ReadonlyArray<string>, query: URLSearchParams) => ApiResult

/**
 * A tab: its prefix (`/streaming/`), its name in the header, its pages and, optionally, its REST endpoints.
 *
 * Mirrors `org.apache.spark.ui.WebUITab`.
 *
 * **Example**
 * ```ts
 * const tab: WebUI.WebUITab = { prefix: "hello", name: "Hello", pages: [{ prefix: "", render: () => ({ title: "Hello", content: html`<p>hi</p>` }) }] }
 * ui.attachTab(tab)
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface WebUITab {
  readonly prefix: string
  readonly name: string
  readonly pages: ReadonlyArray<WebUIPage>
  readonly api?: { readonly prefix: string; readonly handle: ApiHandler }
  /**
   * A column this tab adds to the Executors page (the Streaming tab's
   * receivers): its header, and the entries shown for an executor.
   */
  readonly executorColumn?: { readonly header: string; readonly entries: (executorId: string) => ReadonlyArray<string> }
}

/**
 * A JSON answer.
 *
 * **Example**
 * ```ts
 * WebUI.ok({ id: 1 })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const ok = (body: unknown): ApiResult => ({ status: 200, body })

/**
 * A 404 with a message, as Spark's `NotFoundException` (`unknown job: 7`).
 *
 * **Example**
 * ```ts
 * WebUI.notFound("unknown job: 7")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const notFound = (message: string): ApiResult => ({ status: 404, body: { message } })

/**
 * A 400 with a message, as Spark's `BadParameterException`.
 *
 * **Example**
 * ```ts
 * WebUI.badRequest("quantiles must be numbers in [0, 1]")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const badRequest = (message: string): ApiResult => ({ status: 400, body: { message } })

/**
 * A non-negative integer path segment or query value, or `undefined` when it is not one.
 *
 * **Example**
 * ```ts
 * WebUI.parseId("12") // 12
 * ```
 *
 * @category getters
 * @since 0.1.0
 */
export const parseId = (text: string | null | undefined): number | undefined => {
  if (text === null || text === undefined || !/^\d{1,15}$/.test(text)) return undefined
  return Number(text)
}

/**
 * A page's plain-text error response (a bad or unknown id in its query).
 *
 * **Example**
 * ```ts
 * WebUI.textResponse(400, "Missing id parameter")
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const textResponse = (status: number, text: string): UIResponse => ({
  status,
  contentType: "text/plain; charset=utf-8",
  body: text
})
