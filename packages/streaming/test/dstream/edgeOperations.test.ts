/**
 * Spark's BasicOperationsSuite cases for the operations' edges: a union or
 * transform whose parent has no RDD for a batch (the batch's job fails),
 * StreamingContext.transform over several streams, slice before start, and
 * updateStateByKey's forms (initial state, partitioner, iterator, time) and
 * mapWithState with the batch time.
 */
import { assert, describe, it } from "@effect/vitest"
import { Partitioner, type RDD } from "@tspark/core"
import { Effect, Exit } from "effect"
import type { DStream } from "../../src/dstream/DStream.js"
import * as InputDStream from "../../src/dstream/InputDStream.js"
import type { State } from "../../src/dstream/State.js"
import * as StateSpec from "../../src/dstream/StateSpec.js"
import type { StreamingContext } from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"
import type * as Time from "../../src/Time.js"
import { assertBatches, flipFailure, makeStreaming, range } from "../utils/streaming.js"

/** Spark's TestInputStream with `null` batches: no RDD at all for those (`None`). */
const inputWithGaps = <T>(ssc: StreamingContext, batches: ReadonlyArray<ReadonlyArray<T> | null>): DStream<T> =>
  InputDStream.make<T>(ssc, {
    name: "TestInputStream",
    dependencies: [],
    compute: (time, self) => {
      const batch = batches[Math.round((time - (self.zeroTime ?? 0)) / ssc.batchDurationMs) - 1]
      return batch === null ? undefined : ssc.sparkContext.parallelize([...(batch ?? [])], 2)
    }
  })

/** Runs `operation` over batches with gaps; what each batch output, what listeners heard fail, and the context's error. */
const runWithGaps = <T, U>(batches: ReadonlyArray<ReadonlyArray<T> | null>, operation: (s: DStream<T>) => DStream<U>) =>
  Effect.scoped(Effect.gen(function*() {
    const { ssc } = yield* makeStreaming()
    const outputs = new Map<number, Array<U>>()
    operation(inputWithGaps(ssc, batches)).foreachRDD((rdd, time) => Effect.map(rdd.collect(), (xs) => void outputs.set(time, xs)))
    const failures: Array<string> = []
    yield* ssc.addStreamingListener({
      onOutputOperationCompleted: (info) => void (info.failureReason !== undefined && failures.push(info.failureReason))
    })
    yield* ssc.start()
    yield* Testing.advanceBatchesThroughFailures(ssc, batches.length)
    yield* ssc.waitForListeners()
    const status = yield* Effect.exit(ssc.awaitTerminationOrTimeout(0))
    const error = Exit.isFailure(status) ? String(status.cause) : undefined
    return { outputs: [...outputs.entries()].sort((a, b) => a[0] - b[0]).map(([, xs]) => xs), failures, error }
  }))

const sumValues = (values: Array<number>, state: number | undefined) => values.reduce((a, b) => a + b, 0) + (state ?? 0)
const initial: ReadonlyArray<readonly [string, number]> = [["a", 1], ["c", 2]]
const stateInput = [["a"], ["a", "b"], ["a", "b", "c"], ["a", "b"], ["a"], []]
const stateOutput = [
  [["a", 2], ["c", 2]],
  [["a", 3], ["b", 1], ["c", 2]],
  [["a", 4], ["b", 2], ["c", 3]],
  [["a", 5], ["b", 3], ["c", 3]],
  [["a", 6], ["b", 3], ["c", 3]],
  [["a", 6], ["b", 3], ["c", 3]]
]

