/**
 * Who may join a cluster as an executor, and how large its messages may be.
 * Executors that connect over TCP prove they know a shared secret with a
 * challenge-response (HMAC-SHA256 over a driver nonce and an executor nonce,
 * compared in constant time) before any task, configuration or block moves,
 * and the driver proves it knows the secret too. Frames are bounded: a few
 * KiB before authentication, `spark.rpc.message.maxSize` after.
 *
 * - `local-cluster`: worker threads of the driver's own process, reached by
 *   `postMessage`; nothing crosses a network, so nothing is authenticated.
 * - `local-process`: always authenticated; the driver generates a secret per
 *   application (`spark.authenticate.secret` when set) and hands it to the
 *   processes it spawns in their environment (`TSPARK_AUTH_SECRET`), never on
 *   their command line.
 * - `tcp://HOST:PORT`: authenticated when `spark.authenticate=true`, with the
 *   secret of `spark.authenticate.secret` (or the file
 *   `spark.authenticate.secret.file`); executors get it from
 *   `tspark executor --secret-file PATH` or `TSPARK_AUTH_SECRET`. A driver
 *   that would listen on a non-loopback address without authentication
 *   refuses to start unless `spark.tspark.authenticate.allowInsecure=true`.
 *
 * With `spark.ssl.enabled=true` the executor channel runs over TLS
 * (`spark.ssl.keyFile`, `spark.ssl.certFile`, `spark.ssl.caFile`: PEM files);
 * executors verify the driver's certificate (`tspark executor --tls-ca PATH`).
 *
 * Mirrors `org.apache.spark.SecurityManager`.
 *
 * @since 0.1.0
 */
import { Data, Effect } from "effect"
import * as fs from "node:fs"
import * as SparkConf from "./SparkConf.js"
import { InvalidArgumentError } from "./SparkError.js"

/**
 * The largest frame accepted before a peer has authenticated (the handshake's
 * messages are under 200 bytes).
 *
 * Mirrors the bounded SASL/auth messages of Spark's `AuthRpcHandler`.
 *
 * **Example**
 * ```ts
 * const bound = SecurityManager.preAuthMaxFrameBytes // 4096
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const preAuthMaxFrameBytes = 4096

/**
 * The environment variable that carries the shared secret to an executor
 * process (the driver sets it for the processes it spawns; `tspark executor`
 * reads it when `--secret-file` is not given).
 *
 * Mirrors Spark's `_SPARK_AUTH_SECRET` environment variable.
 *
 * **Example**
 * ```ts
 * spawn(node, args, { env: { ...process.env, [SecurityManager.secretEnvVar]: secret } })
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const secretEnvVar = "TSPARK_AUTH_SECRET"

/**
 * The shortest secret accepted, in characters.
 *
 * **Example**
 * ```ts
 * if (secret.length < SecurityManager.minSecretLength) console.error("secret too short")
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export const minSecretLength = 16

/**
 * The security settings of a cluster backend, read once from the configuration.
 *
 * Mirrors the state of `org.apache.spark.SecurityManager`.
 *
 * **Example**
 * ```ts
 * const settings: SecuritySettings = { authenticate: true, secret: "0123456789abcdef0123", maxMessageBytes: 128 << 20, authTimeoutMs: 10_000, tls: undefined }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface SecuritySettings {
  /** Whether TCP executors must prove they know the secret. */
  readonly authenticate: boolean
  /** The configured secret; `undefined` with `authenticate` means "generate one" (only for `local-process`). */
  readonly secret: string | undefined
  /** The largest frame accepted from an authenticated peer (`spark.rpc.message.maxSize`, MiB). */
  readonly maxMessageBytes: number
  /** How long a connection may take to authenticate before it is closed (`spark.tspark.authenticate.timeout`). */
  readonly authTimeoutMs: number
  /** TLS for the executor channel (`spark.ssl.enabled`), or `undefined` for plain TCP. */
  readonly tls: TlsSettings | undefined
}

/**
 * The driver's TLS identity: its private key and certificate (PEM contents),
 * and the file executors verify it with.
 *
 * Mirrors `org.apache.spark.SSLOptions` (key store and trust store, as PEM files).
 *
 * **Example**
 * ```ts
 * const tls: TlsSettings = { key: fs.readFileSync("key.pem", "utf8"), cert: fs.readFileSync("cert.pem", "utf8"), caFile: "cert.pem" }
 * ```
 *
 * @category models
 * @since 0.1.0
 */
export interface TlsSettings {
  readonly key: string
  readonly cert: string
  /** What executors trust (`spark.ssl.caFile`, default the certificate itself: a self-signed one). */
  readonly caFile: string
}

/**
 * The driver would accept executors from the network without authenticating them.
 *
 * Mirrors the check of Spark's `SecurityManager.initializeAuth` (which refuses
 * `spark.authenticate` without a secret).
 *
 * **Example**
 * ```ts
 * SparkContext.make({ master: "tcp://0.0.0.0:7077" }).pipe(Effect.catchTag("InsecureListenError", (e) => Effect.logError(e.message)))
 * ```
 *
 * @category errors
 * @since 0.1.0
 */
export class InsecureListenError extends Data.TaggedError("InsecureListenError")<{
  readonly host: string
  readonly message: string
}> {}

