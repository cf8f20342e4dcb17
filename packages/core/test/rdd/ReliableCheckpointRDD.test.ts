import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { partFile, writePartition } from "../../src/internal/rdd/checkpointFiles.js"
import { HashPartitioner } from "../../src/rdd/Partitioner.js"
import { checkpointFile, CheckpointFileUnreadable, readCheckpointFile } from "../../src/rdd/ReliableCheckpointRDD.js"
import { makeContextIn, modes, tempDir } from "../utils/spark.js"

const tempFiles = (directory: string) => fs.readdirSync(directory).filter((name) => name.endsWith(".tmp"))

describe("ReliableCheckpointRDD files", () => {
  it.effect("a partition file round-trips; a damaged one is refused with CheckpointFileUnreadable", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      writePartition(dir, 3, [1, "two", [3]])
      assert.deepStrictEqual(readCheckpointFile(dir, 3), [1, "two", [3]])
      assert.deepStrictEqual(tempFiles(dir), [])
      const file = partFile(dir, 3)
      const bytes = fs.readFileSync(file)
      bytes[bytes.length - 1] ^= 0xff
      fs.writeFileSync(file, bytes)
      const damaged = (() => {
        try {
          readCheckpointFile(dir, 3)
        } catch (error) {
          return error
        }
      })()
      assert.instanceOf(damaged, CheckpointFileUnreadable)
      assert.strictEqual((damaged as CheckpointFileUnreadable)._tag, "CheckpointFileUnreadable")
      assert.include((damaged as Error).message, `checkpoint file ${file} is damaged`)
      assert.throws(() => readCheckpointFile(dir, 4), /cannot be read/)
    }).pipe(Effect.scoped))

  it.effect("a failed partition write leaves no temp file behind", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      // A non-empty directory where the partition file goes: the rename fails after the temp file was written.
      fs.mkdirSync(path.join(partFile(dir, 0), "blocker"), { recursive: true })
      assert.throws(() => writePartition(dir, 0, [1, 2, 3]), /rename/)
      assert.deepStrictEqual(tempFiles(dir), [])
    }).pipe(Effect.scoped))
})

describe.each(modes)("ReliableCheckpointRDD ($name)", (mode) => {
  it.effect("a checkpoint whose write fails leaves no temp file, keeps the RDD marked, and succeeds once fixed", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode, { conf: { "spark.task.maxFailures": 1 } })
      const base = yield* tempDir
      yield* sc.setCheckpointDir(base)
      const rdd = sc.parallelize([1, 2, 3, 4], 2).map((x) => x * 10).checkpoint()
      const directory = path.join(sc.checkpointDir!, `rdd-${rdd.id}`)
      assert.strictEqual(path.dirname(sc.checkpointDir!), path.resolve(base))
      const blocker = path.join(partFile(directory, 1), "blocker")
      fs.mkdirSync(blocker, { recursive: true })
      const error = yield* Effect.flip(rdd.count())
      assert.strictEqual(error._tag, "JobFailedError")
      assert.isFalse(rdd.isCheckpointed)
      assert.deepStrictEqual(tempFiles(directory), [])
      fs.rmSync(partFile(directory, 1), { recursive: true })
      assert.strictEqual(yield* rdd.count(), 4)
      assert.isTrue(rdd.isCheckpointed)
      assert.deepStrictEqual(yield* rdd.collect(), [10, 20, 30, 40])
      assert.deepStrictEqual(tempFiles(directory), [])
    }).pipe(Effect.scoped))

  it.effect("checkpointFile reads a checkpoint back with its partitions and hash partitioner; an incomplete one is refused", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const base = yield* tempDir
      yield* sc.setCheckpointDir(base)
      const counts = sc.parallelize(["a", "b", "a", "c", "b", "a"], 3).map((w) => [w, 1] as [string, number])
        .reduceByKey((a, b) => a + b, 2).checkpoint()
      const expected = yield* counts.collect()
      const directory = path.join(sc.checkpointDir!, `rdd-${counts.id}`)
      const restored = yield* checkpointFile<[string, number]>(sc, directory)
      assert.strictEqual(restored.numPartitions, 2)
      assert.isTrue(new HashPartitioner(2).equals(restored.partitioner))
      assert.strictEqual(restored.checkpointDirectory, directory)
      assert.deepStrictEqual(yield* restored.collect(), expected)
      // Co-partitioned with a fresh reduceByKey: joined without a shuffle of the restored side.
      assert.deepStrictEqual(
        yield* restored.join(sc.parallelize([["a", "x"] as [string, string]]).partitionBy(new HashPartitioner(2))).collect(),
        [["a", [3, "x"]]]
      )

      // A damaged part, a checkpoint cut short by a crash (no metadata yet, or a part missing) are refused, naming the file.
      const intact = fs.readFileSync(partFile(directory, 1))
      fs.writeFileSync(partFile(directory, 1), intact.subarray(0, intact.length - 1))
      const torn = yield* Effect.flip(checkpointFile(sc, directory))
      assert.include(torn.message, `${partFile(directory, 1)} is damaged`)
      fs.rmSync(partFile(directory, 1))
      const missing = yield* Effect.flip(checkpointFile(sc, directory))
      assert.strictEqual(missing._tag, "CheckpointFileUnreadable")
      assert.include(missing.message, `${partFile(directory, 1)} cannot be read: it is missing`)
      fs.rmSync(path.join(directory, "_metadata"))
      const incomplete = yield* Effect.flip(checkpointFile(sc, directory))
      assert.include(incomplete.message, path.join(directory, "_metadata"))
      fs.writeFileSync(path.join(directory, "_metadata"), "{}")
      assert.include((yield* Effect.flip(checkpointFile(sc, directory))).message, "is damaged")
    }).pipe(Effect.scoped))
})
