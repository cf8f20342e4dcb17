/**
 * Log lines are structured (logfmt by default, JSON on request) and filtered
 * by level, from spark.log.level/format or TSPARK_LOG_LEVEL/FORMAT; a bad
 * value is an InvalidArgumentError naming the key. A context logs its start
 * and stop through those settings.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import { TestConsole } from "effect/testing"
import { tsparkVersion } from "../../src/internal/version.js"
import { version } from "../../src/index.js"
import * as SparkContext from "../../src/SparkContext.js"
import { InvalidArgumentError } from "../../src/SparkError.js"
import * as Logging from "../../src/util/Logging.js"

/** logfmt's key=value pairs (values quoted when they hold spaces). */
const parseLogFmt = (line: string): Record<string, string> =>
  Object.fromEntries(
    [...line.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)].map(([, k, v]) => [k!, v!.startsWith("\"") ? JSON.parse(v!) : v!])
  )

const errorLines = Effect.map(TestConsole.errorLines, (lines) => lines.map(String))

describe("Logging", () => {
  it("reads Spark's levels, case-insensitively; a bad level or format names its key", () => {
    const expected = { ALL: "All", TRACE: "Trace", DEBUG: "Debug", INFO: "Info", WARN: "Warn", ERROR: "Error", FATAL: "Fatal", OFF: "None" }
    for (const [spark, effect] of Object.entries(expected)) {
      assert.strictEqual<unknown>(Logging.parseLevel(spark.toLowerCase(), "spark.log.level"), effect)
    }
    const level = Logging.readSettings(new Map([["spark.log.level", "loud"]]), {})
    assert.instanceOf(level, InvalidArgumentError)
    assert.include((level as InvalidArgumentError).message, "spark.log.level must be one of ALL, TRACE")
    const format = Logging.readSettings(new Map(), { TSPARK_LOG_FORMAT: "xml" })
    assert.include((format as InvalidArgumentError).message, "TSPARK_LOG_FORMAT must be logfmt or json")
  })

  it("takes a configuration entry over the environment", () => {
    const env = { TSPARK_LOG_LEVEL: "debug", TSPARK_LOG_FORMAT: "json" }
    assert.deepStrictEqual(Logging.readSettings(new Map([["spark.log.level", "WARN"]]), env), { level: "Warn", format: "json" })
    assert.deepStrictEqual(Logging.readSettings(new Map(), {}), { level: undefined, format: undefined })
  })

  it.effect("writes logfmt lines to stderr, with annotations and the cause", () =>
    Effect.gen(function*() {
      yield* Effect.logWarning("Lost task 1.0").pipe(
        Effect.annotateLogs({ stageId: 3 }),
        Effect.provide(Logging.layer({ level: undefined, format: undefined }))
      )
      const [line] = yield* errorLines
      const fields = parseLogFmt(line!)
      assert.strictEqual(fields["level"], "WARN")
      assert.strictEqual(fields["message"], "Lost task 1.0")
      assert.strictEqual(fields["stageId"], "3")
      assert.match(fields["timestamp"]!, /^\d{4}-\d\d-\d\dT/)
      assert.deepStrictEqual(yield* TestConsole.logLines, [])
    }).pipe(Effect.provide(TestConsole.layer)))

  it.effect("writes one JSON object per line on request", () =>
    Effect.gen(function*() {
      yield* Effect.logError("batch failed").pipe(
        Effect.annotateLogs({ batchTime: 2000 }),
        Effect.provide(Logging.layer({ level: undefined, format: "json" }))
      )
      const parsed = JSON.parse((yield* errorLines)[0]!)
      assert.strictEqual(parsed.level, "ERROR")
      assert.strictEqual(parsed.message, "batch failed")
      assert.deepStrictEqual(parsed.annotations, { batchTime: 2000 })
    }).pipe(Effect.provide(TestConsole.layer)))

  it.effect("filters by level", () =>
    Effect.gen(function*() {
      const program = Effect.all([Effect.logDebug("d"), Effect.logInfo("i"), Effect.logWarning("w"), Effect.logError("e")])
      yield* program.pipe(Effect.provide(Logging.layer({ level: "Warn", format: "json" })))
      assert.deepStrictEqual((yield* errorLines).map((l) => JSON.parse(l).message), ["w", "e"])
      yield* program.pipe(Effect.provide(Logging.layer({ level: "None", format: "json" })))
      assert.strictEqual((yield* errorLines).length, 2)
    }).pipe(Effect.provide(TestConsole.layer)))

  it.effect("a context logs its start and stop in the format and at the level its configuration sets", () =>
    Effect.gen(function*() {
      yield* Effect.scoped(SparkContext.make({ master: "local[1]", appName: "logged", conf: { "spark.log.format": "json" } }))
      const messages = (yield* errorLines).map((line) => JSON.parse(line)).map((l) => `${l.level} ${l.message}`)
      assert.deepStrictEqual(messages.filter((m) => !m.startsWith("INFO Master")), [
        `INFO Running tspark ${tsparkVersion}`,
        "INFO Submitted application: logged",
        "INFO Successfully stopped SparkContext"
      ])
      assert.match(messages.find((m) => m.startsWith("INFO Master"))!, /^INFO Master: local\[1\], application id: local-\d+$/)
      yield* Effect.scoped(SparkContext.make({ master: "local[1]", conf: { "spark.log.level": "WARN" } }))
      assert.strictEqual((yield* errorLines).length, messages.length)
    }).pipe(Effect.provide(TestConsole.layer)))

  it.effect("a caller's own logger is kept; a bad spark.log.level fails the context, naming the key", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const mine = Logger.make(({ message }) => void seen.push(String(message)))
      yield* Effect.scoped(SparkContext.make({ master: "local[1]", conf: { "spark.log.format": "json" } })).pipe(
        Effect.provide(Logger.layer([mine]))
      )
      assert.include(seen, "Successfully stopped SparkContext")
      const error = yield* Effect.flip(Effect.scoped(SparkContext.make({ master: "local[1]", conf: { "spark.log.level": "chatty" } })))
      assert.instanceOf(error, InvalidArgumentError)
      assert.include(error.message, "spark.log.level")
    }))

  it("the version the context logs is the package's", () => {
    assert.strictEqual(tsparkVersion, version)
  })
})
