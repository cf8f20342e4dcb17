/**
 * TransactionalOutput against an in-memory transactional store (staged
 * writes, unique markers): replays write nothing, failures roll back, empty
 * partitions open no transaction, bad options are refused with a message.
 * examples/test runs the same helper against a real PostgreSQL.
 */
import { assert, describe, it } from "@effect/vitest"
import type { RDD } from "@tspark/core"
import { Effect } from "effect"
import fc from "fast-check"
import * as Testing from "../src/testing/index.js"
import * as TransactionalOutput from "../src/TransactionalOutput.js"
import { makeSparkContext, makeStreaming } from "./utils/streaming.js"

type Count = readonly [string, number]

interface MemoryTx {
  readonly staged: Map<string, number>
  marker: string | undefined
}

/** A store with committed totals and markers; each transaction stages its writes until commit. */
const memoryStore = () => {
  const totals = new Map<string, number>()
  const markers = new Set<string>()
  const events = { begun: 0, committed: 0, rolledBack: 0, released: 0, releasedWithError: 0 }
  const sink: TransactionalOutput.TransactionalSink<MemoryTx> = {
    begin: async () => {
      events.begun++
      return { staged: new Map(), marker: undefined }
    },
    claim: async (tx, m) => {
      const key = `${m.output}/${m.batchTime}/${m.partition}`
      if (markers.has(key)) return false
      tx.marker = key
      return true
    },
    commit: async (tx) => {
      for (const [word, n] of tx.staged) totals.set(word, (totals.get(word) ?? 0) + n)
      if (tx.marker !== undefined) markers.add(tx.marker)
      events.committed++
    },
    rollback: async () => {
      events.rolledBack++
    },
    release: (_tx, error) => {
      events.released++
      if (error !== undefined) events.releasedWithError++
    }
  }
  return { totals, markers, events, sink }
}

/** Adds each count to the transaction, a microtask apart (as a database round trip); throws at `failAt` if given. */
const writeCounts = (failAt?: string) => async (tx: MemoryTx, records: ReadonlyArray<Count>) => {
  for (const [word, n] of records) {
    await Promise.resolve()
    if (word === failAt) throw new Error(`cannot write ${word}`)
    tx.staged.set(word, (tx.staged.get(word) ?? 0) + n)
  }
}

const runBatch = (rdd: RDD.RDD<Count>, output: TransactionalOutput.TransactionalOutput<Count>, time: number) =>
  rdd.foreachPartition(output.writer(time))

const sorted = (totals: ReadonlyMap<string, number>) => [...totals].sort(([a], [b]) => (a < b ? -1 : 1))

