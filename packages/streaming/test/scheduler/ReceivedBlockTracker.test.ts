/**
 * The driver's block bookkeeping: the cases of Spark's ReceivedBlockTrackerSuite
 * that do not need a write-ahead log, the log seam, boundedness over many
 * batches, and a property over random interleavings of add/allocate/cleanup.
 */
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import type { ReceivedBlockInfo } from "../../src/scheduler/ReceivedBlockInfo.js"
import { type ReceivedBlockTrackerLogEvent, ReceivedBlockTracker } from "../../src/scheduler/ReceivedBlockTracker.js"

let nextBlock = 0
const block = (streamId: number): ReceivedBlockInfo => ({
  streamId,
  numRecords: 10,
  blockId: `input-${streamId}-${nextBlock++}`,
  executorId: "1",
  host: "localhost"
})
const blocks = (streamId: number, n = 5) => Array.from({ length: n }, () => block(streamId))

describe("ReceivedBlockTracker", () => {
  it("block addition, and block to batch allocation", () => {
    const tracker = new ReceivedBlockTracker([1])
    assert.deepStrictEqual(tracker.getUnallocatedBlocks(1), [])
    const infos = blocks(1)
    for (const info of infos) assert.isTrue(tracker.addBlock(info))
    assert.deepStrictEqual(tracker.getUnallocatedBlocks(1), infos)
    assert.isTrue(tracker.hasUnallocatedReceivedBlocks)

    assert.isTrue(tracker.allocateBlocksToBatch(1))
    assert.deepStrictEqual(tracker.getBlocksOfBatchAndStream(1, 1), infos)
    assert.deepStrictEqual([...tracker.getBlocksOfBatch(1)], [[1, infos]])
    assert.deepStrictEqual(tracker.getUnallocatedBlocks(1), [])
    assert.isFalse(tracker.hasUnallocatedReceivedBlocks)

    // no blocks for the next batch: the stream is there, with none
    assert.isTrue(tracker.allocateBlocksToBatch(2))
    assert.deepStrictEqual(tracker.getBlocksOfBatchAndStream(2, 1), [])
    assert.deepStrictEqual([...tracker.getBlocksOfBatch(2)], [[1, []]])

    // an older batch time does nothing; its blocks stay as allocated
    assert.isFalse(tracker.allocateBlocksToBatch(1))
    assert.deepStrictEqual(tracker.getBlocksOfBatchAndStream(1, 1), infos)

    // a batch time already allocated does nothing either: new blocks wait for a later batch
    const more = blocks(1)
    for (const info of more) tracker.addBlock(info)
    assert.isFalse(tracker.allocateBlocksToBatch(2))
    assert.deepStrictEqual(tracker.getBlocksOfBatchAndStream(2, 1), [])
    assert.deepStrictEqual(tracker.getUnallocatedBlocks(1), more)
    assert.isTrue(tracker.allocateBlocksToBatch(3))
    assert.deepStrictEqual(tracker.getBlocksOfBatchAndStream(3, 1), more)
  })

  it("allocates every registered stream's blocks; a block of an unknown stream is refused", () => {
    const tracker = new ReceivedBlockTracker([0, 1])
    const a = blocks(0, 2)
    const b = blocks(1, 3)
    for (const info of [...a, ...b]) tracker.addBlock(info)
    assert.isFalse(tracker.addBlock(block(7)))
    tracker.allocateBlocksToBatch(1000)
    assert.deepStrictEqual(tracker.getBlocksOfBatchAndStream(1000, 0), a)
    assert.deepStrictEqual(tracker.getBlocksOfBatchAndStream(1000, 1), b)
    assert.deepStrictEqual(tracker.getBlocksOfBatchAndStream(1000, 7), [])
    assert.deepStrictEqual(tracker.getBlocksOfBatch(9999).size, 0)
  })

  it("cleanupOldBatches forgets batches before the threshold and returns their blocks", () => {
    const tracker = new ReceivedBlockTracker([0])
    const perBatch = [1000, 2000, 3000].map((time) => {
      const infos = blocks(0, 2)
      for (const info of infos) tracker.addBlock(info)
      tracker.allocateBlocksToBatch(time)
      return infos
    })
    const removed = tracker.cleanupOldBatches(3000)
    assert.deepStrictEqual(removed, [...perBatch[0]!, ...perBatch[1]!])
    assert.deepStrictEqual(tracker.getBlocksOfBatchAndStream(1000, 0), [])
    assert.deepStrictEqual(tracker.getBlocksOfBatchAndStream(2000, 0), [])
    assert.deepStrictEqual(tracker.getBlocksOfBatchAndStream(3000, 0), perBatch[2])
    assert.strictEqual(tracker.allocatedBatchCount, 1)
    // a cleaned batch time is still not re-allocated
    assert.isFalse(tracker.allocateBlocksToBatch(2000))
  })

  it("with an event log: each change is written first, and a refused write changes nothing", () => {
    const written: Array<ReceivedBlockTrackerLogEvent> = []
    let accept = true
    const tracker = new ReceivedBlockTracker([0], {
      write: (event) => {
        if (!accept) return false
        written.push(event)
        return true
      }
    })
    const infos = blocks(0, 2)
    for (const info of infos) tracker.addBlock(info)
    accept = false
    assert.isFalse(tracker.addBlock(block(0)))
    // allocation not logged: the blocks stay queued (Spark's "should not lose blocks from received queue")
    assert.isFalse(tracker.allocateBlocksToBatch(1))
    assert.deepStrictEqual(tracker.getUnallocatedBlocks(0), infos)
    assert.strictEqual(tracker.getBlocksOfBatch(1).size, 0)
    accept = true
    assert.isTrue(tracker.allocateBlocksToBatch(2))
    assert.deepStrictEqual(tracker.getBlocksOfBatchAndStream(2, 0), infos)
    assert.deepStrictEqual(written.map((e) => e._tag), ["BlockAddition", "BlockAddition", "BatchAllocation"])
    // a throwing log is a refusal too
    const throwing = new ReceivedBlockTracker([0], {
      write: () => {
        throw new Error("disk full")
      }
    })
    assert.isFalse(throwing.addBlock(block(0)))
  })

  it("recover replays a log: allocated blocks leave the queue, later blocks stay, cleaned batches are gone", () => {
    const log: Array<ReceivedBlockTrackerLogEvent> = []
    const first = new ReceivedBlockTracker([0], { write: (e) => (log.push(e), true) })
    const allocated = blocks(0, 3)
    for (const info of allocated) first.addBlock(info)
    first.allocateBlocksToBatch(1000)
    const cleaned = blocks(0, 1)
    for (const info of cleaned) first.addBlock(info)
    first.allocateBlocksToBatch(2000)
    first.cleanupOldBatches(2000)
    const unallocated = blocks(0, 2)
    for (const info of unallocated) first.addBlock(info)

    const second = new ReceivedBlockTracker([0])
    second.recover(log)
    assert.deepStrictEqual(second.getBlocksOfBatchAndStream(1000, 0), [])
    assert.deepStrictEqual(second.getBlocksOfBatchAndStream(2000, 0), cleaned)
    assert.deepStrictEqual(second.getUnallocatedBlocks(0), unallocated)
    assert.strictEqual(second.lastAllocatedBatchTime, 2000)
  })

  it("an allocation built before more blocks arrive takes only the blocks it names (async log seam)", () => {
    const tracker = new ReceivedBlockTracker([0])
    const before = blocks(0, 2)
    for (const info of before) tracker.addBlock(info)
    const event = tracker.allocationFor(1000)!
    const after = blocks(0, 1)
    for (const info of after) tracker.addBlock(info)
    tracker.applyEvent(event)
    assert.deepStrictEqual(tracker.getBlocksOfBatchAndStream(1000, 0), before)
    assert.deepStrictEqual(tracker.getUnallocatedBlocks(0), after)
    assert.isUndefined(tracker.allocationFor(1000))
  })

  it("stays bounded over 5,000 batches with cleanup", () => {
    const tracker = new ReceivedBlockTracker([0, 1])
    let largest = 0
    let removedTotal = 0
    for (let k = 1; k <= 5000; k++) {
      const time = k * 200
      tracker.addBlock(block(0))
      tracker.addBlock(block(1))
      tracker.allocateBlocksToBatch(time)
      // remember the last 10 batches, as a remember duration would
      removedTotal += tracker.cleanupOldBatches(time - 10 * 200).length
      largest = Math.max(largest, tracker.allocatedBatchCount)
    }
    assert.isAtMost(largest, 11)
    assert.strictEqual(removedTotal, 2 * (5000 - 11)) // the last 11 batches (times >= now - 2000) remain
    assert.isFalse(tracker.hasUnallocatedReceivedBlocks)
  })

  it("property: every added block goes to exactly one batch, once, allocated after it was added", () => {
    type Command =
      | { readonly _tag: "add"; readonly streamId: number }
      | { readonly _tag: "allocate"; readonly step: number }
      | { readonly _tag: "cleanup"; readonly keep: number }
    const command: fc.Arbitrary<Command> = fc.oneof(
      fc.record({ _tag: fc.constant("add" as const), streamId: fc.integer({ min: 0, max: 3 }) }),
      // step 0 or negative: a time already allocated (refused quietly)
      fc.record({ _tag: fc.constant("allocate" as const), step: fc.integer({ min: -2, max: 3 }) }),
      fc.record({ _tag: fc.constant("cleanup" as const), keep: fc.integer({ min: 0, max: 4 }) })
    )
    fc.assert(
      fc.property(fc.array(command, { maxLength: 200 }), (commands) => {
        const tracker = new ReceivedBlockTracker([0, 1, 2])
        const addedAt = new Map<string, number>() // block id -> step it was added at
        const allocatedTo = new Map<string, number>() // block id -> batch time
        const allocatedAt = new Map<number, number>() // batch time -> step of the allocation
        let last: number | undefined = undefined
        commands.forEach((cmd, step) => {
          switch (cmd._tag) {
            case "add": {
              const info = block(cmd.streamId)
              const added = tracker.addBlock(info)
              assert.strictEqual(added, cmd.streamId !== 3) // stream 3 is not registered
              if (added) addedAt.set(info.blockId, step)
              return
            }
            case "allocate": {
              const batch = (last ?? 0) + cmd.step * 100
              const allocated = tracker.allocateBlocksToBatch(batch)
              assert.strictEqual(allocated, last === undefined || batch > last)
              if (!allocated) return
              last = batch
              allocatedAt.set(batch, step)
              for (const infos of tracker.getBlocksOfBatch(batch).values()) {
                for (const info of infos) {
                  assert.isFalse(allocatedTo.has(info.blockId), `${info.blockId} allocated twice`)
                  allocatedTo.set(info.blockId, batch)
                  assert.isBelow(addedAt.get(info.blockId)!, step)
                }
              }
              return
            }
            case "cleanup": {
              for (const info of tracker.cleanupOldBatches((last ?? 0) - cmd.keep * 100)) {
                assert.isTrue(allocatedTo.has(info.blockId))
              }
              return
            }
          }
        })
        // whatever was added and not allocated is still queued, in order
        for (const id of [0, 1, 2]) {
          for (const info of tracker.getUnallocatedBlocks(id)) assert.isFalse(allocatedTo.has(info.blockId))
        }
        const queued = [0, 1, 2].reduce((n, id) => n + tracker.getUnallocatedBlocks(id).length, 0)
        assert.strictEqual(allocatedTo.size + queued, addedAt.size)
      }),
      { numRuns: 300 }
    )
  })
})
