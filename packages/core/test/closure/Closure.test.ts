import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as v8 from "node:v8"
import * as Closure from "../../src/Closure.js"
import { withEnv } from "../../src/Closure.js"
import { deserializeFunction, type SerializedFunction, serializeFunction } from "../../src/internal/closure/shipping.js"
import type { RDD } from "../../src/rdd/RDD.js"
import type { TaskContext } from "../../src/scheduler/TaskContext.js"
import type * as CoreIndex from "../../src/index.js"
import { KeyMap } from "../../src/util/KeyMap.js"
import { textHash } from "../arbitraries/data.js"
import { flipFailure, makeContext, makeContextIn, modes, recordEvents } from "../utils/spark.js"
import { expected, runOn3, shippable } from "./fixtures/functions.js"

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const shipping = modes[1]

/** A function as an executor gets it: shipped form, v8 serialize and deserialize, decoded. */
/** Any function value: what the closure check and the shipping take. */
type AnyFunction = (...args: Array<never>) => unknown

const roundTrip = <F>(f: F): F =>
  deserializeFunction(v8.deserialize(v8.serialize(serializeFunction(f as AnyFunction, "test function"))) as SerializedFunction) as F

/** The identifiers `Closure.check` reports (sorted), or undefined when the function ships. */
const capturedBy = (f: AnyFunction) => Closure.check(f)?.identifiers.slice().sort()

const runNode = (args: ReadonlyArray<string>) =>
  Effect.promise(() =>
    new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        args,
        { cwd: packageRoot, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)
      )
    )
  )

// Module-level bindings that test functions capture.
const limit = 3
const factor = 2
// Names every object inherits: a capture of one must not pass as a global.
const valueOf = (x: number) => x * 10
const constructor = 4

/** An arrow using its surrounding function's `arguments` (which on an executor would be another function's). */
function outerArguments(..._values: Array<number>) {
  // eslint-disable-next-line prefer-rest-params -- the case under test: an arrow reading its surrounding function's `arguments`
  return (x: number) => x + (arguments[0] as number)
}

class Scaler {
  k = 2
  arrow() {
    return (x: number) => x * this.k
  }
  plain() {
    return function(this: { k: number } | undefined, x: number) {
      return x * (this?.k ?? 1)
    }
  }
}