describe("TransactionalOutput", () => {
  it.effect("a batch written twice (a replay) leaves its counts once; a later batch adds", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* makeSparkContext()
      const store = memoryStore()
      const output = yield* TransactionalOutput.make({ name: "counts", sink: store.sink, write: writeCounts() })
      const batch = sc.parallelize<Count>([["a", 1], ["b", 2], ["c", 3], ["a", 4]], 2)
      yield* runBatch(batch, output, 1000)
      yield* runBatch(batch, output, 1000)
      assert.deepStrictEqual(sorted(store.totals), [["a", 5], ["b", 2], ["c", 3]])
      assert.deepStrictEqual([...store.markers].sort(), ["counts/1000/0", "counts/1000/1"])
      // The replay's two transactions claimed nothing and rolled back.
      assert.deepStrictEqual(store.events, { begun: 4, committed: 2, rolledBack: 2, released: 4, releasedWithError: 0 })
      yield* runBatch(batch, output, 2000)
      assert.deepStrictEqual(sorted(store.totals), [["a", 10], ["b", 4], ["c", 6]])
    })))

  it.effect("a failure in the middle of a partition rolls it back and fails the job; running the batch again writes it once", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* makeSparkContext()
      const store = memoryStore()
      const batch = sc.parallelize<Count>([["a", 1], ["b", 1], ["c", 1], ["d", 1]], 2)
      const failing = yield* TransactionalOutput.make({ name: "counts", sink: store.sink, write: writeCounts("d") })
      const error = yield* Effect.flip(runBatch(batch, failing, 1000))
      assert.match(error.message, /output "counts" did not write partition 1 of batch 1000: write failed \(Error: cannot write d\)/)
      assert.match(error.message, /rolled back, so running the batch again writes it once/)
      // Partition 0 committed; partition 1 wrote "c" before failing, and that write is gone.
      assert.deepStrictEqual(sorted(store.totals), [["a", 1], ["b", 1]])
      // The failing task ran four times (spark.task.maxFailures); each attempt rolled back and dropped its connection.
      assert.strictEqual(store.events.committed, 1)
      assert.strictEqual(store.events.rolledBack, 4)
      assert.strictEqual(store.events.releasedWithError, 4)
      const fixed = yield* TransactionalOutput.make({ name: "counts", sink: store.sink, write: writeCounts() })
      yield* runBatch(batch, fixed, 1000)
      assert.deepStrictEqual(sorted(store.totals), [["a", 1], ["b", 1], ["c", 1], ["d", 1]])
    })))

  it.effect("a task that fails once and is retried writes its partition once", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* makeSparkContext()
      const store = memoryStore()
      let calls = 0
      const flaky = async (tx: MemoryTx, records: ReadonlyArray<Count>) => {
        await writeCounts()(tx, records)
        if (calls++ === 0) throw new Error("connection reset")
      }
      const output = yield* TransactionalOutput.make({ name: "counts", sink: store.sink, write: flaky })
      yield* runBatch(sc.parallelize<Count>([["a", 1], ["b", 2]], 1), output, 1000)
      assert.deepStrictEqual(sorted(store.totals), [["a", 1], ["b", 2]])
      assert.deepStrictEqual(store.events, { begun: 2, committed: 1, rolledBack: 1, released: 2, releasedWithError: 1 })
    })))

  it.effect("two outputs with different names keep their own markers", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* makeSparkContext()
      const store = memoryStore()
      const batch = sc.parallelize<Count>([["a", 1]], 1)
      const first = yield* TransactionalOutput.make({ name: "first", sink: store.sink, write: writeCounts() })
      const second = yield* TransactionalOutput.make({ name: "second", sink: store.sink, write: writeCounts() })
      yield* runBatch(batch, first, 1000)
      yield* runBatch(batch, second, 1000)
      yield* runBatch(batch, second, 1000)
      assert.deepStrictEqual(sorted(store.totals), [["a", 2]])
      assert.deepStrictEqual([...store.markers].sort(), ["first/1000/0", "second/1000/0"])
    })))

  it.effect("an empty partition opens no transaction", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* makeSparkContext()
      const store = memoryStore()
      const output = yield* TransactionalOutput.make({ name: "counts", sink: store.sink, write: writeCounts() })
      yield* runBatch(sc.parallelize<Count>([["a", 1]], 3), output, 1000)
      // One element in three partitions: two are empty.
      assert.strictEqual(store.events.begun, 1)
      assert.strictEqual(store.markers.size, 1)
      assert.deepStrictEqual(sorted(store.totals), [["a", 1]])
    })))

  it.effect("in foreachRDD, every batch of a stream is written once", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sc, ssc } = yield* makeStreaming({ checkpoint: false })
      const store = memoryStore()
      const output = yield* TransactionalOutput.make({ name: "stream", sink: store.sink, write: writeCounts() })
      const lines = ssc.queueStream([sc.parallelize(["a b", "b"], 2), sc.parallelize(["c a"], 2)])
      lines.flatMap((line) => line.split(" ")).map((word) => [word, 1] as const).reduceByKey((a, b) => a + b, 2)
        .foreachRDD((rdd, time) => rdd.foreachPartition(output.writer(time)))
      yield* Testing.runToBatch(ssc, 3)
      assert.deepStrictEqual(sorted(store.totals), [["a", 2], ["b", 2], ["c", 1]])
    })))

  it.effect("on a backend that ships tasks, the writer (which holds its sink) is refused at submission", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* makeSparkContext({ "spark.tspark.local.shipTasks": true })
      const store = memoryStore()
      const output = yield* TransactionalOutput.make({ name: "counts", sink: store.sink, write: writeCounts() })
      const error = yield* Effect.flip(runBatch(sc.parallelize<Count>([["a", 1]], 1), output, 1000))
      assert.strictEqual(error._tag, "TaskNotSerializableError")
      assert.match(error.message, /Task not serializable: .* captures .*"sink"/)
      assert.strictEqual(store.events.begun, 0)
    })))

  it.effect("fails with InvalidOutputError saying what to change", () =>
    Effect.gen(function*() {
      const { sink } = memoryStore()
      const write = writeCounts()
      const unnamed = yield* Effect.flip(TransactionalOutput.make({ name: " ", sink, write }))
      assert.strictEqual(unnamed._tag, "InvalidOutputError")
      assert.match(unnamed.message, /name must be a non-empty string, got " ": name it \(e\.g\. "word-counts"\)/)
      const { claim: _claim, release: _release, ...partial } = sink
      const noClaim = yield* Effect.flip(TransactionalOutput.make({ name: "counts", sink: partial as never, write }))
      assert.match(noClaim.message, /the sink of output "counts" lacks claim, release: give a sink with the functions/)
      const noWrite = yield* Effect.flip(TransactionalOutput.make({ name: "counts", sink, write: "upsert" as never }))
      assert.match(noWrite.message, /the write of output "counts" must be a function/)
      // Outside a task there is no partition index.
      const output = yield* TransactionalOutput.make({ name: "counts", sink, write })
      const outside = yield* Effect.flip(Effect.tryPromise({ try: () => output.writer(1000)([["a", 1]]), catch: (e) => e as Error }))
      assert.match(outside.message, /ran outside a task, so it has no partition index: give it to rdd\.foreachPartition/)
    }))

  it.effect("property: any order of batches, replays and failures leaves each batch's counts exactly once", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* makeSparkContext()
      const words = fc.constantFrom("a", "b", "c", "d")
      const batches = fc.array(fc.array(fc.tuple(words, fc.integer({ min: 1, max: 9 })), { maxLength: 8 }), { minLength: 1, maxLength: 4 })
      const runs = fc.array(fc.record({ batch: fc.nat(3), failAt: fc.option(words, { nil: undefined }) }), { maxLength: 10 })
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(batches, runs, fc.integer({ min: 1, max: 3 }), async (batches, runs, slices) => {
            const store = memoryStore()
            for (const { batch, failAt } of [...runs, ...batches.map((_, batch) => ({ batch, failAt: undefined }))]) {
              if (batch >= batches.length) continue
              const output = Effect.runSync(TransactionalOutput.make({ name: "p", sink: store.sink, write: writeCounts(failAt) }))
              // A failing run may leave other partitions committed; the last, failure-free runs complete every batch.
              await Effect.runPromise(Effect.ignore(runBatch(sc.parallelize(batches[batch]!, slices), output, (batch + 1) * 1000)))
            }
            const expected = new Map<string, number>()
            for (const [word, n] of batches.flat()) expected.set(word, (expected.get(word) ?? 0) + n)
            assert.deepStrictEqual(sorted(store.totals), sorted(expected))
          }),
          { numRuns: 40 }
        )
      )
    })))
})
