/**
 * Window operations against a naive recomputation over plain arrays.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import * as Testing from "../../src/testing/index.js"
import { intBatches, pairBatches, windowSpec } from "../arbitraries/streams.js"
import { checkProperty, multiset } from "../utils/streaming.js"

const B = 1000

/**
 * The naive windows: the output at batch k x slide (k >= 1, up to
 * `numBatches`) holds input batches whose number n (1-based) is in
 * (k x slide - window, k x slide].
 */
const naiveWindows = <T>(input: ReadonlyArray<ReadonlyArray<T>>, w: number, s: number, numBatches: number) => {
  const out: Array<Array<T>> = []
  const keysSoFar: Array<Set<unknown>> = []
  for (let end = s; end <= numBatches; end += s) {
    const items: Array<T> = []
    for (let n = Math.max(1, end - w + 1); n <= end; n++) items.push(...(input[n - 1] ?? []))
    out.push(items)
    keysSoFar.push(new Set(input.slice(0, end).flat().map((x) => (Array.isArray(x) ? x[0] : x))))
  }
  return { windows: out, keysSoFar }
}

const sumByKey = (pairs: ReadonlyArray<readonly [string, number]>) => {
  const sums = new Map<string, number>()
  for (const [k, v] of pairs) sums.set(k, (sums.get(k) ?? 0) + v)
  return [...sums.entries()]
}

const spec = fc.record({ input: pairBatches(8), window: windowSpec })

describe("window properties", () => {
  it.effect("window(w, s) equals a naive recomputation over the window", () =>
    checkProperty(
      fc.record({ input: intBatches(8), window: windowSpec }),
      ({ input, window: { slideBatches: s, windowBatches: w } }) =>
        Effect.gen(function*() {
          const numBatches = input.length + w
          const out = yield* Testing.runBatchesEffect(input, (st) => st.window(w * B, s * B), { numBatches })
          const { windows } = naiveWindows(input, w, s, numBatches)
          assert.deepStrictEqual(out.map(multiset), windows.map(multiset))
        }),
      { numRuns: 25 }
    ))

  it.effect("reduceByKeyAndWindow (no inverse) equals naive per-key sums", () =>
    checkProperty(spec, ({ input, window: { slideBatches: s, windowBatches: w } }) =>
      Effect.gen(function*() {
        const numBatches = input.length + w
        const out = yield* Testing.runBatchesEffect(input, (st) => st.reduceByKeyAndWindow((a, b) => a + b, w * B, s * B), {
          numBatches
        })
        const { windows } = naiveWindows(input, w, s, numBatches)
        assert.deepStrictEqual(out.map(multiset), windows.map((win) => multiset(sumByKey(win))))
      }), { numRuns: 25 }))

  // The inverse form needs window >= slide (every batch enters a window before it leaves one).
  const overlapping = spec.filter(({ window }) => window.windowBatches >= window.slideBatches)

  it.effect("with an inverse and a filter dropping neutral values, equals it without an inverse", () =>
    checkProperty(overlapping, ({ input, window: { slideBatches: s, windowBatches: w } }) =>
      Effect.gen(function*() {
        const numBatches = input.length + w
        const both = yield* Testing.runBatchesEffect(input, (st) => {
          const naive = st.reduceByKeyAndWindow((a, b) => a + b, w * B, s * B).map((kv) => ["naive", kv] as readonly [string, unknown])
          const inverse = st.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, w * B, s * B, 2, (kv) => kv[1] !== 0)
            .map((kv) => ["inverse", kv] as readonly [string, unknown])
          return naive.union(inverse)
        }, { numBatches })
        const { windows } = naiveWindows(input, w, s, numBatches)
        for (const [i, batch] of both.entries()) {
          const naive = batch.filter(([tag]) => tag === "naive").map(([, kv]) => kv)
          const inverse = batch.filter(([tag]) => tag === "inverse").map(([, kv]) => kv)
          assert.deepStrictEqual(multiset(inverse), multiset(naive), `window ${i}`)
          assert.deepStrictEqual(multiset(naive), multiset(sumByKey(windows[i]!)), `window ${i}`)
        }
      }), { numRuns: 25 }))

  it.effect("with an inverse and no filter, keys that left the window stay with the neutral value (as in Spark)", () =>
    checkProperty(overlapping, ({ input, window: { slideBatches: s, windowBatches: w } }) =>
      Effect.gen(function*() {
        const numBatches = input.length + w
        const out = yield* Testing.runBatchesEffect(
          input,
          (st) => st.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, w * B, s * B),
          { numBatches }
        )
        const { keysSoFar, windows } = naiveWindows(input, w, s, numBatches)
        const expected = windows.map((win, i) => {
          const sums = new Map(sumByKey(win))
          return [...keysSoFar[i]!].map((k) => [k, sums.get(k as string) ?? 0])
        })
        assert.deepStrictEqual(out.map(multiset), expected.map(multiset))
      }), { numRuns: 25 }))

  it.effect("countByWindow and countByValueAndWindow equal naive counts", () =>
    checkProperty(
      fc.record({ input: intBatches(6), window: windowSpec.filter((w) => w.windowBatches >= w.slideBatches) }),
      ({ input, window: { slideBatches: s, windowBatches: w } }) =>
        Effect.gen(function*() {
          const numBatches = input.length + w
          const out = yield* Testing.runBatchesEffect(input, (st) =>
            st.countByWindow(w * B, s * B).map((n) => ["count", n] as readonly [string, unknown])
              .union(
                st.countByValueAndWindow(w * B, s * B).map((kv) =>
                  ["byValue", kv] as readonly [string, unknown]
                )
              ), { numBatches })
          const { keysSoFar, windows } = naiveWindows(input, w, s, numBatches)
          for (const [i, batch] of out.entries()) {
            const win = windows[i]!
            // As Spark (an inverse reduce without a filter): no count before the first element, then 0 once it left.
            const count = keysSoFar[i]!.size === 0 ? [] : [win.length]
            assert.deepStrictEqual(
              batch.filter(([t]) => t === "count").map(([, n]) =>
                n
              ),
              count,
              `window ${i}`
            )
            const counts = new Map<number, number>()
            for (const x of win) {
              counts.set(x, (counts.get(x) ?? 0) + 1)
            }
            assert.deepStrictEqual(
              multiset(batch.filter(([t]) => t === "byValue").map(([, kv]) => kv)),
              multiset([...counts.entries()]),
              `window ${i}`
            )
          }
        }),
      { numRuns: 20, examples: [[{ input: [[]], window: { windowBatches: 1, slideBatches: 1 } }]] }
    ))
})
