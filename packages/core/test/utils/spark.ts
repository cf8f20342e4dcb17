import { assert } from "@effect/vitest"
import { Effect, type Scope } from "effect"
import fc from "fast-check"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { SparkContext, type SparkListener } from "../../src/index.js"
import type { ExecutorEnv } from "../../src/scheduler/TaskContext.js"

/** A context for the current scope (stopped when the scope closes). */
export const makeContext = (options: SparkContext.SparkContextOptions = {}) => SparkContext.make({ master: "local[2]", ...options })

/**
 * The ways the in-process backend runs tasks: closures as they are, or every
 * task through its shipped form (plan encoded, v8-serialized, decoded), as an
 * executor elsewhere receives it. Properties that hold in one hold in both.
 */
export const modes: ReadonlyArray<Mode> = [
  { name: "in-process closures", conf: {} },
  { name: "shipped tasks", conf: { "spark.tspark.local.shipTasks": true } }
]

/** What a task run by hand sees of its executor: the context's services, and no RPC. */
export const executorEnvOf = (sc: SparkContext.SparkContext, executorId = "driver"): ExecutorEnv => ({
  executorId,
  host: "localhost",
  conf: sc.conf,
  blockManager: sc.blockManager,
  mapOutputTracker: sc.mapOutputTracker,
  getBroadcast: sc.getBroadcast,
  rpc: { send: () => {}, ask: () => Promise.reject(new Error("no RPC in this test")), setupEndpoint: () => () => {} }
})

/** A way to run tasks: a master (default `local[2]`) and conf entries. */
export interface Mode {
  readonly name: string
  readonly master?: string
  readonly conf: Readonly<Record<string, string | number | boolean>>
}

/**
 * Worker-thread executors (`local-cluster`): tasks shipped to other threads
 * with their own block managers. Costlier to start, so used by the model
 * properties rather than every test.
 */
export const workerThreads: Mode = { name: "worker-thread executors", master: "local-cluster[2,1,128]", conf: {} }

/** A context running tasks in the given mode (see `modes`), for the current scope. */
export const makeContextIn = (mode: Mode, options: SparkContext.SparkContextOptions = {}) =>
  makeContext({
    ...(mode.master === undefined ? {} : { master: mode.master }),
    ...options,
    conf: { ...mode.conf, ...(options.conf as Record<string, string | number | boolean> | undefined) }
  })

/** A fresh temporary directory, removed when the scope closes. */
export const tempDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "tspark-core-test-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

/**
 * Waits on the real clock (at most 30 s, polling every 20 ms) until `done`
 * holds: for real threads and processes, whose listener events arrive asynchronously.
 */
export const eventually = (what: string, done: () => boolean) =>
  Effect.gen(function*() {
    const deadline = Date.now() + 30_000
    while (!done()) {
      if (Date.now() > deadline) return assert.fail(`timed out waiting for ${what}`)
      yield* Effect.sleep(20)
    }
  })

/** Records every listener event of a context, in order. */
export const recordEvents = (sc: SparkContext.SparkContext) => {
  const events: Array<SparkListener.SparkListenerEvent> = []
  const push = (event: SparkListener.SparkListenerEvent) => {
    events.push(event)
  }
  sc.addSparkListener({
    onJobStart: push,
    onJobEnd: push,
    onStageSubmitted: push,
    onStageCompleted: push,
    onTaskStart: push,
    onTaskEnd: push
  })
  return {
    events,
    /** Forgets what was recorded so far. */
    clear: () => {
      events.length = 0
    },
    of: <Tag extends SparkListener.SparkListenerEvent["_tag"]>(tag: Tag) =>
      events.filter((e): e is Extract<SparkListener.SparkListenerEvent, { _tag: Tag }> => e._tag === tag)
  }
}

/**
 * A canonical string of a value: structurally equal values (records in any
 * field order, -0 and 0) get the same string. Written independently of the
 * engine's own encoding, so that it can serve as the model's notion of equality.
 */
export function canonical(value: unknown): string {
  // A function declaration that captures nothing (the recursion uses its own name): it ships in task plans.
  if (value === undefined) return "undefined"
  if (typeof value === "bigint") return `${value}n`
  if (typeof value === "number") return Object.is(value, -0) ? "0" : Number.isNaN(value) ? "NaN" : String(value)
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>
    return `{${Object.keys(record).sort().map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(",")}}`
  }
  return JSON.stringify(value)
}

/** The elements as a sorted list of canonical strings: equal lists mean equal multisets. */
export const multiset = (values: ReadonlyArray<unknown>): Array<string> => values.map(canonical).sort()

/** Asserts two collections hold the same elements, in any order. */
export const assertSameMultiset = (actual: ReadonlyArray<unknown>, expected: ReadonlyArray<unknown>, message?: string) =>
  assert.deepStrictEqual(multiset(actual), multiset(expected), message)

/** Asserts two sequences are equal element by element (structurally). */
export const assertSameSequence = (actual: ReadonlyArray<unknown>, expected: ReadonlyArray<unknown>, message?: string) =>
  assert.deepStrictEqual(actual.map(canonical), expected.map(canonical), message)

/**
 * Runs a fast-check async property whose body is an Effect (with no
 * requirements) from inside an `it.effect`. Failures surface as test failures
 * with fast-check's counterexample and seed.
 */
export const checkProperty = <A>(
  arbitrary: fc.Arbitrary<A>,
  body: (value: A) => Effect.Effect<void, unknown>,
  params: fc.Parameters<[A]> = {}
): Effect.Effect<void> => Effect.promise(() => fc.assert(fc.asyncProperty(arbitrary, (value) => Effect.runPromise(body(value))), params))

/** The error an effect fails with (fails the test when it succeeds). */
export const flipFailure = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.result(effect), (result) =>
    result._tag === "Failure"
      ? Effect.succeed(result.failure)
      : Effect.die(new Error(`expected a failure, got ${canonical(result.success)}`)))

/** A two-shuffle word count over generated lines (three stages): the job the executor-loss tests disturb. */
export const wordCount = (sc: SparkContext.SparkContext) =>
  sc.parallelize(Array.from({ length: 400 }, (_, i) => `w${i % 37} w${i % 11} w${i % 5}`), 8)
    .flatMap((line) => line.split(" "))
    .map((word) => [word, 1] as const)
    .reduceByKey((a, b) => a + b, 4)
    .map(([word, n]) => [word.length, n] as const)
    .reduceByKey((a, b) => a + b, 3)
