import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { InputInfoTracker, knownRecordCount } from "../../src/scheduler/InputInfoTracker.js"
import { makeSparkContext } from "../utils/streaming.js"

describe("InputInfoTracker", () => {
  it("reports and gets per-batch info per stream", () => {
    const tracker = new InputInfoTracker()
    assert.isTrue(tracker.reportInfo(1000, { inputStreamId: 0, numRecords: 5, metadata: { a: 1 } }))
    assert.isTrue(tracker.reportInfo(1000, { inputStreamId: 1, numRecords: 7, metadata: {} }))
    assert.isTrue(tracker.reportInfo(2000, { inputStreamId: 0, numRecords: 3, metadata: {} }))
    const info = tracker.getInfo(1000)
    assert.deepStrictEqual([...info.keys()].sort(), [0, 1])
    assert.strictEqual(info.get(0)!.numRecords, 5)
    assert.deepStrictEqual(info.get(0)!.metadata, { a: 1 })
    assert.strictEqual(tracker.getInfo(2000).get(0)!.numRecords, 3)
    assert.strictEqual(tracker.getInfo(3000).size, 0)
  })

  it("refuses a second report for the same stream and batch", () => {
    const tracker = new InputInfoTracker()
    assert.isTrue(tracker.reportInfo(1000, { inputStreamId: 0, numRecords: 5, metadata: {} }))
    assert.isFalse(tracker.reportInfo(1000, { inputStreamId: 0, numRecords: 9, metadata: {} }))
    assert.strictEqual(tracker.getInfo(1000).get(0)!.numRecords, 5)
  })

  it("getInfo returns a copy", () => {
    const tracker = new InputInfoTracker()
    tracker.reportInfo(1000, { inputStreamId: 0, numRecords: 5, metadata: {} })
    const info = tracker.getInfo(1000) as Map<number, unknown>
    info.delete(0)
    assert.strictEqual(tracker.getInfo(1000).size, 1)
  })

  it("cleanup forgets batches before the threshold", () => {
    const tracker = new InputInfoTracker()
    for (const time of [1000, 2000, 3000]) tracker.reportInfo(time, { inputStreamId: 0, numRecords: 1, metadata: {} })
    tracker.cleanup(2000)
    assert.strictEqual(tracker.getInfo(1000).size, 0)
    assert.strictEqual(tracker.getInfo(2000).size, 1)
    assert.strictEqual(tracker.getInfo(3000).size, 1)
  })

  it.effect("knownRecordCount: parallelized, empty and unions of them are known; anything else is not", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* makeSparkContext()
      const a = sc.parallelize([1, 2, 3], 2)
      const b = sc.parallelize([4, 5], 3)
      assert.strictEqual(knownRecordCount(a), 3)
      assert.strictEqual(knownRecordCount(sc.emptyRDD<number>()), 0)
      assert.strictEqual(knownRecordCount(sc.union([a, b])), 5)
      assert.strictEqual(knownRecordCount(sc.union([])), 0)
      assert.isUndefined(knownRecordCount(a.map((x) => x * 2)))
      assert.isUndefined(knownRecordCount(sc.union([a, a.filter((x) => x > 1)])))
    })))

  it.effect("reportRDD: a known count at once; others after resolve runs a count job, remembered per RDD", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* makeSparkContext()
      const tracker = new InputInfoTracker()
      let evaluated = 0
      const filtered = sc.parallelize([1, 2, 3, 4, 5, 6], 2).filter((x) => (evaluated++, x % 3 === 0))
      assert.isTrue(tracker.reportRDD(1000, 0, sc.parallelize([1, 2], 1), { k: "v" }))
      assert.isTrue(tracker.reportRDD(1000, 1, filtered))
      assert.isFalse(tracker.reportRDD(1000, 1, filtered)) // a second report for the stream and batch
      assert.isFalse(tracker.reportInfo(1000, { inputStreamId: 1, numRecords: 9, metadata: {} }))
      assert.deepStrictEqual([...tracker.getInfo(1000).keys()], [0])
      assert.deepStrictEqual(tracker.getInfo(1000).get(0), { inputStreamId: 0, numRecords: 2, metadata: { k: "v" } })
      assert.isTrue(tracker.hasPending(1000))
      yield* tracker.resolve(1000)
      assert.isFalse(tracker.hasPending(1000))
      assert.strictEqual(tracker.getInfo(1000).get(1)!.numRecords, 2)
      assert.strictEqual(evaluated, 6)
      // the same RDD in a later batch: its count is remembered, no job
      assert.isTrue(tracker.reportRDD(2000, 1, filtered))
      assert.isFalse(tracker.hasPending(2000))
      assert.strictEqual(tracker.getInfo(2000).get(1)!.numRecords, 2)
      assert.strictEqual(evaluated, 6)
      yield* tracker.resolve(3000) // nothing pending: nothing happens
    })))

  it.effect("a count that fails is recorded as 0 records with the failure in the metadata", () =>
    Effect.scoped(Effect.gen(function*() {
      const sc = yield* makeSparkContext()
      const tracker = new InputInfoTracker()
      const failing = sc.textFile("/nonexistent/tspark-input-counts.txt", 1)
      tracker.reportRDD(1000, 0, failing, { files: ["x"] })
      yield* tracker.resolve(1000)
      const info = tracker.getInfo(1000).get(0)!
      assert.strictEqual(info.numRecords, 0)
      assert.deepStrictEqual(info.metadata["files"], ["x"])
      assert.isString(info.metadata["countError"])
    })))

  it("cleanup forgets pending counts too", () => {
    const tracker = new InputInfoTracker()
    tracker.reportRDD(1000, 0, { validationError: undefined, op: { kind: "TextFileRDD" } } as never)
    assert.isTrue(tracker.hasPending(1000))
    tracker.cleanup(2000)
    assert.isFalse(tracker.hasPending(1000))
  })
})
