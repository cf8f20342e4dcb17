import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import fc from "fast-check"
import * as fs from "node:fs"
import * as path from "node:path"
import { DriverHandshake, ExecutorHandshake } from "../../src/internal/executor/auth.js"
import { blocksThatFit, encodeFrame, FrameReader } from "../../src/internal/executor/framing.js"
import * as SecurityManager from "../../src/SecurityManager.js"
import * as SparkConf from "../../src/SparkConf.js"
import { tempDir } from "../utils/spark.js"

const secret = "correct horse battery staple"

/** Drains every complete frame of a reader. */
const drain = (reader: FrameReader) => {
  const out: Array<unknown> = []
  for (let frame = reader.next(); frame._tag !== "Incomplete"; frame = reader.next()) {
    if (frame._tag !== "Frame") return { out, error: frame }
    out.push(frame.message)
  }
  return { out, error: undefined }
}

describe("framing: bounded frames", () => {
  it("returns the same messages however the bytes are cut into chunks (property)", () => {
    const message = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.array(fc.tuple(fc.string(), fc.double({ noNaN: true }))),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ _tag: "Blob", bytes }))
    )
    fc.assert(
      fc.property(fc.array(message, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1 }), (messages, cuts) => {
        const bytes = Buffer.concat(messages.map(encodeFrame))
        const reader = new FrameReader(1 << 20)
        const received: Array<unknown> = []
        let at = 0
        for (let i = 0; at < bytes.length; i++) {
          const size = cuts[i % cuts.length]!
          reader.push(bytes.subarray(at, at + size))
          at += size
          const { out, error } = drain(reader)
          assert.isUndefined(error)
          received.push(...out)
        }
        assert.deepStrictEqual(received, messages)
      }),
      { numRuns: 200 }
    )
  })

  it("refuses a frame announced over the bound before buffering it, and reports bytes that do not deserialize", () => {
    const reader = new FrameReader(1024)
    const header = Buffer.alloc(4)
    header.writeUInt32BE(1025)
    reader.push(header)
    assert.deepStrictEqual(reader.next(), { _tag: "TooLarge", size: 1025, max: 1024 })
    // The bound can grow between frames (after authentication).
    const big = encodeFrame("x".repeat(2000))
    const grown = new FrameReader(1024)
    grown.push(big.subarray(0, 2))
    grown.push(big.subarray(2))
    assert.strictEqual(grown.next()._tag, "TooLarge")
    grown.maxFrameBytes = 4096
    assert.deepStrictEqual(grown.next(), { _tag: "Frame", message: "x".repeat(2000) })
    const garbage = new FrameReader(1024)
    garbage.push(Buffer.from([0, 0, 0, 3, 0xff, 0x0f, 0x99]))
    assert.strictEqual(garbage.next()._tag, "Malformed")
  })

  it("a fetch answer over the bound keeps, in order, only the blocks that fit in a frame", () => {
    const block = (name: string, size: number) => [name, new Uint8Array(size)] as const
    const blocks = [block("rdd_0_0", 600_000), block("rdd_0_1", 300_000), block("rdd_0_2", 200_000), block("rdd_0_3", 100)]
    const kept = blocksThatFit(blocks, 1_000_000)
    assert.deepStrictEqual(kept.map(([name]) => name), ["rdd_0_0", "rdd_0_1", "rdd_0_3"])
    assert.isAtMost(encodeFrame({ _tag: "FetchReply", requestId: 1, blocks: kept }).length - 4, 1_000_000)
    assert.deepStrictEqual(blocksThatFit([block("big", 2_000_000)], 1_000_000), [])
  })
})

describe("the challenge-response handshake", () => {
  const run = (driverSecret: string | undefined, executorSecret: string | undefined) => {
    const driver = new DriverHandshake(driverSecret)
    const executor = new ExecutorHandshake(executorSecret)
    // Every message crosses a structured-clone round trip, as over the socket.
    const wire = (message: unknown) => {
      const reader = new FrameReader(SecurityManager.preAuthMaxFrameBytes)
      reader.push(encodeFrame(message))
      const frame = reader.next()
      assert.strictEqual(frame._tag, "Frame")
      return (frame as { message: unknown }).message
    }
    const first = executor.onChallenge(wire(driver.challenge(1 << 20)))
    if (first._tag !== "Respond") return { executor: first, driver: undefined }
    const verdict = driver.answer(wire(first.reply))
    if (verdict._tag === "Refused") {
      return { driver: verdict, executor: executor.onVerdict(wire({ _tag: "AuthRefused", reason: verdict.reason })) }
    }
    return { driver: verdict, executor: executor.onVerdict(wire(verdict.reply)) }
  }

  it("the right secret authenticates both sides; the frame bound comes from the driver", () => {
    const { driver, executor } = run(secret, secret)
    assert.strictEqual(driver?._tag, "Accepted")
    assert.deepStrictEqual(executor, { _tag: "Start", maxMessageBytes: 1 << 20 })
  })

  it("a wrong secret is refused by the driver, which says why", () => {
    const { driver, executor } = run(secret, "a different secret of some length")
    assert.strictEqual(driver?._tag, "Refused")
    assert.match((driver as { reason: string }).reason, /wrong secret/)
    assert.strictEqual(executor._tag, "Fail")
    assert.match((executor as { reason: string }).reason, /the driver refused this executor: .*wrong secret/)
  })

  it("an executor without a secret does not join an authenticating driver, and one with a secret does not trust a driver without", () => {
    const missing = run(secret, undefined)
    assert.strictEqual(missing.executor._tag, "Fail")
    assert.match((missing.executor as { reason: string }).reason, /--secret-file PATH or set TSPARK_AUTH_SECRET/)
    const unauthenticatedDriver = run(undefined, secret)
    assert.match((unauthenticatedDriver.executor as { reason: string }).reason, /the driver does not authenticate/)
    assert.deepStrictEqual(run(undefined, undefined).executor, { _tag: "Start", maxMessageBytes: 1 << 20 })
  })

  it("the driver refuses a peer that registers or sends anything else first, a malformed proof, and a replayed response", () => {
    const driver = new DriverHandshake(secret)
    assert.match(
      (driver.answer({ _tag: "Registered", executorId: "x", host: "h", cores: 1 }) as { reason: string }).reason,
      /registered without authenticating/
    )
    assert.match((driver.answer({ _tag: "Heartbeat" }) as { reason: string }).reason, /sent Heartbeat before authenticating/)
    assert.match((driver.answer("hello") as { reason: string }).reason, /sent string before/)
    assert.strictEqual(driver.answer({ _tag: "AuthResponse", nonce: new Uint8Array(32), proof: "x" })._tag, "Refused")
    assert.strictEqual(driver.answer({ _tag: "AuthResponse", nonce: new Uint8Array(3), proof: new Uint8Array(32) })._tag, "Refused")
    // A response recorded on one connection is worth nothing on another (the driver's nonce differs).
    const executor = new ExecutorHandshake(secret)
    const step = executor.onChallenge(new DriverHandshake(secret).challenge(1024))
    assert.strictEqual(step._tag, "Respond")
    assert.strictEqual(driver.answer((step as { reply: unknown }).reply)._tag, "Refused")
  })

  it("the executor refuses a driver whose proof does not match (an impostor listening on the driver's address)", () => {
    const executor = new ExecutorHandshake(secret)
    assert.strictEqual(executor.onChallenge(new DriverHandshake(secret).challenge(1024))._tag, "Respond")
    const verdict = executor.onVerdict({ _tag: "AuthAccepted", proof: new Uint8Array(32) })
    assert.strictEqual(verdict._tag, "Fail")
    assert.match((verdict as { reason: string }).reason, /not the driver that holds the secret/)
  })
})

