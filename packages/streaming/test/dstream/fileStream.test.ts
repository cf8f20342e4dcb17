/**
 * textFileStream on a real directory: files written while the context runs
 * are each counted once. Batch times come from the test clock, set to a
 * realistic time; each file's mtime is set inside the batch that should take it.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Testing from "../../src/testing/index.js"
import { makeStreaming, tempDir } from "../utils/streaming.js"

const NOW = 1_700_000_000_000

const writeFile = (dir: string, name: string, lines: ReadonlyArray<string>, mtimeMs: number) => {
  const file = path.join(dir, name)
  fs.writeFileSync(file, lines.join("\n") + "\n")
  fs.utimesSync(file, mtimeMs / 1000, mtimeMs / 1000)
}

describe("textFileStream", () => {
  it.effect("files written while running are each counted once (late files within the remember window too; hidden files ignored)", () =>
    Effect.scoped(Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const dir = yield* tempDir("tspark-filestream-")
      // a file that existed before start is not new
      writeFile(dir, "old.txt", ["old line"], NOW - 5000)
      const { ssc } = yield* makeStreaming()
      const perBatch = new Map<number, Array<string>>()
      const files = new Map<number, unknown>()
      yield* ssc.addStreamingListener({
        onBatchCompleted: (b) => void files.set(b.batchTime, [...b.streamIdToInputInfo.values()][0]?.metadata["files"])
      })
      ssc.textFileStream(dir).foreachRDD((rdd, time) => Effect.map(rdd.collect(), (lines) => void perBatch.set(time, lines)))
      yield* ssc.start()
      const zero = ssc.graph.zeroTime!
      assert.strictEqual(zero, NOW)
      const batchTime = (k: number) => zero + k * 1000
      const written: Array<string> = []
      const write = (name: string, k: number, mtimeMs: number) => {
        const lines = [1, 2, 3].map((i) => `${name} line ${i}`)
        written.push(...lines)
        writeFile(dir, name, lines, mtimeMs)
      }
      for (let k = 1; k <= 5; k++) {
        write(`file-${k}.txt`, k, batchTime(k) - 500)
        if (k === 2) write(`file-2b.txt`, k, batchTime(k)) // exactly at the batch time: this batch
        if (k === 4) {
          // written late, with the mtime of batch 2 (within the remember window): taken once, now
          write("late.txt", k, batchTime(2) - 100)
          writeFile(dir, ".x", ["hidden"], batchTime(k) - 500)
          writeFile(dir, "_tmp", ["temporary"], batchTime(k) - 500)
        }
        yield* Testing.advanceBatches(ssc, 1)
      }
      // touching an already-taken file within the remember window does not take it again
      fs.utimesSync(path.join(dir, "file-1.txt"), (batchTime(6) - 500) / 1000, (batchTime(6) - 500) / 1000)
      yield* Testing.advanceBatches(ssc, 2)
      yield* ssc.waitForListeners()
      const all = [...perBatch.values()].flat()
      assert.deepStrictEqual([...all].sort(), [...written].sort())
      assert.deepStrictEqual(perBatch.get(batchTime(2))!.sort(), [
        "file-2.txt line 1",
        "file-2.txt line 2",
        "file-2.txt line 3",
        "file-2b.txt line 1",
        "file-2b.txt line 2",
        "file-2b.txt line 3"
      ])
      assert.deepStrictEqual(perBatch.get(batchTime(4))!.filter((l) => l.startsWith("late")).length, 3)
      assert.deepStrictEqual(perBatch.get(batchTime(6)), [])
      assert.deepStrictEqual(
        (files.get(batchTime(4)) as Array<string>).map((f) => path.basename(f)).sort(),
        ["file-4.txt", "late.txt"]
      )
    })))

  it.effect("a file whose mtime is older than the remember window is not taken", () =>
    Effect.scoped(Effect.gen(function*() {
      yield* TestClock.setTime(NOW)
      const dir = yield* tempDir("tspark-filestream-")
      const { ssc } = yield* makeStreaming()
      const lines: Array<string> = []
      ssc.textFileStream(dir, { minRememberDurationMs: 2000, newFilesOnly: false })
        .foreachRDD((rdd) => Effect.map(rdd.collect(), (l) => void lines.push(...l)))
      yield* ssc.start()
      yield* Testing.advanceBatches(ssc, 4)
      writeFile(dir, "stale.txt", ["stale"], NOW + 1500) // batch 2's window; now is NOW + 4000
      writeFile(dir, "fresh.txt", ["fresh"], NOW + 4500)
      yield* Testing.advanceBatches(ssc, 1)
      assert.deepStrictEqual(lines, ["fresh"])
    })))
})
