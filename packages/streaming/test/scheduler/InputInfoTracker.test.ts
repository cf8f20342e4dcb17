import { assert, describe, it } from "@effect/vitest"
import { InputInfoTracker } from "../../src/scheduler/InputInfoTracker.js"

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
})
