import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as os from "node:os"
import { SparkConf, SparkContext } from "../src/index.js"

const conf = (entries: Record<string, string>) => SparkConf.make(entries)

/** The message of a parse error, failing the test when the value parsed. */
const errorOf = (value: unknown): string => {
  assert.instanceOf(value, Error)
  assert.strictEqual((value as { _tag?: string })._tag, "InvalidArgumentError")
  return (value as Error).message
}

describe("SparkConf", () => {
  it("parses master URLs", () => {
    assert.deepStrictEqual(SparkConf.parseMaster("local"), { _tag: "Local", cores: 1, maxFailures: undefined })
    assert.deepStrictEqual(SparkConf.parseMaster("local[3]"), { _tag: "Local", cores: 3, maxFailures: undefined })
    assert.deepStrictEqual(SparkConf.parseMaster("local[*]"), {
      _tag: "Local",
      cores: os.availableParallelism(),
      maxFailures: undefined
    })
    assert.deepStrictEqual(SparkConf.parseMaster("local[2, 5]"), { _tag: "Local", cores: 2, maxFailures: 5 })
    assert.deepStrictEqual(SparkConf.parseMaster("local-cluster[2,1,512]"), {
      _tag: "Cluster",
      launcher: { _tag: "WorkerThreads" },
      executors: 2,
      coresPerExecutor: 1,
      memoryMb: 512
    })
    assert.deepStrictEqual(SparkConf.parseMaster("local-cluster[*]"), {
      _tag: "Cluster",
      launcher: { _tag: "WorkerThreads" },
      executors: os.availableParallelism(),
      coresPerExecutor: 1,
      memoryMb: 1024
    })
    assert.deepStrictEqual(SparkConf.parseMaster("local-process[3,2,256]"), {
      _tag: "Cluster",
      launcher: { _tag: "Processes" },
      executors: 3,
      coresPerExecutor: 2,
      memoryMb: 256
    })
    assert.deepStrictEqual(SparkConf.parseMaster("tcp://driver.local:7078"), {
      _tag: "Cluster",
      launcher: { _tag: "Listen", host: "driver.local", port: 7078 },
      executors: undefined,
      coresPerExecutor: 1,
      memoryMb: 1024
    })
    for (const bad of ["yarn", "local[0]", "local[x]", "local-cluster[0,1,1]", "tcp://host:70000", "spark://h:7077"]) {
      const error = SparkConf.parseMaster(bad)
      assert.strictEqual((error as { _tag: string })._tag, "UnknownMasterError", bad)
      assert.include((error as Error).message, `Could not parse master URL "${bad}"`)
      assert.include((error as Error).message, "local-process[N,C,M]")
    }
  })

  it("parses times as Spark does", () => {
    const c = conf({ a: "1s", b: "200ms", c: "3min", d: "1h", e: "250", f: "2m", g: "1d", h: " 5 s " })
    assert.strictEqual(SparkConf.getTimeAsMs(c, "a", "0"), 1000)
    assert.strictEqual(SparkConf.getTimeAsMs(c, "b", "0"), 200)
    assert.strictEqual(SparkConf.getTimeAsMs(c, "c", "0"), 180_000)
    assert.strictEqual(SparkConf.getTimeAsMs(c, "d", "0"), 3_600_000)
    assert.strictEqual(SparkConf.getTimeAsMs(c, "e", "0"), 250)
    assert.strictEqual(SparkConf.getTimeAsMs(c, "f", "0"), 120_000)
    assert.strictEqual(SparkConf.getTimeAsMs(c, "g", "0"), 86_400_000)
    assert.strictEqual(SparkConf.getTimeAsMs(c, "h", "0"), 5000)
    assert.strictEqual(SparkConf.getTimeAsMs(c, "missing", "3s"), 3000)
    assert.strictEqual(SparkConf.getTimeAsSeconds(c, "a", "0"), 1)
    assert.strictEqual(SparkConf.getTimeAsSeconds(c, "e", "0"), 250)
    assert.strictEqual(SparkConf.getTimeAsSeconds(c, "missing", "120s"), 120)
    for (const bad of ["soon", "-1s", "1 week", "", "1.5.2s"]) {
      const message = errorOf(SparkConf.getTimeAsMs(conf({ "spark.locality.wait": bad }), "spark.locality.wait", "3s"))
      assert.include(message, "spark.locality.wait must be a duration such as 3s, 200ms, 3min or 1h")
      assert.include(message, `"${bad}"`)
    }
  })

  it("parses sizes in binary units", () => {
    const c = conf({ a: "512m", b: "1g", c: "1024k", d: "100b", e: "2048", f: "1.5k", g: "64MB", h: "1t" })
    assert.strictEqual(SparkConf.getSizeAsBytes(c, "a", 0), 512 * 1024 ** 2)
    assert.strictEqual(SparkConf.getSizeAsBytes(c, "b", 0), 1024 ** 3)
    assert.strictEqual(SparkConf.getSizeAsBytes(c, "c", 0), 1024 ** 2)
    assert.strictEqual(SparkConf.getSizeAsBytes(c, "d", 0), 100)
    assert.strictEqual(SparkConf.getSizeAsBytes(c, "e", 0), 2048)
    assert.strictEqual(SparkConf.getSizeAsBytes(c, "f", 0), 1536)
    assert.strictEqual(SparkConf.getSizeAsBytes(c, "g", 0), 64 * 1024 ** 2)
    assert.strictEqual(SparkConf.getSizeAsBytes(c, "h", 0), 1024 ** 4)
    assert.strictEqual(SparkConf.getSizeAsBytes(c, "missing", "1g"), 1024 ** 3)
    assert.strictEqual(SparkConf.getBytes(c, "a", 0), 512 * 1024 ** 2)
    for (const bad of ["lots", "1x", "-5m", "m"]) {
      const message = errorOf(SparkConf.getSizeAsBytes(conf({ "spark.executor.memory": bad }), "spark.executor.memory", "1g"))
      assert.include(message, "spark.executor.memory must be a size such as 536870912, 512m or 2g")
      assert.include(message, `"${bad}"`)
    }
  })

  it("parses booleans: true or false only", () => {
    const c = conf({ a: "true", b: "false", c: "TRUE", d: "yes", e: "1" })
    assert.strictEqual(SparkConf.getBoolean(c, "a", false), true)
    assert.strictEqual(SparkConf.getBoolean(c, "b", true), false)
    assert.strictEqual(SparkConf.getBoolean(c, "c", false), true)
    assert.strictEqual(SparkConf.getBoolean(c, "missing", true), true)
    for (const key of ["d", "e"]) assert.include(errorOf(SparkConf.getBoolean(c, key, false)), `${key} must be true or false`)
  })

  it("parses integers and doubles", () => {
    const c = conf({ a: "4", b: "0", c: "2.5", d: "x", e: "0.25", f: "", g: "NaN" })
    assert.strictEqual(SparkConf.getInt(c, "a", 1, 1), 4)
    assert.strictEqual(SparkConf.getInt(c, "missing", 7, 1), 7)
    assert.include(errorOf(SparkConf.getInt(c, "b", 1, 1)), "b must be an integer >= 1")
    assert.include(errorOf(SparkConf.getInt(c, "c", 1)), "c must be an integer")
    assert.include(errorOf(SparkConf.getInt(c, "d", 1)), "d must be an integer")
    assert.strictEqual(SparkConf.getDouble(c, "e", 0), 0.25)
    assert.strictEqual(SparkConf.getDouble(c, "missing", 0.6), 0.6)
    for (const key of ["d", "f", "g"]) assert.include(errorOf(SparkConf.getDouble(c, key, 0)), `${key} must be a number`)
  })

  it("validates spark.memory.fraction: 0 < f <= 1", () => {
    assert.strictEqual(SparkConf.getMemoryFraction(conf({})), 0.6)
    assert.strictEqual(SparkConf.getMemoryFraction(conf({ "spark.memory.fraction": "1" })), 1)
    for (const bad of ["0", "1.5", "-0.1", "half"]) {
      const message = errorOf(SparkConf.getMemoryFraction(conf({ "spark.memory.fraction": bad })))
      assert.include(message, "spark.memory.fraction must be")
      assert.include(message, `"${bad}"`)
    }
  })

  it.effect("a bad value fails SparkContext.make with InvalidArgumentError naming the key", () =>
    Effect.gen(function*() {
      for (
        const [key, value] of [
          ["spark.memory.fraction", "2"],
          ["spark.locality.wait", "later"],
          ["spark.executor.memory", "big"],
          ["spark.tspark.local.shipTasks", "maybe"],
          ["spark.scheduler.revive.interval", "often"],
          ["spark.default.parallelism", "0"],
          ["spark.default.parallelism", "many"]
        ] as const
      ) {
        const error = yield* Effect.flip(SparkContext.make({ master: "local[1]", conf: { [key]: value } }))
        assert.strictEqual(error._tag, "InvalidArgumentError", key)
        assert.include(error.message, key)
      }
    }).pipe(Effect.scoped))
})