describe("SecurityManager.fromConf", () => {
  const listen = (host: string) => ({ _tag: "Listen" as const, host, port: 7077 })
  const read = (entries: Record<string, string>, launcher: Parameters<typeof SecurityManager.fromConf>[1]) =>
    Effect.exit(SecurityManager.fromConf(SparkConf.make(entries), launcher))

  it.effect("refuses a non-loopback listener without authentication, with a message that says how to fix it", () =>
    Effect.gen(function*() {
      const exit = yield* read({}, listen("0.0.0.0"))
      assert.isTrue(Exit.isFailure(exit))
      const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
      assert.strictEqual((error as { error?: { _tag?: string } } | undefined)?.error?._tag, "InsecureListenError")
      const message = (error as { error: { message: string } }).error.message
      assert.match(message, /spark\.authenticate=true/)
      assert.match(message, /spark\.tspark\.authenticate\.allowInsecure=true/)
      // Loopback, authentication, or the explicit opt-out each start.
      for (const host of ["127.0.0.1", "localhost", "127.3.2.1"]) assert.isTrue(Exit.isSuccess(yield* read({}, listen(host))))
      const insecure = yield* read({ "spark.tspark.authenticate.allowInsecure": "true" }, listen("0.0.0.0"))
      assert.deepStrictEqual(Exit.isSuccess(insecure) ? insecure.value.authenticate : undefined, false)
      const authenticated = yield* read({ "spark.authenticate": "true", "spark.authenticate.secret": secret }, listen("0.0.0.0"))
      assert.deepStrictEqual(Exit.isSuccess(authenticated) ? authenticated.value : undefined, {
        authenticate: true,
        secret,
        maxMessageBytes: 128 * 1024 * 1024,
        authTimeoutMs: 10_000,
        tls: undefined
      })
    }))

  it.effect("checks the secret and the frame bound, and reads the secret from a file", () =>
    Effect.gen(function*() {
      const message = (exit: Exit.Exit<unknown, { message: string }>) =>
        Exit.isFailure(exit) ? String((exit.cause.reasons[0] as { error?: { message?: string } }).error?.message) : "succeeded"
      assert.match(message(yield* read({ "spark.authenticate": "true" }, listen("0.0.0.0"))), /no secret is set/)
      assert.match(
        message(yield* read({ "spark.authenticate": "true", "spark.authenticate.secret": "short" }, listen("10.0.0.1"))),
        /at least 16 characters/
      )
      assert.match(message(yield* read({ "spark.rpc.message.maxSize": "4096" }, listen("127.0.0.1"))), /at most 2047/)
      assert.match(message(yield* read({ "spark.rpc.message.maxSize": "0" }, listen("127.0.0.1"))), /spark.rpc.message.maxSize/)
      const dir = yield* tempDir
      const file = path.join(dir, "secret")
      fs.writeFileSync(file, `${secret}\n`)
      const fromFile = yield* read({ "spark.authenticate": "true", "spark.authenticate.secret.file": file }, listen("0.0.0.0"))
      assert.strictEqual(Exit.isSuccess(fromFile) ? fromFile.value.secret : undefined, secret)
      assert.match(
        message(yield* read({ "spark.authenticate.secret.file": path.join(dir, "missing") }, listen("127.0.0.1"))),
        /could not be read/
      )
      // Worker threads never authenticate; the driver's own processes always do.
      assert.strictEqual(Exit.isSuccess(yield* read({}, { _tag: "WorkerThreads" })), true)
      const processes = yield* read({}, { _tag: "Processes" })
      assert.deepStrictEqual(Exit.isSuccess(processes) ? processes.value.authenticate : undefined, true)
    }))
})
