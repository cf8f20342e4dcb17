import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Logger, Schedule } from "effect"
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import { withEnv } from "../../../src/Closure.js"
import { ExecutorHandshake } from "../../../src/internal/executor/auth.js"
import { encodeFrame, FrameReader } from "../../../src/internal/executor/framing.js"
import * as SparkContext from "../../../src/SparkContext.js"
import { tempDir } from "../../utils/spark.js"

// Real sockets and real executor processes, on the real clock; waits are on events, with bounded timeouts.
const secret = "a shared secret of thirty-two ch"
const cli = new URL("../../../src/cli/tspark.ts", import.meta.url).pathname

const freePort = Effect.promise(() =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
)

/** The warnings the driver logs (a logger in place of the default one). */
const captureWarnings = () => {
  const lines: Array<string> = []
  const layer = Logger.layer([
    Logger.make(({ logLevel, message }) => {
      if (logLevel === "Warn") lines.push((Array.isArray(message) ? message : [message]).map(String).join(" "))
    })
  ])
  return { lines, layer }
}

/** Connects to the driver, retrying while it starts listening. */
const connect = (port: number) =>
  Effect.retry(
    Effect.callback<net.Socket, Error>((resume) => {
      const socket = net.connect({ host: "127.0.0.1", port })
      socket.once("connect", () => resume(Effect.succeed(socket)))
      socket.once("error", (error) => resume(Effect.fail(error)))
    }),
    { times: 400, schedule: Schedule.spaced("25 millis") }
  )

/** Every frame a socket receives until it closes. */
const framesUntilClose = (socket: net.Socket) =>
  Effect.callback<Array<unknown>>((resume) => {
    const reader = new FrameReader(1 << 20)
    const frames: Array<unknown> = []
    socket.on("data", (chunk) => {
      reader.push(chunk)
      for (let f = reader.next(); f._tag === "Frame"; f = reader.next()) frames.push(f.message)
    })
    socket.on("close", () => resume(Effect.succeed(frames)))
  }).pipe(Effect.timeout("20 seconds"))

/** The next frame a socket receives. */
const nextFrame = (socket: net.Socket, reader: FrameReader) =>
  Effect.callback<unknown>((resume) => {
    const onData = (chunk: Buffer) => {
      reader.push(chunk)
      const frame = reader.next()
      if (frame._tag === "Frame") {
        socket.off("data", onData)
        resume(Effect.succeed(frame.message))
      }
    }
    socket.on("data", onData)
  }).pipe(Effect.timeout("20 seconds"))

interface Executor {
  readonly child: ChildProcess
  readonly stderr: () => string
}

/** Starts `tspark executor` by hand, as a user would; killed when the scope closes. */
const startExecutor = (port: number, id: string, extra: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const localDir = yield* tempDir
    const child = spawn(
      process.execPath,
      ["--import", "tsx", cli, "executor", "--driver", `127.0.0.1:${port}`, "--executor-id", id, "--local-dir", localDir, ...extra],
      { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } }
    )
    let stderr = ""
    child.stderr!.on("data", (chunk) => void (stderr += String(chunk)))
    yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGKILL")))
    return { child, stderr: () => stderr } satisfies Executor
  })

const exitCode = (executor: Executor) =>
  Effect.callback<number | null>((resume) => {
    if (executor.child.exitCode !== null) return resume(Effect.succeed(executor.child.exitCode))
    executor.child.once("exit", (code) => resume(Effect.succeed(code)))
  }).pipe(Effect.timeout("30 seconds"))

const authConf = { "spark.authenticate": true, "spark.authenticate.secret": secret }