describe("the closure check names what a function captures", () => {
  const cases: Array<[string, AnyFunction, Array<string>]> = [
    ["a single variable", (x: number) => x < limit, ["limit"]],
    ["several variables", (x: number) => x * factor + limit, ["factor", "limit"]],
    ["inside a nested function", (xs: Array<number>) => xs.map((x) => [x].filter((y) => y > limit)), ["limit"]],
    ["next to destructured parameters", ({ a }: { a: number }, [b]: [number]) => {
      const { c = factor } = { c: a }
      return a + b + c + limit
    }, ["factor", "limit"]],
    ["in a default parameter", (x: number, y = limit) => x + y, ["limit"]],
    ["through a default in a destructured parameter", ({ y = factor }: { y?: number }) => y, ["factor"]],
    ["`this` in an arrow function", new Scaler().arrow(), ["this"]],
    ["an imported helper (vitest's transform rewrites imports)", (x: number) => textHash(String(x)), ["textHash"]],
    ["names that every object inherits", (x: number) => valueOf(x) + constructor, ["constructor", "valueOf"]],
    ["the `arguments` of the function around an arrow", outerArguments(5), ["arguments"]],
    ["a variable shadowed only in a sibling function", (x: number) => {
      const f = (limit: number) => limit
      return f(x) + limit
    }, ["limit"]],
    // Regression: block-scoped declarations used to count for the whole function.
    ["a variable shadowed only in an inner block", (x: number) => {
      {
        const limit = 2
        void limit
      }
      return x + limit
    }, ["limit"]],
    ["a variable shadowed only in a loop head or a catch clause", (xs: Array<number>) => {
      for (const factor of xs) void factor
      try {
        return xs.length
      } catch (limit) {
        return String(limit)
      } finally {
        void (factor + limit)
      }
    }, ["factor", "limit"]]
  ]
  for (const [name, f, identifiers] of cases) {
    it(name, () => {
      assert.deepStrictEqual(capturedBy(f), identifiers)
    })
  }

  it("the message says Task not serializable and shows the withEnv fix", () => {
    const error = Closure.check((x: number) => x * factor + limit, "map function")!
    assert.instanceOf(error, Closure.TaskNotSerializableError)
    assert.strictEqual(error._tag, "TaskNotSerializableError")
    assert.strictEqual(error.where, "map function")
    assert.match(error.message, /^Task not serializable: the map function captures "factor", "limit"/)
    assert.include(error.message, "withEnv({ factor, limit }, ({ factor, limit }) =>")
    assert.include(error.message, "broadcast variable")
    const single = Closure.check((x: number) => x < limit)!
    assert.include(single.message, `captures "limit"`)
    assert.include(single.message, "Pass it explicitly: withEnv({ limit }, ({ limit }) =>")
    const self = Closure.check(new Scaler().arrow())!
    assert.include(self.message, "captures `this`")
    assert.notInclude(self.message, "withEnv")
    assert.include(Closure.check(outerArguments(1))!.message, "captures `arguments`")
  })

  it("a captured RDD gets Spark's hint that only the driver runs RDD operations", () =>
    Effect.gen(function*() {
      const sc = yield* makeContext()
      const other = sc.parallelize([1, 2])
      const error = Closure.check(withEnv({ other }, ({ other }) => (x: number) => x + other.id))!
      assert.include(error.message, "RDD transformations and actions can only be invoked by the driver")
    }).pipe(Effect.scoped, Effect.runPromise))

  it("native, bound and unshippable values are refused with the reason", () => {
    assert.match(Closure.check(Math.max)!.message, /cannot be parsed as a function/)
    assert.match(Closure.check(((x: number) => x).bind(null))!.message, /cannot be parsed as a function/)
    const withInstance = withEnv({ seen: new KeyMap<number, number>() }, ({ seen }) => (x: number) => seen.has(x))
    assert.match(Closure.check(withInstance)!.message, /instance of KeyMap/)
    // The factory itself must capture nothing either.
    const leaky = withEnv({}, () => (x: number) => x + limit)
    assert.deepStrictEqual(Closure.check(leaky)!.identifiers, ["limit"])
    assert.match(Closure.check(leaky)!.where, /withEnv factory/)
    // Regressions: a symbol passed the check and then failed every attempt of the task (not cloneable);
    // a cyclic environment overflowed the stack instead of being refused.
    const tag = Symbol("tag")
    assert.match(Closure.check(withEnv({ tag }, ({ tag }) => () => String(tag)))!.message, /holds a symbol/)
    const cyclic: { self?: unknown; n: number } = { n: 1 }
    cyclic.self = [cyclic]
    assert.match(Closure.check(withEnv({ cyclic }, ({ cyclic }) => () => cyclic.n))!.message, /cyclic/)
    // Shared (not cyclic) values are fine.
    const shared = { n: 2 }
    const twice = withEnv({ a: shared, b: [shared, shared] }, ({ a, b }) => () => a.n + b[0]!.n + b[1]!.n)
    assert.strictEqual(roundTrip(twice)(), 6)
  })

  it("a withEnv factory may return a function that already ships (regression: it threw \"Cannot redefine property\")", () => {
    const addK = withEnv({ k: 3 }, ({ k }) => (x: number) => x + k)
    const same = withEnv({ addK }, ({ addK }) => addK)
    assert.strictEqual(same(1), 4)
    assert.strictEqual(roundTrip(same)(1), 4)
    assert.strictEqual(roundTrip(roundTrip(same))(2), 5)
    // The inner function still ships as itself, not as the outer factory.
    assert.strictEqual(roundTrip(addK)(1), 4)
    assert.strictEqual(withEnv({ addK }, ({ addK }) => addK)(0), 3)
  })
})

