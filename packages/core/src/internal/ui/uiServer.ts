// The web UI's HTTP server (node:http, no framework): binds the first free
// port from spark.ui.port on, answers with the UI's request handler, and
// closes when its scope does. Pages and endpoints know nothing of it.
import { Effect, Scope } from "effect"
import * as http from "node:http"
import { InvalidArgumentError } from "../../SparkError.js"
import * as SparkConf from "../../SparkConf.js"
import type { UIRequest, UIResponse } from "../../ui/WebUI.js"

/** Where and how the UI is served, read from the configuration (`readUISettings`). */
export interface UIServerSettings {
  readonly host: string
  /** The first port tried; 0 for any free port. */
  readonly port: number
  /** How many next ports are tried when one is taken. */
  readonly maxRetries: number
}

export interface UISettings extends UIServerSettings {
  readonly enabled: boolean
  readonly killEnabled: boolean
}

/**
 * Whether the UI is on when `spark.ui.enabled` is not set: the environment
 * variable TSPARK_UI_ENABLED (`false` in this repository's test runs, where
 * hundreds of contexts start in parallel, as Spark's own build sets the
 * system property spark.ui.enabled=false for its tests), else true.
 */
export const UI_ENABLED_ENV = "TSPARK_UI_ENABLED"

const orFail = <A>(value: A | InvalidArgumentError): Effect.Effect<A, InvalidArgumentError> =>
  value instanceof InvalidArgumentError ? Effect.fail(value) : Effect.succeed(value)

export const readUISettings = Effect.fnUntraced(function*(conf: SparkConf.SparkConf) {
  const fromEnv = process.env[UI_ENABLED_ENV]
  const envDefault = fromEnv === undefined ? true : fromEnv.trim().toLowerCase() !== "false"
  const enabled = yield* orFail(SparkConf.getBoolean(conf, "spark.ui.enabled", envDefault))
  const port = yield* orFail(SparkConf.getInt(conf, "spark.ui.port", 4040, 0))
  if (port > 65535) {
    return yield* new InvalidArgumentError({
      method: "SparkConf",
      message: `spark.ui.port must be a port in 0..65535 (0 for any free port), got "${port}"`
    })
  }
  const maxRetries = yield* orFail(SparkConf.getInt(conf, "spark.port.maxRetries", 16, 0))
  const host = SparkConf.getString(conf, "spark.ui.host", "127.0.0.1").trim()
  if (host === "" || /[\s/]/.test(host)) {
    return yield* new InvalidArgumentError({
      method: "SparkConf",
      message: `spark.ui.host must be a host name or address to bind, got "${host}"`
    })
  }
  const killEnabled = yield* orFail(SparkConf.getBoolean(conf, "spark.ui.killEnabled", false))
  return { enabled, port, maxRetries, host, killEnabled } satisfies UISettings
})

const listen = (server: http.Server, host: string, port: number): Effect.Effect<number, NodeJS.ErrnoException> =>
  Effect.callback<number, NodeJS.ErrnoException>((resume) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening)
      resume(Effect.fail(error))
    }
    const onListening = () => {
      server.off("error", onError)
      const address = server.address()
      resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : port))
    }
    server.once("error", onError)
    server.once("listening", onListening)
    server.listen(port, host)
  })

const toRequest = (req: http.IncomingMessage): UIRequest => {
  const url = new URL(req.url ?? "/", "http://ui")
  return { method: req.method ?? "GET", path: url.pathname, query: url.searchParams }
}

const respond = (res: http.ServerResponse, response: UIResponse, head: boolean): void => {
  const body = typeof response.body === "string" ? Buffer.from(response.body, "utf8") : response.body
  res.writeHead(response.status, {
    "content-type": response.contentType,
    "content-length": String(body.byteLength),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...response.headers
  })
  res.end(head ? undefined : body)
}

/** Binds the first free port from `settings.port` (up to maxRetries more) and serves `handle` until the scope closes. */
export const bindServer = (
  handle: (request: UIRequest) => UIResponse | Promise<UIResponse>,
  settings: UIServerSettings
): Effect.Effect<string, InvalidArgumentError, Scope.Scope> =>
  Effect.gen(function*() {
    const server = http.createServer((req, res) => {
      // A request's body is never read (the UI takes no uploads): drain it so the connection stays usable.
      req.resume()
      const answer = (response: UIResponse) => respond(res, response, req.method === "HEAD")
      const fail = (error: unknown) =>
        answer({ status: 500, contentType: "text/plain; charset=utf-8", body: `Internal error: ${String(error)}` })
      try {
        const response = handle(toRequest(req))
        // The history server answers asynchronously (it may replay a log first).
        if (response instanceof Promise) response.then(answer, fail)
        else answer(response)
      } catch (error) {
        fail(error)
      }
    })
    server.keepAliveTimeout = 5_000
    let port = settings.port
    for (let attempt = 0;; attempt++) {
      const bound = yield* Effect.result(listen(server, settings.host, port))
      if (bound._tag === "Success") {
        port = bound.success
        break
      }
      const error = bound.failure
      if (error.code !== "EADDRINUSE" || settings.port === 0 || attempt >= settings.maxRetries) {
        return yield* new InvalidArgumentError({
          method: "SparkUI",
          message: `could not bind the web UI to ${settings.host}:${port} (${error.code ?? error.message}) after ${attempt + 1} tries; ` +
            `set spark.ui.port to a free port (0 for any), raise spark.port.maxRetries, or set spark.ui.enabled=false`
        })
      }
      port = port + 1
    }
    yield* Scope.addFinalizer(
      yield* Effect.scope,
      Effect.callback<void>((resume) => {
        server.close(() => resume(Effect.void))
        server.closeAllConnections()
      })
    )
    const shownHost = settings.host.includes(":") ? `[${settings.host}]` : settings.host
    return `http://${shownHost}:${port}`
  })
