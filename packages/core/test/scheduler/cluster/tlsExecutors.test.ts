import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Logger, Schedule } from "effect"
import { execFileSync, spawn } from "node:child_process"
import * as net from "node:net"
import * as path from "node:path"
import * as SparkContext from "../../../src/SparkContext.js"
import { tempDir } from "../../utils/spark.js"

// TLS for the executor channel (spark.ssl.enabled), with self-signed certificates made by openssl.
const hasOpenssl = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()
if (!hasOpenssl) {
  console.error("\n*** openssl is not installed: the TLS executor tests are SKIPPED (they run, and fail, in CI) ***\n")
}
const secret = "a shared secret of thirty-two ch"
const cli = new URL("../../../src/cli/tspark.ts", import.meta.url).pathname

/** A self-signed certificate for 127.0.0.1 and localhost, in a directory of the test's. */
const selfSigned = (dir: string, name: string) => {
  const key = path.join(dir, `${name}-key.pem`)
  const cert = path.join(dir, `${name}-cert.pem`)
  execFileSync("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    key,
    "-out",
    cert,
    "-days",
    "1",
    "-subj",
    "/CN=localhost",
    "-addext",
    "subjectAltName=IP:127.0.0.1,DNS:localhost"
  ], { stdio: "ignore" })
  return { key, cert }
}

const freePort = Effect.promise(() =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
)

const startExecutor = (port: number, id: string, caFile: string) =>
  Effect.gen(function*() {
    const localDir = yield* tempDir
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        cli,
        "executor",
        "--driver",
        `127.0.0.1:${port}`,
        "--executor-id",
        id,
        "--local-dir",
        localDir,
        "--tls-ca",
        caFile
      ],
      { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, TSPARK_AUTH_SECRET: secret } }
    )
    let stderr = ""
    child.stderr!.on("data", (chunk) => void (stderr += String(chunk)))
    yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGKILL")))
    const exited = Effect.callback<number | null>((resume) => {
      if (child.exitCode !== null) return resume(Effect.succeed(child.exitCode))
      child.once("exit", (code) => resume(Effect.succeed(code)))
    }).pipe(Effect.timeout("30 seconds"))
    return { child, exited, stderr: () => stderr }
  })

describe.skipIf(!hasOpenssl && process.env.CI === undefined)("TLS for the executor channel (spark.ssl.enabled)", () => {
  it.live(
    "tcp:// over TLS: a verified executor runs a job; one that does not trust the certificate and a plain-TCP peer are refused",
    () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const driverCert = selfSigned(dir, "driver")
        const otherCert = selfSigned(dir, "other")
        const port = yield* freePort
        const warnings: Array<string> = []
        const logger = Logger.layer([
          Logger.make(({ logLevel, message }) => {
            if (logLevel === "Warn") warnings.push((Array.isArray(message) ? message : [message]).map(String).join(" "))
          })
        ])
        const starting = yield* Effect.forkChild(
          SparkContext.make({
            master: `tcp://127.0.0.1:${port}`,
            conf: {
              "spark.authenticate": true,
              "spark.authenticate.secret": secret,
              "spark.ssl.enabled": true,
              "spark.ssl.keyFile": driverCert.key,
              "spark.ssl.certFile": driverCert.cert,
              "spark.executor.instances": 1
            }
          }).pipe(Effect.provide(logger))
        )
        // A plain-TCP peer: its bytes are not a TLS handshake.
        const plain = yield* Effect.retry(
          Effect.callback<net.Socket, Error>((resume) => {
            const socket = net.connect({ host: "127.0.0.1", port })
            socket.once("connect", () => resume(Effect.succeed(socket)))
            socket.once("error", (error) => resume(Effect.fail(error)))
          }),
          { times: 400, schedule: Schedule.spaced("25 millis") }
        )
        const received = yield* Effect.callback<string>((resume) => {
          let bytes = ""
          plain.on("data", (chunk) => void (bytes += chunk.toString("latin1")))
          plain.on("close", () => resume(Effect.succeed(bytes)))
          plain.on("error", () => undefined)
          plain.write("\u0000\u0000\u0000\u0010 not a TLS hello at all")
        }).pipe(Effect.timeout("20 seconds"))
        assert.notInclude(received, "AuthChallenge")
        // An executor that does not trust the driver's certificate refuses the connection.
        const distrustful = yield* startExecutor(port, "distrustful", otherCert.cert)
        assert.strictEqual(yield* distrustful.exited, 1)
        assert.match(distrustful.stderr(), /connection to the driver failed: .*(self[- ]signed|certificate)/i)
        const good = yield* startExecutor(port, "good", driverCert.cert)
        const sc = yield* Fiber.join(starting)
        assert.deepStrictEqual(sc.executorIds, ["good"])
        assert.strictEqual(yield* sc.range(0, 1000, 1, 4).map((x) => x % 7).reduce((a, b) => a + b), 2997)
        assert.strictEqual(good.child.exitCode, null)
        assert.isTrue(warnings.some((l) => /refused the executor connection from .*TLS handshake failed/.test(l)), warnings.join("\n"))
      }).pipe(Effect.scoped),
    { timeout: 90_000 }
  )

  it.live("local-process over TLS, and a clear error when the key or certificate is missing", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const cert = selfSigned(dir, "driver")
      const conf = { "spark.ssl.enabled": true, "spark.ssl.keyFile": cert.key, "spark.ssl.certFile": cert.cert }
      const sc = yield* SparkContext.make({ master: "local-process[2,1,128]", conf })
      assert.strictEqual(yield* sc.parallelize([1, 2, 3, 4], 4).map((x) => x * x).reduce((a, b) => a + b), 30)
      const exit = yield* Effect.exit(SparkContext.make({ master: "local-process[1,1,128]", conf: { "spark.ssl.enabled": true } }))
      assert.isTrue(Exit.isFailure(exit))
      assert.match(
        String(Exit.isFailure(exit) ? (exit.cause.reasons[0] as { error?: { message?: string } }).error?.message : ""),
        /set spark\.ssl\.keyFile and spark\.ssl\.certFile/
      )
    }).pipe(Effect.scoped), { timeout: 60_000 })
})
