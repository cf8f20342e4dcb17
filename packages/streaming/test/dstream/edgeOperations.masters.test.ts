/**
 * The new operations on masters that ship tasks: StreamingContext.transform,
 * updateStateByKey with the batch time and an initial state, and
 * mapWithState with StateSpec.function's time form give on worker-thread and
 * process executors what they give in-process (their functions ship;
 * `local-process[2]` is written `local-process[2,1,1024]` here).
 */
import { assert, describe, it } from "@effect/vitest"
import { Closure, Partitioner } from "@tspark/core"
import { Effect } from "effect"
import type { DStream } from "../../src/dstream/DStream.js"
import type { State } from "../../src/dstream/State.js"
import * as StateSpec from "../../src/dstream/StateSpec.js"
import type { StreamingContext } from "../../src/StreamingContext.js"
import * as Testing from "../../src/testing/index.js"
import type * as Time from "../../src/Time.js"
import { multiset } from "../utils/streaming.js"

const input: ReadonlyArray<ReadonlyArray<string>> = [["a", "b", "a"], ["b"], [], ["a", "c"]]

const operation = (s: DStream<string>): DStream<unknown> => {
  const pairs = s.map((w) => [w, 1] as const)
  const state = pairs.updateStateByKey(
    (time: Time.Time, _key: string, values: Array<number>, total: number | undefined) =>
      values.length === 0 ? total : (total ?? 0) + values.length + time / 1000,
    new Partitioner.HashPartitioner(2),
    true,
    s.context.sparkContext.parallelize([["c", 100] as const], 1)
  )
  const mapped = pairs.mapWithState(StateSpec.function((time: Time.Time, key: string, one: number | undefined, st: State<number>) => {
    st.update((st.getOption() ?? 0) + (one ?? 0))
    return `${key}:${st.get()}@${time}`
  }))
  return (s.context as StreamingContext).transform(
    [state, mapped] as const,
    ([a, b], time) => a.map(([k, n]) => `${k}=${n}`).union(b).map(Closure.withEnv({ time }, ({ time }) => (x: string) => `${x}/${time}`))
  )
}

const masters = ["local-cluster[2,1,1024]", "local-process[2,1,1024]"]

describe("edge operations on masters that ship tasks", () => {
  for (const master of masters) {
    it.effect(`${master}: transform, updateStateByKey with time and mapWithState with time equal local[2]`, () =>
      Effect.gen(function*() {
        // Each run on its own test clock, so that both see the same batch times.
        const local = yield* Effect.promise(() => Testing.runBatches(input, operation))
        const shipped = yield* Effect.promise(() => Testing.runBatches(input, operation, { master }))
        assert.strictEqual(local.length, input.length)
        assert.deepStrictEqual(shipped.map(multiset), local.map(multiset))
      }), { timeout: 120_000 })
  }
})
