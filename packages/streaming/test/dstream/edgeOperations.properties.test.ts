/**
 * updateStateByKey's forms and StreamingContext.transform against models on
 * plain arrays: every form of updateStateByKey (per key, partition iterator,
 * with the time; with or without an initial state) equals one fold over the
 * batches, and a transform over several streams equals the model of its
 * function applied batch by batch.
 */
import { describe, it } from "@effect/vitest"
import { Partitioner } from "@tspark/core"
import { Effect } from "effect"
import fc from "fast-check"
import type { DStream } from "../../src/dstream/DStream.js"
import type { StreamingContext } from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"
import type * as Time from "../../src/Time.js"
import { intBatches, pairBatches } from "../arbitraries/streams.js"
import { assertBatches, checkProperty } from "../utils/streaming.js"

type KV = readonly [string, number]

/** Sum, but drop a key whose state is odd when a batch brings it nothing; the time is added to keys "t". */
const update = (time: number, key: string, values: Array<number>, state: number | undefined): number | undefined => {
  if (values.length === 0 && state !== undefined && state % 2 === 1) return undefined
  return (state ?? 0) + values.reduce((a, b) => a + b, 0) + (key === "t" && values.length > 0 ? time / 1000 : 0)
}

const fold = (input: ReadonlyArray<ReadonlyArray<KV>>, numBatches: number, initial: ReadonlyArray<KV>) => {
  let state = new Map<string, number>()
  let initialJoined = false
  const out: Array<Array<KV>> = []
  for (let i = 0; i < numBatches; i++) {
    // The initial state joins at the first batch (every batch has an RDD here).
    if (!initialJoined) state = new Map(initial)
    initialJoined = true
    const values = new Map<string, Array<number>>()
    for (const [k, v] of input[i] ?? []) values.set(k, [...(values.get(k) ?? []), v])
    const next = new Map<string, number>()
    for (const key of new Set([...state.keys(), ...values.keys()])) {
      const s = update((i + 1) * 1000, key, values.get(key) ?? [], state.get(key))
      if (s !== undefined) next.set(key, s)
    }
    state = next
    out.push([...state.entries()])
  }
  return out
}

const forms = ["perKey", "iterator", "time"] as const
type Form = typeof forms[number]

const withForm = (s: DStream<KV>, form: Form, initial: ReadonlyArray<KV>, partitions: number): DStream<[string, number]> => {
  const initialRDD = initial.length === 0 && form !== "time" ? undefined : s.context.sparkContext.parallelize([...initial], 2)
  switch (form) {
    case "perKey":
      // The per-key form cannot see the time: keys "t" are not generated for it.
      return s.updateStateByKey((values: Array<number>, state: number | undefined) => update(0, "", values, state), partitions, initialRDD)
    case "iterator":
      return s.updateStateByKey(
        function*(records: IterableIterator<[string, Array<number>, number | undefined]>) {
          for (const [key, values, state] of records) {
            if (values.length === 0 && state !== undefined && state % 2 === 1) continue
            yield [key, (state ?? 0) + values.reduce((a, b) => a + b, 0)] as [string, number]
          }
        },
        new Partitioner.HashPartitioner(partitions),
        partitions % 2 === 0,
        ...(initialRDD === undefined ? [] : [initialRDD])
      )
    case "time":
      return s.updateStateByKey(
        (time: Time.Time, key: string, values: Array<number>, state: number | undefined) => update(time, key, values, state),
        partitions,
        true,
        initialRDD
      )
  }
}

const initialArb = fc.uniqueArray(fc.tuple(fc.constantFrom("a", "b", "e"), fc.integer({ min: 1, max: 4 })), {
  selector: ([k]) => k,
  maxLength: 2
})

describe("updateStateByKey forms and StreamingContext.transform", () => {
  it.effect("every updateStateByKey form equals a fold over the batches", () =>
    checkProperty(
      fc.record({
        input: pairBatches(8),
        withTimeKey: fc.array(fc.tuple(fc.constant("t"), fc.integer({ min: 1, max: 3 })), { maxLength: 2 }),
        form: fc.constantFrom(...forms),
        initial: initialArb,
        partitions: fc.integer({ min: 1, max: 3 })
      }),
      ({ form, initial, input, partitions, withTimeKey }) =>
        Effect.gen(function*() {
          const batches = form === "time" ? input.map((b, i) => (i === 0 ? [...b, ...withTimeKey] : b)) : input
          const numBatches = batches.length + 2
          const out = yield* Testing.runBatchesEffect(batches, (s) => withForm(s, form, initial, partitions), { numBatches })
          assertBatches(out, fold(batches, numBatches, initial), true)
        }),
      {
        numRuns: 25,
        examples: [
          [{ input: [[]], withTimeKey: [], form: "iterator", initial: [["a", 1]], partitions: 2 }],
          // Found when the time form was passed a wrong time: a "t" key in the first batch.
          [{ input: [[]], withTimeKey: [["t", 1]], form: "time", initial: [], partitions: 1 }]
        ]
      }
    ))

  it.effect("StreamingContext.transform over several streams equals its function on the batches", () =>
    checkProperty(intBatches(6), (input) =>
      Effect.gen(function*() {
        const out = yield* Testing.runBatchesEffect(input, (s) =>
          (s.context as StreamingContext).transform(
            [s, s.map((x) => x * 10), s.filter((x) => x > 0).map(String)] as const,
            ([a, b, c]) => a.union(b).map(String).union(c.map((x) => `+${x}`))
          ))
        assertBatches(
          out,
          input.map((b) => [...b, ...b.map((x) => x * 10)].map(String).concat(b.filter((x) => x > 0).map((x) => `+${x}`))),
          true
        )
      }), { numRuns: 25 }))
})