describe("functions that ship (as vitest's transform emits them)", () => {
  for (const [name, f] of Object.entries(shippable)) {
    it(name, async () => {
      assert.isUndefined(Closure.check(f), name)
      assert.deepStrictEqual(await runOn3(roundTrip(f)), expected[name as keyof typeof expected])
      assert.deepStrictEqual(await runOn3(f), expected[name as keyof typeof expected])
    })
  }

  it("a function has its own `this`; an object key or member that looks like a captured name is not one", () => {
    assert.isUndefined(Closure.check(new Scaler().plain()))
    assert.strictEqual(roundTrip(new Scaler().plain()).call(undefined, 4), 4)
    const f = (o: { limit: number; factor: number }) => ({ limit: o.limit, factor: o["factor"] }).limit + o.factor
    assert.isUndefined(Closure.check(f))
    assert.strictEqual(roundTrip(f)({ limit: 1, factor: 2 }), 3)
  })
})

describe("the shipping backend", () => {
  it.effect("refuses a job whose function captures anything at submission, before any task runs", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(shipping)
      const log = recordEvents(sc)
      const seen: Array<number> = []
      const jobs: Array<[string, Effect.Effect<unknown, unknown>, Array<string>]> = [
        ["map function", sc.parallelize([1, 2, 3], 2).map((x) => x + limit).collect(), ["limit"]],
        // In a shuffle map stage (before the shuffle), and in the shuffle's aggregator.
        [
          "map before a shuffle",
          sc.parallelize([1, 2, 3], 2).map((x) => [x % 2, x * factor] as const).reduceByKey((a, b) => a + b).collect(),
          ["factor"]
        ],
        [
          "reduce function",
          sc.parallelize([[1, 1], [1, 2]] as Array<readonly [number, number]>, 2).reduceByKey((a, b) => a + b + limit).collect(),
          ["limit"]
        ],
        ["action function", sc.parallelize([1, 2, 3], 2).foreach((x) => void seen.push(x)), ["seen"]]
      ]
      for (const [name, job, identifiers] of jobs) {
        const error = yield* flipFailure(job)
        assert.instanceOf(error, Closure.TaskNotSerializableError, name)
        assert.deepStrictEqual((error as Closure.TaskNotSerializableError).identifiers, identifiers, name)
        assert.match((error as Error).message, /Task not serializable/, name)
      }
      yield* sc.waitForListeners()
      assert.deepStrictEqual(log.of("TaskStart"), [])
      assert.deepStrictEqual(log.of("JobStart"), [])
      assert.deepStrictEqual(seen, [])
      // The same jobs on the plain in-process backend run their closures as they are.
      const local = yield* makeContext()
      assert.deepStrictEqual(yield* local.parallelize([1, 2, 3], 2).map((x) => x + limit).collect(), [4, 5, 6])
      assert.deepStrictEqual(
        (yield* local.parallelize([1, 2, 3], 2).map((x) => [x % 2, x * factor] as const).reduceByKey((a, b) => a + b).collect())
          .sort(),
        [[0, 4], [1, 8]]
      )
      yield* local.parallelize([1, 2, 3], 2).foreach((x) => void seen.push(x))
      assert.deepStrictEqual(seen.sort(), [1, 2, 3])
    }).pipe(Effect.scoped))

  it.effect("refuses an RDD in a function's environment with Spark's hint", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(shipping)
      const other = sc.parallelize([1, 2])
      const error = yield* flipFailure(
        sc.parallelize([1, 2, 3]).map(withEnv({ other }, ({ other }) => (x: number) => x + other.id)).collect()
      )
      assert.instanceOf(error, Closure.TaskNotSerializableError)
      assert.include((error as Error).message, "RDD transformations and actions can only be invoked by the driver")
    }).pipe(Effect.scoped))

  describe.each(modes)("withEnv, broadcasts and accumulators ($name)", (mode) => {
    it.effect("an environment of data and of other functions gives the same values", () =>
      Effect.gen(function*() {
        const sc = yield* makeContextIn(mode)
        const data = [1, 2, 3, 4, 5, 6, 7]
        const local = yield* Effect.promise(() => Promise.all(data.map((x) => Promise.resolve(shippable.withData(x)))))
        assert.deepStrictEqual(yield* sc.parallelize(data, 3).map(shippable.withData).collect(), local)
        assert.deepStrictEqual(yield* sc.parallelize(data, 3).map(shippable.withFunctions).collect(), data.map(shippable.withFunctions))
        // Functions in the environment of an aggregator and of a key function, across a shuffle.
        const combine = withEnv(
          { weigh: withEnv({ factor }, ({ factor }) => (v: number) => v * factor) },
          ({ weigh }) => (a: number, b: number) => a + weigh(b)
        )
        const byKey = yield* sc.parallelize(data, 3)
          .keyBy(withEnv({ limit }, ({ limit }) => (x: number) => x % limit))
          .aggregateByKey(0, combine, (a, b) => a + b, 2)
          .collect()
        assert.deepStrictEqual(byKey.sort((a, b) => a[0] - b[0]), [[0, 18], [1, 24], [2, 14]])
      }).pipe(Effect.scoped))

    it.effect("broadcast variables in an environment give their values", () =>
      Effect.gen(function*() {
        const sc = yield* makeContextIn(mode)
        const names = sc.broadcast(new Map([[1, "one"], [2, "two"]]))
        const weights = sc.broadcast({ one: 10, two: 20 } as Record<string, number>)
        const out = yield* sc.parallelize([1, 2, 1, 3], 2)
          .map(withEnv({ names, weights }, ({ names, weights }) => (x: number) => {
            const name = names.value.get(x) ?? "?"
            return [name, weights.value[name] ?? 0] as const
          }))
          .collect()
        assert.deepStrictEqual(out, [["one", 10], ["two", 20], ["one", 10], ["?", 0]])
      }).pipe(Effect.scoped))

    it.effect("accumulators in an environment are merged once per successful task", () =>
      Effect.gen(function*() {
        const sc = yield* makeContextIn(mode)
        const log = recordEvents(sc)
        const sum = sc.longAccumulator("sum")
        const tasks = sc.longAccumulator("tasks")
        const seen = sc.collectionAccumulator<number>("seen")
        const data = Array.from({ length: 20 }, (_, i) => i)
        const rdd = sc.parallelize(data, 4)
        // Partition 1's first attempt adds, then fails: its additions must not count.
        yield* rdd.runJob(withEnv({ seen, sum, tasks }, ({ seen, sum, tasks }) => (it: Iterator<number>, ctx: TaskContext) => {
          for (let r = it.next(); !r.done; r = it.next()) {
            sum.add(r.value)
            seen.add(r.value)
          }
          tasks.add(1)
          if (ctx.partitionId === 1 && ctx.attemptNumber === 0) throw new Error("the first attempt fails")
          return null
        }))
        assert.strictEqual(sum.value, data.reduce((a, b) => a + b, 0))
        assert.strictEqual(tasks.value, 4)
        assert.deepStrictEqual(seen.value.slice().sort((a, b) => a - b), data)
        yield* sc.waitForListeners()
        const ends = log.of("TaskEnd")
        assert.strictEqual(ends.length, 5)
        assert.strictEqual(ends.filter((e) => e.reason._tag !== "Success").length, 1)
        // Through an action too (foreach ships its function in the engine's own withEnv).
        const count = sc.longAccumulator()
        yield* rdd.filter((x) => x % 3 === 0).foreach(withEnv({ count }, ({ count }) => () => count.add(1)))
        assert.strictEqual(count.value, 7)
      }).pipe(Effect.scoped))
  })
})

