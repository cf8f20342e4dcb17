/**
 * Output operations: print() in Spark's format, saveAsTextFiles.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestConsole } from "effect/testing"
import * as fs from "node:fs"
import * as path from "node:path"
import * as Testing from "../../src/testing/index.js"
import { makeStreaming, tempDir } from "../utils/streaming.js"

describe("output operations", () => {
  it.effect("print(num) prints a header with the batch time and the first num elements, like Spark", () =>
    Effect.scoped(
      Effect.gen(function*() {
        const { sc, ssc } = yield* makeStreaming()
        const queue = [sc.parallelize([["a", 1], ["b", 2], ["c", 3]] as Array<readonly [string, number]>, 1), sc.parallelize(["x"], 1)]
        ssc.queueStream<unknown>(queue).print(2)
        yield* Testing.runToBatch(ssc, 3)
        const lines = (yield* TestConsole.logLines).map(String)
        const bar = "-------------------------------------------"
        assert.deepStrictEqual(lines, [
          [bar, "Time: 1000 ms", bar, "(a,1)", "(b,2)", "...", ""].join("\n"),
          [bar, "Time: 2000 ms", bar, "x", ""].join("\n"),
          [bar, "Time: 3000 ms", bar, ""].join("\n")
        ])
      }).pipe(Effect.provide(TestConsole.layer))
    ))

  it.effect("saveAsTextFiles writes each batch to prefix-TIME[.suffix]", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* tempDir("tspark-save-")
      const { sc, ssc } = yield* makeStreaming()
      const input = ssc.queueStream([sc.parallelize([1, 2, 3], 2), sc.parallelize([4], 2)])
      input.saveAsTextFiles(path.join(dir, "out"))
      input.map((x) => x * 10).saveAsTextFiles(path.join(dir, "tens"), "txt")
      yield* Testing.runToBatch(ssc, 2)
      const read = (sub: string) =>
        fs.readdirSync(path.join(dir, sub)).filter((f) => f.startsWith("part-")).sort()
          .flatMap((f) => fs.readFileSync(path.join(dir, sub, f), "utf8").split("\n").filter((l) => l !== ""))
      assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["out-1000", "out-2000", "tens-1000.txt", "tens-2000.txt"])
      assert.deepStrictEqual(read("out-1000"), ["1", "2", "3"])
      assert.deepStrictEqual(read("out-2000"), ["4"])
      assert.deepStrictEqual(read("tens-1000.txt"), ["10", "20", "30"])
      assert.isTrue(fs.existsSync(path.join(dir, "out-1000", "_SUCCESS")))
    })))
})