describe("authenticated executors (spark.authenticate) over TCP", () => {
  it.live("the right secret runs a job end to end; wrong and missing secrets are refused and logged", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const warnings = captureWarnings()
      const starting = yield* Effect.forkChild(
        SparkContext.make({ master: `tcp://127.0.0.1:${port}`, conf: { ...authConf, "spark.executor.instances": 1 } }).pipe(
          Effect.provide(warnings.layer)
        )
      )
      // A peer that speaks the executor protocol but skips authentication: refused before anything moves.
      const raw = yield* connect(port)
      raw.write(encodeFrame({ _tag: "Registered", executorId: "intruder", host: "evil", cores: 8 }))
      const rawFrames = yield* framesUntilClose(raw)
      assert.deepStrictEqual(rawFrames.map((f) => (f as { _tag: string })._tag), ["AuthChallenge", "AuthRefused"])
      // A wrong secret (from --secret-file) and no secret at all: both exit with code 1 and say why.
      const dir = yield* tempDir
      const wrongFile = path.join(dir, "wrong-secret")
      fs.writeFileSync(wrongFile, "not the secret, but long enough\n")
      const wrong = yield* startExecutor(port, "wrong", ["--secret-file", wrongFile])
      const missing = yield* startExecutor(port, "missing", [])
      assert.strictEqual(yield* exitCode(wrong), 1)
      assert.strictEqual(yield* exitCode(missing), 1)
      assert.match(wrong.stderr(), /the driver refused this executor: its proof does not match the driver's secret \(wrong secret\)/)
      assert.match(missing.stderr(), /this executor has no secret: pass tspark executor --secret-file PATH/)
      // The right secret, from the environment (never argv).
      const good = yield* startExecutor(port, "good", [], { TSPARK_AUTH_SECRET: secret })
      const sc = yield* Fiber.join(starting)
      assert.deepStrictEqual(sc.executorIds, ["good"])
      const sum = yield* sc.range(0, 1000, 1, 6).map((x) => x * 3).reduce((a, b) => a + b)
      assert.strictEqual(sum, 3 * 999 * 1000 / 2)
      assert.strictEqual(good.child.exitCode, null)
      // Each refusal is logged with the remote address and the reason.
      const refused = warnings.lines.filter((l) => l.startsWith("refused the executor connection from 127.0.0.1:"))
      assert.isTrue(refused.some((l) => /registered without authenticating/.test(l)), warnings.lines.join("\n"))
      assert.isTrue(refused.some((l) => /wrong secret/.test(l)), warnings.lines.join("\n"))
      assert.isTrue(
        warnings.lines.some((l) => /^the executor connection from 127\.0\.0\.1:\d+ closed before authenticating$/.test(l)),
        warnings.lines.join("\n")
      )
    }).pipe(Effect.scoped), { timeout: 90_000 })

  it.live("oversized frames are refused before and after authentication; the driver and its jobs go on", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const warnings = captureWarnings()
      const starting = yield* Effect.forkChild(
        SparkContext.make({
          master: `tcp://127.0.0.1:${port}`,
          conf: { ...authConf, "spark.executor.instances": 2, "spark.rpc.message.maxSize": 1 }
        }).pipe(Effect.provide(warnings.layer))
      )
      // Before authenticating, a frame of 64 KiB is already too large.
      const early = yield* connect(port)
      const header = Buffer.alloc(4)
      header.writeUInt32BE(64 * 1024)
      early.write(header)
      assert.deepStrictEqual((yield* framesUntilClose(early)).map((f) => (f as { _tag: string })._tag), [
        "AuthChallenge",
        "AuthRefused"
      ])
      // An authenticated peer that registers, then announces a frame over spark.rpc.message.maxSize (1 MiB).
      const big = yield* connect(port)
      const reader = new FrameReader(1 << 20)
      const handshake = new ExecutorHandshake(secret)
      const step = handshake.onChallenge(yield* nextFrame(big, reader))
      assert.strictEqual(step._tag, "Respond")
      big.write(encodeFrame((step as { reply: unknown }).reply))
      assert.deepStrictEqual(handshake.onVerdict(yield* nextFrame(big, reader)), { _tag: "Start", maxMessageBytes: 1 << 20 })
      big.write(encodeFrame({ _tag: "Registered", executorId: "big", host: "localhost", cores: 1 }))
      yield* startExecutor(port, "good", [], { TSPARK_AUTH_SECRET: secret })
      const sc = yield* Fiber.join(starting)
      assert.deepStrictEqual(sc.executorIds.sort(), ["big", "good"])
      const removed = yield* Effect.callback<string>((resume) => {
        sc.addSparkListener({ onExecutorRemoved: (e) => resume(Effect.succeed(e.executorId)) })
        header.writeUInt32BE(2 * 1024 * 1024)
        big.write(header)
      }).pipe(Effect.timeout("20 seconds"))
      assert.strictEqual(removed, "big")
      assert.isTrue(big.destroyed || (yield* framesUntilClose(big)).length === 0)
      assert.deepStrictEqual(sc.executorIds, ["good"])
      assert.strictEqual(yield* sc.range(0, 100, 1, 4).count(), 100)
      // A task result over the bound fails the task (not the connection): the executor lives on.
      const failed = yield* Effect.flip(sc.parallelize([0], 1).map(() => "x".repeat(2 * 1024 * 1024)).collect())
      assert.match(failed.message, /over spark\.rpc\.message\.maxSize .*raise spark\.rpc\.message\.maxSize/)
      assert.deepStrictEqual(sc.executorIds, ["good"])
      // A task over the bound is not sent: it fails, saying so, and the executor stays.
      const padding = "y".repeat(2 * 1024 * 1024)
      const unsent = yield* Effect.flip(
        sc.parallelize([1], 1).map(withEnv({ padding }, ({ padding }) => (x: number) => x + padding.length)).collect()
      )
      assert.match(unsent.message, /a Launch message of \d+ bytes for executor good is over spark\.rpc\.message\.maxSize/)
      assert.deepStrictEqual(sc.executorIds, ["good"])
      assert.strictEqual(yield* sc.range(0, 10, 1, 2).count(), 10)
      assert.isTrue(
        warnings.lines.some((l) => /refused .* 65536 bytes, over the limit before authentication \(4096 bytes\)/.test(l)),
        warnings.lines.join("\n")
      )
      assert.isTrue(
        warnings.lines.some((l) =>
          /disconnected executor at 127\.0\.0\.1:\d+: .* 2097152 bytes, over spark\.rpc\.message\.maxSize/.test(l)
        ),
        warnings.lines.join("\n")
      )
    }).pipe(Effect.scoped), { timeout: 90_000 })

  it.live("a driver refuses to listen on a non-loopback address without a secret, unless allowed", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const error = yield* Effect.flip(SparkContext.make({ master: `tcp://0.0.0.0:${port}` }))
      assert.strictEqual(error._tag, "InsecureListenError")
      assert.match(error.message, /set spark\.authenticate=true with spark\.authenticate\.secret/)
      // Explicitly allowed, it starts (no executor registers: the wait is short) and does not authenticate.
      const sc = yield* SparkContext.make({
        master: `tcp://0.0.0.0:${port}`,
        conf: { "spark.tspark.authenticate.allowInsecure": true, "spark.scheduler.maxRegisteredResourcesWaitingTime": "100ms" }
      })
      assert.deepStrictEqual(sc.executorIds, [])
      const socket = yield* connect(port)
      const challenge = yield* nextFrame(socket, new FrameReader(4096))
      assert.strictEqual((challenge as { authenticate: boolean }).authenticate, false)
      socket.destroy()
    }).pipe(Effect.scoped), { timeout: 30_000 })

  it.live("local-process executors get a generated secret in their environment, never on their command line", () =>
    Effect.gen(function*() {
      const sc = yield* SparkContext.make({ master: "local-process[1,1,128]" })
      assert.strictEqual(yield* sc.parallelize([1, 2, 3], 2).map((x) => x + 1).reduce((a, b) => a + b), 9)
      const children = execFileSync("ps", ["-o", "pid=", "--ppid", String(process.pid)], { encoding: "utf8" })
        .split("\n").map((s) => s.trim()).filter((s) => s !== "")
      // (ps itself was a child too, gone by now.)
      const executors = children.filter((pid) =>
        fs.existsSync(`/proc/${pid}/cmdline`) && fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("executor")
      )
      assert.strictEqual(executors.length, 1)
      const environ = fs.readFileSync(`/proc/${executors[0]}/environ`, "utf8").split("\0")
      const generated = environ.find((e) => e.startsWith("TSPARK_AUTH_SECRET="))?.slice("TSPARK_AUTH_SECRET=".length)
      assert.match(generated ?? "", /^[0-9a-f]{64}$/)
      assert.notInclude(fs.readFileSync(`/proc/${executors[0]}/cmdline`, "utf8"), generated!)
    }).pipe(Effect.scoped), { timeout: 60_000 })
})