describe("sources emitted by the project's toolchains ship", () => {
  it.effect("tsx: a child `node --import tsx` ships its functions; they decode and run here too", () =>
    Effect.gen(function*() {
      const out = yield* runNode(["--import", "tsx", "test/closure/fixtures/tsxShip.ts"])
      const { captured, job, results, serialized } = v8.deserialize(Buffer.from(out, "base64")) as {
        serialized: Record<string, SerializedFunction>
        results: Record<string, unknown>
        captured: Record<string, ReadonlyArray<string>>
        job: ReadonlyArray<unknown>
      }
      assert.deepStrictEqual(results, expected)
      assert.deepStrictEqual(captured, { single: ["offset"], helper: ["scale"] })
      assert.deepStrictEqual(job, [[102, 82], [100, 450]])
      // esbuild's output (keepNames' __name, minified) decodes in this process as well.
      assert.include(serialized["innerFunctions"]!.kind === "source" ? serialized["innerFunctions"]!.source : "", "__name")
      for (const [name, shipped] of Object.entries(serialized)) {
        const value = yield* Effect.promise(() => runOn3(deserializeFunction(shipped)))
        assert.deepStrictEqual(value, expected[name as keyof typeof expected], name)
      }
    }))

  it.effect("tsup: RDDs built through the bundle ship (ESM and CJS builds), and its functions decode in this engine", () =>
    Effect.gen(function*() {
      // A fresh bundle with the package's tsup settings (packages/core/dist may be rebuilt while tests run).
      const cache = path.join(packageRoot, ".tmp")
      fs.mkdirSync(cache, { recursive: true })
      const outDir = yield* Effect.acquireRelease(
        Effect.sync(() => fs.mkdtempSync(path.join(cache, "tsup-"))),
        (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
      )
      yield* runNode([
        "--input-type=module",
        "-e",
        `import { build } from "tsup"
await build({ entry: { index: "src/index.ts" }, format: ["esm", "cjs"], target: "node20", tsconfig: "tsconfig.build.json",
  treeshake: true, shims: true, dts: false, sourcemap: false, clean: false, outDir: ${
          JSON.stringify(outDir)
        }, silent: true, config: false })`
      ])
      const esm = (yield* Effect.promise(() => import(pathToFileURL(path.join(outDir, "index.js")).href))) as typeof CoreIndex
      const cjs = createRequire(import.meta.url)(path.join(outDir, "index.cjs")) as typeof CoreIndex
      for (const [format, bundle] of [["esm", esm], ["cjs", cjs]] as const) {
        const results = yield* Effect.scoped(Effect.gen(function*() {
          const sc = yield* bundle.SparkContext.make({ master: "local[2]", conf: shipping.conf })
          const words = sc.parallelize(["a b", "b c c", "", "d a b"], 3).flatMap((line) => line.split(" ").filter((w) => w !== ""))
          const counts = words.keyBy((w) => w).mapValues(() => 1).reduceByKey((a, b) => a + b, 2)
          const sorted = yield* counts.sortByKey(false, 2)
          return {
            sorted: yield* sorted.collect(),
            top: yield* counts.top(2, (a, b) => a[1] - b[1] || (a[0] < b[0] ? 1 : -1)),
            fold: yield* words.map((w) => w.length).fold(0, (a, b) => a + b),
            take: yield* sorted.keys().take(2),
            byKey: [...(yield* words.countByValue()).entries()].sort()
          }
        }))
        assert.deepStrictEqual(results, {
          sorted: [["d", 1], ["c", 2], ["b", 3], ["a", 2]],
          top: [["b", 3], ["a", 2]],
          fold: 8,
          take: ["d", "c"],
          byKey: [["a", 2], ["b", 3], ["c", 2], ["d", 1]]
        }, format)
        // The bundle's own functions (an engine function, the engine's withEnv closures) decode in this engine.
        const sc = yield* bundle.SparkContext.make({ master: "local[1]" })
        const keyed = sc.parallelize([3, 1, 2]).keyBy((x) => x * 2)
        assert.deepStrictEqual(roundTrip(opFunction(keyed))(5), [10, 5], format)
        assert.deepStrictEqual(roundTrip(opFunction(keyed.mapValues((v) => v + 1)))([1, 2]), [1, 3], format)
        const sorted = yield* keyed.sortByKey(false)
        const ordering = (sorted.dependencies[0] as { keyOrdering: (a: number, b: number) => number }).keyOrdering
        assert.strictEqual(roundTrip(ordering)(1, 2), 1, format)
      }
    }).pipe(Effect.scoped))
})

/** The user function of a map-like RDD's op (its first argument). */
const opFunction = (rdd: RDD<unknown>): (...args: Array<unknown>) => unknown => (rdd.op.args as [(...args: Array<unknown>) => unknown])[0]
