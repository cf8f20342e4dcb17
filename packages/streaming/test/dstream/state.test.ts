/**
 * updateStateByKey and mapWithState against a model fold over the batches.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import type { State } from "../../src/dstream/State.js"
import * as Testing from "../../src/testing/index.js"
import { pairBatches } from "../arbitraries/streams.js"
import { assertBatches, checkProperty, multiset } from "../utils/streaming.js"

const B = 1000
type KV = readonly [string, number]

/** Sum, but drop a key whose state is odd when a batch brings it nothing. */
const update = (values: Array<number>, state: number | undefined): number | undefined => {
  if (values.length === 0 && state !== undefined && state % 2 === 1) return undefined
  return (state ?? 0) + values.reduce((a, b) => a + b, 0)
}

const foldUpdateState = (input: ReadonlyArray<ReadonlyArray<KV>>, numBatches: number) => {
  let state = new Map<string, number>()
  const out: Array<Array<KV>> = []
  for (let i = 0; i < numBatches; i++) {
    const values = new Map<string, Array<number>>()
    for (const [k, v] of input[i] ?? []) values.set(k, [...(values.get(k) ?? []), v])
    const next = new Map<string, number>()
    for (const key of new Set([...state.keys(), ...values.keys()])) {
      const s = update(values.get(key) ?? [], state.get(key))
      if (s !== undefined) next.set(key, s)
    }
    state = next
    out.push([...state.entries()])
  }
  return out
}

/**
 * The mapWithState function of the properties: adds the value to the state
 * and emits the new sum; a sum divisible by 5 removes the state; a timing-out
 * key emits its last state.
 */
const func = (key: string, value: number | undefined, state: State<number>): readonly [string, string, number] => {
  if (value === undefined) return [key, "timeout", state.get()]
  const sum = (state.getOption() ?? 0) + value
  if (sum % 5 === 0) {
    state.remove()
    return [key, "removed", sum]
  }
  state.update(sum)
  return [key, "sum", sum]
}

/** The model of mapWithState with one value per key per batch and an idle timeout of `timeoutBatches`. */
const foldMapWithState = (
  input: ReadonlyArray<ReadonlyArray<KV>>,
  numBatches: number,
  timeoutBatches: number | undefined,
  initial: ReadonlyArray<KV>
) => {
  const state = new Map<string, { value: number; updatedAt: number }>()
  for (const [k, v] of initial) state.set(k, { value: v, updatedAt: 1 })
  const mapped: Array<Array<readonly [string, string, number]>> = []
  const snapshots: Array<Array<KV>> = []
  for (let batch = 1; batch <= numBatches; batch++) {
    const values = new Map<string, number>()
    for (const [k, v] of input[batch - 1] ?? []) values.set(k, (values.get(k) ?? 0) + v)
    const out: Array<readonly [string, string, number]> = []
    for (const [key, value] of values) {
      const sum = (state.get(key)?.value ?? 0) + value
      if (sum % 5 === 0) {
        state.delete(key)
        out.push([key, "removed", sum])
      } else {
        state.set(key, { value: sum, updatedAt: batch })
        out.push([key, "sum", sum])
      }
    }
    if (timeoutBatches !== undefined) {
      for (const [key, entry] of [...state.entries()]) {
        // idle for at least the timeout: no data since `timeout` ago
        if (!values.has(key) && entry.updatedAt <= batch - timeoutBatches) {
          out.push([key, "timeout", entry.value])
          state.delete(key)
        }
      }
    }
    mapped.push(out)
    snapshots.push([...state.entries()].map(([k, e]) => [k, e.value] as const))
  }
  return { mapped, snapshots }
}

describe("state", () => {
  it.effect("updateStateByKey equals a model fold over the batches", () =>
    checkProperty(pairBatches(10), (input) =>
      Effect.gen(function*() {
        const numBatches = input.length + 2
        const out = yield* Testing.runBatchesEffect(input, (s) => s.updateStateByKey(update), { numBatches })
        assertBatches(out, foldUpdateState(input, numBatches), true)
      }), { numRuns: 25 }))

  it.effect("mapWithState (mapped values and state snapshots, with timeouts) equals a model fold", () =>
    checkProperty(
      fc.record({
        input: pairBatches(10),
        timeoutBatches: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        initial: fc.uniqueArray(fc.tuple(fc.constantFrom("a", "b", "e"), fc.integer({ min: 1, max: 4 })), {
          selector: ([k]) => k,
          maxLength: 2
        })
      }),
      ({ initial, input, timeoutBatches }) =>
        Effect.gen(function*() {
          const numBatches = input.length + 4
          const out = yield* Testing.runBatchesEffect(input, (s) => {
            const sc = s.context.sparkContext
            const mapped = s.reduceByKey((a, b) => a + b).mapWithState({
              func,
              ...(timeoutBatches === undefined ? {} : { timeout: timeoutBatches * B }),
              ...(initial.length === 0 ? {} : { initialState: sc.parallelize<KV>(initial, 2) })
            })
            return mapped.map((m) => ["mapped", m] as readonly [string, unknown])
              .union(mapped.stateSnapshots().map((kv) => ["snapshot", kv] as readonly [string, unknown]))
          }, { numBatches })
          const model = foldMapWithState(input, numBatches, timeoutBatches, initial)
          assert.strictEqual(out.length, numBatches)
          for (const [i, batch] of out.entries()) {
            assert.deepStrictEqual(
              multiset(batch.filter(([t]) => t === "mapped").map(([, m]) => m)),
              multiset(model.mapped[i]!),
              `mapped, batch ${i + 1}`
            )
            assert.deepStrictEqual(
              multiset(batch.filter(([t]) => t === "snapshot").map(([, m]) => m)),
              multiset(model.snapshots[i]!),
              `snapshot, batch ${i + 1}`
            )
          }
        }),
      { numRuns: 30 }
    ))

  it.effect("mapWithState: a timing-out key cannot be updated; Spark's word-count example", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(
        [["a", "b"], ["a"], [], []],
        (s) =>
          s.map((w) => [w, 1] as const).mapWithState({
            func: (key: string, value: number | undefined, state: State<number>) => {
              if (state.isTimingOut) {
                let threw = false
                try {
                  state.update(1)
                } catch {
                  threw = true
                }
                return `${key} timed out (update refused: ${threw})`
              }
              const sum = (state.getOption() ?? 0) + (value ?? 0)
              state.update(sum)
              return `${key}=${sum}`
            },
            timeout: "2 seconds"
          })
      )
      // idle for at least the timeout (2 batches) after the last update
      assertBatches(out, [
        ["a=1", "b=1"],
        ["a=2"],
        ["b timed out (update refused: true)"],
        ["a timed out (update refused: true)"]
      ], true)
    }))
})
