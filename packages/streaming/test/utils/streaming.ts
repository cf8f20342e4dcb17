import { assert } from "@effect/vitest"
import { KeyMap, SparkContext } from "@tspark/core"
import { Effect, type Scope } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as StreamingContext from "../../src/StreamingContext.js"

/**
 * A canonical string of a value: structurally equal values get the same
 * string; `undefined` and `null` stay apart (outer joins use `undefined`).
 * The engine's own key encoding, which core's tests check against a model.
 */
export const canonical = (value: unknown): string => KeyMap.encodeKey(value)

/** A batch as a sorted list of canonical strings: equal lists mean equal multisets. */
export const multiset = (values: ReadonlyArray<unknown>): Array<string> => values.map(canonical).sort()

/**
 * Asserts outputs equal the expected batches, batch by batch; with `useSet`
 * each batch is compared as a multiset (Spark's `useSet = true`).
 */
export const assertBatches = (
  actual: ReadonlyArray<ReadonlyArray<unknown>>,
  expected: ReadonlyArray<ReadonlyArray<unknown>>,
  useSet = false
) => {
  const norm = (batch: ReadonlyArray<unknown>) => (useSet ? multiset(batch) : batch.map(canonical))
  assert.deepStrictEqual(actual.map(norm), expected.map(norm))
}

/** `from..to` inclusive, Scala's `from to to`. */
export const range = (from: number, to: number): Array<number> => Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** A fresh temporary directory, removed when the scope closes. */
export const tempDir = (prefix = "tspark-streaming-test-"): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), prefix))),
    (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
  )

/** A SparkContext (local[2]) for the current scope. */
export const makeSparkContext = (conf?: Readonly<Record<string, string | number | boolean>>) =>
  SparkContext.make({ master: "local[2]", appName: "tspark-streaming-test", ...(conf === undefined ? {} : { conf }) })

/**
 * A SparkContext and a StreamingContext (1 s batches unless told) for the
 * current scope, with a checkpoint directory set unless `checkpoint: false`.
 */
export const makeStreaming = (
  options: Partial<StreamingContext.StreamingContextOptions> & {
    readonly checkpoint?: boolean
    readonly conf?: Readonly<Record<string, string | number | boolean>>
  } = {}
) =>
  Effect.gen(function*() {
    // The directory first, so that it is removed after the context (and its checkpoint writer) stopped.
    const checkpointDir = options.checkpoint === false ? undefined : yield* tempDir("tspark-streaming-ckpt-")
    const sc = yield* makeSparkContext(options.conf)
    const { checkpoint: _c, conf: _conf, ...rest } = options
    const ssc = yield* StreamingContext.make(sc, { batchDuration: 1000, ...rest })
    if (checkpointDir !== undefined) yield* ssc.checkpoint(checkpointDir)
    return { sc, ssc }
  })

/** Runs a scoped program on its own fresh test clock (time starts at 0). */
export const runOnTestClock = <A, E>(program: Effect.Effect<A, E, Scope.Scope>): Promise<A> =>
  Effect.runPromise(Effect.provide(Effect.scoped(program), TestClock.layer()))

/**
 * Checks a fast-check property whose body is a scoped Effect run on a fresh
 * test clock, from inside an `it.effect`.
 */
export const checkProperty = <A>(
  arbitrary: fc.Arbitrary<A>,
  body: (value: A) => Effect.Effect<void, unknown, Scope.Scope>,
  params: fc.Parameters<[A]> = {}
): Effect.Effect<void> => Effect.promise(() => fc.assert(fc.asyncProperty(arbitrary, (value) => runOnTestClock(body(value))), params))

/** The error an effect fails with (dies when it succeeds). */
export const flipFailure = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.result(effect), (result) =>
    result._tag === "Failure"
      ? Effect.succeed(result.failure)
      : Effect.die(new Error(`expected a failure, got ${canonical(result.success)}`)))