describe("BasicOperationsSuite: edges", () => {
  it.effect("union with input stream return None: that batch's job fails, logged and reported", () =>
    Effect.gen(function*() {
      const { error, failures, outputs } = yield* runWithGaps([range(1, 4), range(101, 104), range(201, 204), null], (s) =>
        s.union(s.map((x) => x + 4)))
      assertBatches(outputs, [range(1, 8), range(101, 108), range(201, 208)], true)
      assert.strictEqual(failures.length, 1)
      assert.include(failures[0], "Could not generate RDD from a parent for unifying at time 4000 ms")
      assert.include(error, "Could not generate RDD from a parent for unifying at time 4000 ms")
    }))

  it.effect("transformWith with input stream return None", () =>
    Effect.gen(function*() {
      const { failures, outputs } = yield* runWithGaps([["a", "b"], ["c"], null], (s) =>
        s.transformWith(s.map((x) => x.toUpperCase()), (a, b) => a.union(b)))
      assertBatches(outputs, [["a", "b", "A", "B"], ["c", "C"]], true)
      assert.strictEqual(failures.length, 1)
      assert.include(failures[0], "Couldn't generate RDD from parent at time 3000 ms")
    }))

  it.effect("transform with a function that returns no RDD fails the batch", () =>
    Effect.gen(function*() {
      const { failures, outputs } = yield* runWithGaps([[1], [2]], (s) =>
        s.transform((rdd, time) => (time === 2000 ? undefined as unknown as RDD.RDD<number> : rdd)))
      assertBatches(outputs, [[1]])
      assert.include(failures[0], "Transform function must not return null or undefined")
    }))

  it.effect("StreamingContext.transform over streams of different types", () =>
    Effect.gen(function*() {
      const input = [range(1, 4), range(5, 8), range(9, 12)]
      const out = yield* Testing.runBatchesEffect(input, (s) =>
        (s.context as StreamingContext).transform(
          [s, s.map((x) => `n${x}`), s.filter((x) => x % 2 === 0)] as const,
          ([numbers, names, evens], time: Time.Time) => numbers.map((x) => `${x * 10}`).union(names).union(evens.map((x) => `${x}@${time}`))
        ))
      assertBatches(
        out,
        input.map((batch, i) => [
          ...batch.map((x) => `${x * 10}`),
          ...batch.map((x) => `n${x}`),
          ...batch.filter((x) => x % 2 === 0).map((x) => `${x}@${(i + 1) * 1000}`)
        ]),
        true
      )
    }))

  it.effect("StreamingContext.transform and union check their streams at start", () =>
    Effect.scoped(Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [string, (ssc: StreamingContext, s: DStream<number>) => DStream<unknown>, RegExp]> = [
        [
          "no streams to transform",
          (ssc) => ssc.transform([], () => ssc.sparkContext.emptyRDD()),
          /List of DStreams to transform is empty/
        ],
        ["no streams to unite", (ssc) => ssc.union([]), /List of DStreams to union is empty/],
        [
          "different slides",
          (ssc, s) => ssc.transform([s, s.window(2000, 2000)], ([a]) => a),
          /Some of the DStreams have different slide durations \(1000 ms, 2000 ms\)/
        ]
      ]
      for (const [name, build, pattern] of cases) {
        const error = yield* Effect.scoped(Effect.gen(function*() {
          const { ssc } = yield* makeStreaming({ checkpoint: false })
          build(ssc, inputWithGaps(ssc, [[1]])).foreachRDD(() => undefined)
          return yield* flipFailure(ssc.start())
        }))
        assert.strictEqual(error._tag, "InvalidStreamError", name)
        assert.match(error.message, pattern, name)
      }
    })))

  it.effect("StreamingContext.transform refuses streams of another context", () =>
    Effect.scoped(Effect.gen(function*() {
      const { ssc } = yield* makeStreaming({ checkpoint: false })
      const other = yield* makeStreaming({ checkpoint: false })
      const a = inputWithGaps(ssc, [[1]])
      const b = inputWithGaps(other.ssc, [[2]])
      ssc.transform([a, b], ([x]) => x).foreachRDD(() => undefined)
      const error = yield* flipFailure(ssc.start())
      assert.match(error.message, /Some of the DStreams have different contexts/)
    })))

  it.effect("slice - has not been initialized", () =>
    Effect.scoped(Effect.gen(function*() {
      const { ssc } = yield* makeStreaming({ checkpoint: false })
      const stream = inputWithGaps(ssc, [[1], [2], [3], [4]])
      const error = yield* flipFailure(stream.slice(0 as Time.Time, 1000))
      assert.strictEqual(error._tag, "IllegalStateError")
      assert.match(error.message, /TestInputStream\[\d+\] has not been initialized/)
    })))

  it.effect("slice rounds times off the slide down, and is empty when from is after to", () =>
    Effect.scoped(Effect.gen(function*() {
      const { ssc } = yield* makeStreaming({ checkpoint: false })
      ssc.remember(10_000)
      const stream = inputWithGaps(ssc, [[1], [2], [3], [4]])
      stream.foreachRDD(() => undefined)
      yield* Testing.runToBatch(ssc, 4)
      const values = (from: number, to: number) =>
        Effect.flatMap(stream.slice(from, to), (rdds) => Effect.map(Effect.forEach(rdds, (rdd) => rdd.collect()), (xs) => xs.flat()))
      assert.deepStrictEqual(yield* values(1500, 2500), [1, 2])
      assert.deepStrictEqual(yield* values(1000, 3000), [1, 2, 3])
      assert.deepStrictEqual(yield* values(0, 999), [])
      assert.deepStrictEqual(yield* values(3000, 1000), [])
    })))

  it.effect("updateStateByKey - simple with initial value RDD", () =>
    Effect.gen(function*() {
      const out = yield* Testing.runBatchesEffect(stateInput, (s) => {
        const initialRDD = s.context.sparkContext.parallelize([...initial], 2)
        return s.map((x) => [x, 1] as const).updateStateByKey(sumValues, new Partitioner.HashPartitioner(2), initialRDD)
      })
      assertBatches(out, stateOutput, true)
    }))

  it.effect("updateStateByKey - with initial value RDD (the iterator form, remembering the partitioner)", () =>
    Effect.gen(function*() {
      const partitioners: Array<string> = []
      const out = yield* Testing.runBatchesEffect(stateInput, (s) => {
        const initialRDD = s.context.sparkContext.parallelize([...initial], 2)
        const state = s.map((x) => [x, 1] as const).updateStateByKey(
          function*(records: IterableIterator<[string, Array<number>, number | undefined]>) {
            for (const [key, values, total] of records) yield [key, values.length + (total ?? 0)] as [string, number]
          },
          new Partitioner.HashPartitioner(2),
          true,
          initialRDD
        )
        return state.transform((rdd) => {
          partitioners.push(rdd.partitioner === undefined ? "none" : `${rdd.partitioner.numPartitions}`)
          return rdd
        })
      })
      assertBatches(out, stateOutput, true)
      assert.deepStrictEqual(new Set(partitioners), new Set(["2"]))
    }))

  it.effect("updateStateByKey - the iterator form without rememberPartitioner drops the partitioner", () =>
    Effect.gen(function*() {
      const partitioners: Array<string> = []
      yield* Testing.runBatchesEffect(stateInput, (s) =>
        s.map((x) => [x, 1] as const).updateStateByKey(
          (records: IterableIterator<[string, Array<number>, number | undefined]>) =>
            [...records].map(([k, vs, total]) => [k, vs.length + (total ?? 0)] as [string, number]),
          3,
          false
        ).transform((rdd) => {
          partitioners.push(`${rdd.partitioner === undefined ? "none" : "kept"}/${rdd.numPartitions}`)
          return rdd
        }))
      assert.deepStrictEqual(new Set(partitioners), new Set(["none/3"]))
    }))

  it.effect("updateStateByKey - testing time stamps as input", () =>
    Effect.gen(function*() {
      // The state: how many times the key came, and the time it last came.
      const out = yield* Testing.runBatchesEffect(stateInput, (s) =>
        s.map((x) => [x, 1] as const).updateStateByKey(
          (time: Time.Time, key: string, values: Array<number>, state: readonly [number, number] | undefined) =>
            values.length === 0 ? state : [(state?.[0] ?? 0) + values.length, time] as const,
          new Partitioner.HashPartitioner(2),
          true,
          s.context.sparkContext.parallelize([["c", [0, 0] as const] as const], 1)
        ))
      assertBatches(out, [
        [["a", [1, 1000]], ["c", [0, 0]]],
        [["a", [2, 2000]], ["b", [1, 2000]], ["c", [0, 0]]],
        [["a", [3, 3000]], ["b", [2, 3000]], ["c", [1, 3000]]],
        [["a", [4, 4000]], ["b", [3, 4000]], ["c", [1, 3000]]],
        [["a", [5, 5000]], ["b", [3, 4000]], ["c", [1, 3000]]],
        [["a", [5, 5000]], ["b", [3, 4000]], ["c", [1, 3000]]]
      ], true)
    }))

  it.effect("updateStateByKey - the initial state joins at the first batch with data (none before)", () =>
    Effect.gen(function*() {
      const { outputs } = yield* runWithGaps([null, ["a"], []], (s) =>
        s.map((x) => [x, 1] as const).updateStateByKey(sumValues, 2, s.context.sparkContext.parallelize([["c", 5] as const], 1)))
      // Batch 1 has no RDD and no state: no output; batch 2 cogroups with the initial state.
      assertBatches(outputs, [[["a", 1], ["c", 5]], [["a", 1], ["c", 5]]], true)
    }))

  it.effect("mapWithState with StateSpec.function in Spark's two shapes", () =>
    Effect.gen(function*() {
      const withTime = StateSpec.function((time: Time.Time, key: string, value: number | undefined, state: State<number>) => {
        const sum = (value ?? 0) + (state.getOption() ?? 0)
        state.update(sum)
        return sum >= 2 ? `${key}=${sum}@${time}` : undefined
      })
      const plain = StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
        const sum = (value ?? 0) + (state.getOption() ?? 0)
        state.update(sum)
        return `${key}=${sum}`
      }, { partitions: 3 })
      const out = yield* Testing.runBatchesEffect([["a"], ["a", "b"], ["b"]], (s) => {
        const pairs = s.map((x) => [x, 1] as const)
        return pairs.mapWithState(withTime).union(pairs.mapWithState(plain))
      })
      assertBatches(out, [["a=1"], ["a=2@2000", "a=2", "b=1"], ["b=2@3000", "b=2"]], true)
    }))

  it.effect("mapWithState - the function with the time hears the batch time of a key's timeout too", () =>
    Effect.gen(function*() {
      const spec = StateSpec.function((time: Time.Time, key: string, value: number | undefined, state: State<number>) => {
        if (state.isTimingOut) return `${key} timed out at ${time}`
        state.update((state.getOption() ?? 0) + (value ?? 0))
        return `${key}@${time}`
      }, { timeout: 2000 })
      const out = yield* Testing.runBatchesEffect([["a"], [], [], []], (s) => s.map((x) => [x, 1] as const).mapWithState(spec))
      assertBatches(out, [["a@1000"], [], ["a timed out at 3000"], []])
    }))
})
