import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import * as fs from "node:fs"
import * as path from "node:path"
import * as BlockId from "../../src/storage/BlockId.js"
import { BlockManager } from "../../src/storage/BlockManager.js"
import { LocalBlockTransferService } from "../../src/storage/BlockTransferService.js"
import { BlockManagerMaster } from "../../src/storage/BlockManagerMaster.js"
import * as StorageLevel from "../../src/storage/StorageLevel.js"
import { tempDir } from "../utils/spark.js"

const makeManagers = (dir: string, maxMemory: number, count = 1) => {
  const master = new BlockManagerMaster()
  const transfer = new LocalBlockTransferService()
  const managers = Array.from({ length: count }, (_, i) => {
    const bm = new BlockManager({
      id: { executorId: `exec-${i}`, host: "localhost", port: i },
      master,
      transfer,
      maxMemory,
      localDir: path.join(dir, `bm-${i}`)
    })
    transfer.register(bm)
    return bm
  })
  return { master, managers }
}

const levels = [...StorageLevel.byName.values()].filter((l) => l !== StorageLevel.NONE)
const records = [1, "two", [3, { four: 4n }], new Map([[5, true]]), null]

describe("BlockManager", () => {
  for (const level of levels) {
    it.effect(`put, get and remove at ${level.name}`, () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const { managers: [bm], master } = makeManagers(dir, 1 << 20, 2)
        const id = BlockId.rdd(1, 0)
        assert.isTrue(bm!.putValues(id, records, level))
        assert.deepStrictEqual(bm!.getValues(id), records)
        assert.deepStrictEqual(bm!.getLocalValues(id), records)
        const status = bm!.getStatus(id)!
        assert.strictEqual(status.level, level)
        assert.strictEqual(status.memSize > 0, level.useMemory)
        assert.strictEqual(status.diskSize > 0, !level.useMemory)
        const where = master.getLocations(id).map((l) => l.executorId).sort()
        assert.deepStrictEqual(where, level.replication === 2 ? ["exec-0", "exec-1"] : ["exec-0"])
        assert.isTrue(bm!.removeBlock(id))
        assert.isUndefined(bm!.getLocalValues(id))
        assert.isFalse(bm!.contains(id))
        assert.isFalse(master.getLocations(id).some((l) => l.executorId === "exec-0"))
      }).pipe(Effect.scoped))
  }

  it.effect("_SER and disk levels round-trip any records", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const { managers: [bm] } = makeManagers(dir, 1 << 20)
      let n = 0
      fc.assert(
        fc.property(
          fc.array(fc.jsonValue(), { maxLength: 10 }),
          fc.constantFrom(StorageLevel.MEMORY_ONLY_SER, StorageLevel.DISK_ONLY, StorageLevel.MEMORY_AND_DISK_SER),
          (values, level) => {
            const id = BlockId.test(`${n++}`)
            assert.isTrue(bm!.putValues(id, values, level))
            assert.deepStrictEqual(bm!.getValues(id), values)
            // The stored copy is independent of the array that was put.
            if (Array.isArray(values)) (values as Array<unknown>).push("mutated")
            assert.notInclude(bm!.getValues(id) as Array<unknown>, "mutated")
          }
        ),
        { numRuns: 60 }
      )
    }).pipe(Effect.scoped))

  it.effect("LRU eviction drops MEMORY_ONLY blocks and spills MEMORY_AND_DISK blocks", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      // Each block is estimated at 672 bytes: memory holds two.
      const { managers: [bm], master } = makeManagers(dir, 1500)
      const block = (i: number) => Array.from({ length: 40 }, (_, j) => i * 100 + j)
      // Blocks of different RDDs (blocks of one RDD never evict each other).
      bm!.putValues(BlockId.rdd(1, 0), block(1), StorageLevel.MEMORY_ONLY)
      bm!.putValues(BlockId.rdd(2, 0), block(2), StorageLevel.MEMORY_AND_DISK)
      // Reading rdd 1 makes rdd 2 the least recently used: it is spilled for rdd 3.
      bm!.getValues(BlockId.rdd(1, 0))
      bm!.putValues(BlockId.rdd(3, 0), block(3), StorageLevel.MEMORY_ONLY)
      assert.isAtMost(bm!.memoryUsed, 1500)
      const spilled = bm!.getStatus(BlockId.rdd(2, 0))!
      assert.strictEqual(spilled.memSize, 0)
      assert.isAbove(spilled.diskSize, 0)
      assert.deepStrictEqual(bm!.getValues(BlockId.rdd(2, 0)), block(2))
      assert.deepStrictEqual(master.getLocations(BlockId.rdd(2, 0)).map((l) => l.executorId), ["exec-0"])
      // Now rdd 1 is the least recently used in memory: memory-only, it is dropped for rdd 4.
      bm!.putValues(BlockId.rdd(4, 0), block(4), StorageLevel.MEMORY_ONLY)
      assert.isAtMost(bm!.memoryUsed, 1500)
      assert.isUndefined(bm!.getLocalValues(BlockId.rdd(1, 0)))
      assert.isUndefined(bm!.getStatus(BlockId.rdd(1, 0)))
      assert.deepStrictEqual(master.getLocations(BlockId.rdd(1, 0)), [])
      assert.deepStrictEqual(bm!.getValues(BlockId.rdd(3, 0)), block(3))
      assert.deepStrictEqual(bm!.getValues(BlockId.rdd(4, 0)), block(4))
      // Blocks of one RDD do not evict each other: a third partition of rdd 4 does not fit.
      bm!.putValues(BlockId.rdd(4, 1), block(5), StorageLevel.MEMORY_ONLY)
      assert.isAtMost(bm!.memoryUsed, 1500)
      assert.deepStrictEqual(bm!.getValues(BlockId.rdd(4, 0)), block(4))
    }).pipe(Effect.scoped))

  it.effect("a block larger than memory is refused at MEMORY_ONLY and kept on disk at MEMORY_AND_DISK", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const { managers: [bm] } = makeManagers(dir, 100)
      const big = Array.from({ length: 100 }, (_, i) => i)
      assert.isFalse(bm!.putValues(BlockId.rdd(1, 0), big, StorageLevel.MEMORY_ONLY))
      assert.isUndefined(bm!.getValues(BlockId.rdd(1, 0)))
      assert.isTrue(bm!.putValues(BlockId.rdd(2, 0), big, StorageLevel.MEMORY_AND_DISK))
      assert.deepStrictEqual(bm!.getValues(BlockId.rdd(2, 0)), big)
    }).pipe(Effect.scoped))

  it.effect("removeRdd removes every block of an RDD and the master forgets them", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const { managers: [bm], master } = makeManagers(dir, 1 << 20)
      for (let p = 0; p < 3; p++) bm!.putValues(BlockId.rdd(7, p), [p], p === 1 ? StorageLevel.DISK_ONLY : StorageLevel.MEMORY_ONLY)
      bm!.putValues(BlockId.rdd(8, 0), [8], StorageLevel.MEMORY_ONLY)
      bm!.putValues(BlockId.shuffle(0, 0, 0), [[1, 1]], StorageLevel.MEMORY_AND_DISK)
      assert.strictEqual(master.removeRdd(7), 3)
      assert.deepStrictEqual(bm!.blockNames().sort(), ["rdd_8_0", "shuffle_0_0_0"])
      for (let p = 0; p < 3; p++) assert.deepStrictEqual(master.getLocations(BlockId.rdd(7, p)), [])
      master.removeShuffle(0)
      assert.deepStrictEqual(bm!.blockNames(), ["rdd_8_0"])
      assert.deepStrictEqual(fs.readdirSync(path.join(dir, "bm-0")), [])
    }).pipe(Effect.scoped))

  it.effect("a block is read from the executor that holds it", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const { managers: [a, b] } = makeManagers(dir, 1 << 20, 2)
      a!.putValues(BlockId.rdd(1, 0), ["here"], StorageLevel.MEMORY_ONLY)
      assert.isUndefined(b!.getLocalValues(BlockId.rdd(1, 0)))
      assert.deepStrictEqual(b!.getValues(BlockId.rdd(1, 0)), ["here"])
    }).pipe(Effect.scoped))

  it("BlockId names parse back", () =>
    fc.assert(fc.property(fc.nat(), fc.nat(), fc.nat(), (x, y, z) => {
      for (const id of [BlockId.rdd(x, y), BlockId.shuffle(x, y, z), BlockId.stream(x, y), BlockId.broadcast(x)]) {
        assert.deepStrictEqual(BlockId.parse(id.name), id)
      }
    })))
})