/**
 * Whether `host` names this machine's loopback interface only
 * (`localhost`, `127.0.0.0/8`, `::1`).
 *
 * **Example**
 * ```ts
 * SecurityManager.isLoopback("0.0.0.0") // false
 * ```
 *
 * @category guards
 * @since 0.1.0
 */
export const isLoopback = (host: string): boolean =>
  host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)

const orFail = <A>(value: A | InvalidArgumentError): Effect.Effect<A, InvalidArgumentError> =>
  value instanceof InvalidArgumentError ? Effect.fail(value) : Effect.succeed(value)

const invalid = (message: string) => new InvalidArgumentError({ method: "SecurityManager", message })

const readSecret = Effect.fnUntraced(function*(conf: SparkConf.SparkConf) {
  const inline = conf.entries.get("spark.authenticate.secret")
  const file = conf.entries.get("spark.authenticate.secret.file")
  if (inline !== undefined && file !== undefined) {
    return yield* invalid("set one of spark.authenticate.secret and spark.authenticate.secret.file, not both")
  }
  const secret = file === undefined ? inline : yield* Effect.try({
    try: () => fs.readFileSync(file, "utf8").trim(),
    catch: (cause) =>
      invalid(`spark.authenticate.secret.file ${file} could not be read (${(cause as Error).message}): give a readable file`)
  })
  if (secret !== undefined && secret.length < minSecretLength) {
    return yield* invalid(
      `the authentication secret must have at least ${minSecretLength} characters, got ${secret.length}: ` +
        "generate one with `openssl rand -hex 32`"
    )
  }
  return secret
})

const readPem = (key: string, file: string) =>
  Effect.try({
    try: () => fs.readFileSync(file, "utf8"),
    catch: (cause) => invalid(`${key} ${file} could not be read (${(cause as Error).message}): give a readable PEM file`)
  })

const readTls = Effect.fnUntraced(function*(conf: SparkConf.SparkConf) {
  if (!(yield* orFail(SparkConf.getBoolean(conf, "spark.ssl.enabled", false)))) return undefined
  const keyFile = conf.entries.get("spark.ssl.keyFile")
  const certFile = conf.entries.get("spark.ssl.certFile")
  if (keyFile === undefined || certFile === undefined) {
    return yield* invalid(
      "spark.ssl.enabled is true: set spark.ssl.keyFile and spark.ssl.certFile to the driver's PEM private key and certificate"
    )
  }
  const caFile = conf.entries.get("spark.ssl.caFile") ?? certFile
  yield* readPem("spark.ssl.caFile", caFile)
  return { key: yield* readPem("spark.ssl.keyFile", keyFile), cert: yield* readPem("spark.ssl.certFile", certFile), caFile }
})

/**
 * Reads the security settings for a cluster whose executors come from
 * `launcher`, failing when they are inconsistent or when a TCP listener on a
 * non-loopback address would accept unauthenticated executors.
 *
 * Mirrors `new org.apache.spark.SecurityManager(conf)` and its `initializeAuth`.
 *
 * **Example**
 * ```ts
 * const settings = yield* SecurityManager.fromConf(conf, { _tag: "Listen", host: "0.0.0.0", port: 7077 })
 * ```
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromConf = Effect.fnUntraced(function*(
  conf: SparkConf.SparkConf,
  launcher: Extract<SparkConf.Master, { _tag: "Cluster" }>["launcher"]
) {
  const maxSizeMb = yield* orFail(SparkConf.getInt(conf, "spark.rpc.message.maxSize", 128, 1))
  if (maxSizeMb > 2047) return yield* invalid(`spark.rpc.message.maxSize must be at most 2047 (MiB), got ${maxSizeMb}`)
  const authTimeoutMs = yield* orFail(SparkConf.getTimeAsMs(conf, "spark.tspark.authenticate.timeout", "10s"))
  const secret = yield* readSecret(conf)
  const tls = launcher._tag === "WorkerThreads" ? undefined : yield* readTls(conf)
  const settings = { secret, maxMessageBytes: maxSizeMb * 1024 * 1024, authTimeoutMs, tls }
  const configured = yield* orFail(SparkConf.getBoolean(conf, "spark.authenticate", false))
  if (launcher._tag === "WorkerThreads") return { ...settings, authenticate: false }
  // The driver's own processes always authenticate: it makes the secret and hands it over.
  if (launcher._tag === "Processes") return { ...settings, authenticate: true }
  if (configured && secret === undefined) {
    return yield* invalid(
      "spark.authenticate is true but no secret is set: set spark.authenticate.secret or spark.authenticate.secret.file " +
        "(and give executors the same secret with tspark executor --secret-file PATH or TSPARK_AUTH_SECRET)"
    )
  }
  const allowInsecure = yield* orFail(SparkConf.getBoolean(conf, "spark.tspark.authenticate.allowInsecure", false))
  if (!configured && !isLoopback(launcher.host) && !allowInsecure) {
    return yield* new InsecureListenError({
      host: launcher.host,
      message: `The driver would listen on ${launcher.host}:${launcher.port}, reachable from other hosts, and accept any ` +
        "executor: set spark.authenticate=true with spark.authenticate.secret (executors: tspark executor --secret-file PATH), " +
        "listen on a loopback address (tcp://127.0.0.1:PORT), or accept the risk with " +
        "spark.tspark.authenticate.allowInsecure=true"
    })
  }
  return { ...settings, authenticate: configured }
}, (effect) => effect as Effect.Effect<SecuritySettings, InvalidArgumentError | InsecureListenError>)
