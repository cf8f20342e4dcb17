import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { RDD } from "../../src/rdd/RDD.js"
import { distinctModel, groupModel, type Pipeline, pipeline, runPipeline, type State } from "../arbitraries/pipeline.js"
import {
  assertSameMultiset,
  assertSameSequence,
  canonical,
  checkProperty,
  makeContextIn,
  modes,
  multiset,
  workerThreads
} from "../utils/spark.js"

/** Compares an RDD's collected records with the model, as exactly as the order allows. */
const assertMatchesModel = (state: State, collected: ReadonlyArray<unknown>, label: string) => {
  assertSameMultiset(collected, state.model, label)
  if (state.order === "exact") assertSameSequence(collected, state.model, label)
  if (state.order === "keys") {
    assertSameSequence(
      collected.map((kv) => (kv as readonly [unknown, unknown])[0]),
      state.model.map((kv) => (kv as readonly [unknown, unknown])[0]),
      `${label} (key order)`
    )
  }
}

/** The pair actions against the model: collectAsMap (the last value wins, where the order is known) and lookup. */
const checkPairActions = (state: State, label: string) =>
  Effect.gen(function*() {
    if (state.kind !== "pair") return
    const pairs = state.rdd as RDD<readonly [unknown, unknown]>
    const model = state.model as ReadonlyArray<readonly [unknown, unknown]>
    const map = yield* pairs.collectAsMap()
    assertSameMultiset([...map.entries()].map(([k]) => k), distinctModel(model.map(([k]) => k)), `${label} collectAsMap keys`)
    if (state.order === "exact") {
      for (const [k, values] of groupModel(model)) {
        assert.strictEqual(canonical(map.get(k)), canonical(values[values.length - 1]), `${label} collectAsMap`)
      }
    }
    const first = model[0]
    if (first !== undefined) {
      const values = groupModel(model).find(([k]) => canonical(k) === canonical(first[0]))![1]
      assertSameMultiset(yield* pairs.lookup(first[0]), values, `${label} lookup`)
    }
  })

/** Regression and hand-picked pipelines, run before the random ones. */
const examples: Array<[Pipeline]> = [
  // zip (and zipWithIndex, sample) once handed their parent their own partition objects
  [{ source: { kind: "num", data: [] }, slices: 1, steps: [{ _tag: "zip" }] }],
  [{ source: { kind: "num", data: [4, 5, 6] }, slices: 2, steps: [{ _tag: "zip" }, { _tag: "zipWithIndex" }] }],
  [{
    source: { kind: "pair", data: [[{ p: 0, q: "u" }, 1], [{ q: "u", p: 0 }, 2], [[1, "x"], 3], ["a", 4], [0, 5]] },
    slices: 3,
    steps: [{ _tag: "reduceByKey", parts: 2 }, { _tag: "sortByKey", ascending: true, parts: 3 }, { _tag: "keys" }]
  }],
  [{
    source: { kind: "num", data: [5, -3, 5, 0, 7, -3, 2] },
    slices: 4,
    steps: [
      { _tag: "keyBy" },
      { _tag: "partitionBy", parts: 2 },
      { _tag: "reduceByKey", parts: 2 },
      { _tag: "join", variant: "fullOuterJoin", pairs: [[0, 1], [9, 9]], slices: 2, parts: undefined }
    ]
  }],
  [{
    source: { kind: "num", data: [3, 1, 2, 3, 9, -4] },
    slices: 3,
    steps: [{ _tag: "sortBy", ascending: false, parts: 2 }, { _tag: "zipWithIndex" }, { _tag: "coalesce", parts: 1 }]
  }],
  // The operations of issue 13: a user partitioner (both kinds), a partitioner-aware union, subtractByKey on it.
  [{
    source: { kind: "pair", data: [[[1, "x"], 1], ["a", 2], [{ p: 1 }, 3], ["a", 4], [0, 5]] },
    slices: 3,
    steps: [
      { _tag: "partitionByUser", parts: 3, subclass: true },
      { _tag: "unionPartitioned", parts: 2 },
      { _tag: "subtractByKey", pairs: [[0, 1]], slices: 2, parts: undefined },
      { _tag: "repartitionAndSort", parts: 2, user: true },
      { _tag: "partitionByUser", parts: 2, subclass: false },
      { _tag: "zipWithUniqueId" }
    ]
  }],
  [{
    source: { kind: "num", data: [4, -1, 4, 9, 0] },
    slices: 2,
    steps: [{ _tag: "sortByOrdering", parts: 3 }, { _tag: "zipWithUniqueId" }, { _tag: "repartition", parts: 3 }]
  }]
]

describe.each([...modes, workerThreads])("RDD model ($name)", (mode) => {
  it.effect("any pipeline of transformations equals the same pipeline on arrays", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      yield* checkProperty(
        pipeline,
        (p) =>
          Effect.gen(function*() {
            const state = yield* runPipeline(sc, p)
            const label = JSON.stringify(p.steps.map((s) => s._tag))
            const collected = yield* state.rdd.collect()
            assertMatchesModel(state, collected, label)
            yield* checkPairActions(state, label)
            // Running it again (shuffle outputs reused) gives the same records.
            assertSameMultiset(yield* state.rdd.collect(), collected, `${label} (second run)`)
            assert.strictEqual(yield* state.rdd.count(), state.model.length, `${label} count`)
            assert.strictEqual(yield* state.rdd.isEmpty(), state.model.length === 0, `${label} isEmpty`)
            const n = Math.min(3, state.model.length + 1)
            const taken = yield* state.rdd.take(n)
            assert.strictEqual(taken.length, Math.min(n, state.model.length))
            if (state.order === "exact") assertSameSequence(taken, state.model.slice(0, n), `${label} take`)
            else {
              const all = multiset(collected)
              for (const x of taken) assert.include(all, canonical(x), `${label} take`)
            }
          }),
        { numRuns: Number(process.env["FC_NUM_RUNS"] ?? 120), examples }
      )
    }).pipe(Effect.scoped))
})
