import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import * as fs from "node:fs"
import * as path from "node:path"
import { planSplits, readSplit, SplitLineReader } from "../../src/internal/rdd/textFile.js"
import { checkProperty, makeContextIn, modes, tempDir } from "../utils/spark.js"

/** The lines a text file holds, as a reader of lines would split it. */
const linesOf = (text: string): Array<string> => {
  if (text === "") return []
  const lines = text.split("\n")
  if (lines[lines.length - 1] === "") lines.pop()
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))
}

const line = fc.string({ unit: fc.constantFrom("a", "b", " ", "é", "日", "\r"), maxLength: 12 })
const text = fc.record({
  lines: fc.array(line, { maxLength: 25 }),
  crlf: fc.boolean(),
  trailingNewline: fc.boolean()
}).map(({ crlf, lines, trailingNewline }) => {
  const body = lines.join(crlf ? "\r\n" : "\n")
  return trailingNewline && lines.length > 0 ? body + (crlf ? "\r\n" : "\n") : body
})

describe.each(modes)("textFile ($name)", (mode) => {
  it.effect("reads every line exactly once whatever the split boundaries", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const dir = yield* tempDir
      let n = 0
      yield* checkProperty(
        fc.record({ text, minPartitions: fc.integer({ min: 1, max: 12 }) }),
        ({ minPartitions, text }) =>
          Effect.gen(function*() {
            const file = path.join(dir, `input-${n++}.txt`)
            fs.writeFileSync(file, text)
            const rdd = sc.textFile(file, minPartitions)
            assert.isAtLeast(rdd.numPartitions, minPartitions)
            assert.deepStrictEqual(yield* rdd.collect(), linesOf(text))
          }),
        {
          numRuns: 100,
          examples: [
            [{ text: "", minPartitions: 3 }],
            [{ text: "\n\n\n", minPartitions: 2 }],
            [{ text: "a\r\nb\r\n", minPartitions: 4 }],
            [{ text: "no trailing newline", minPartitions: 5 }],
            [{ text: "ab\ncd\nef", minPartitions: 3 }],
            [{ text: "日本\n語\n", minPartitions: 7 }]
          ]
        }
      )
    }).pipe(Effect.scoped))

  it.effect("a large file is read whole across many partitions", () =>
    Effect.gen(function*() {
      const sc = yield* makeContextIn(mode)
      const dir = yield* tempDir
      const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${"x".repeat(i % 37)}`)
      const file = path.join(dir, "big.txt")
      fs.writeFileSync(file, lines.join("\n") + "\n")
      const rdd = sc.textFile(file, 7)
      assert.strictEqual(yield* rdd.count(), lines.length)
      assert.deepStrictEqual(yield* rdd.collect(), lines)
    }).pipe(Effect.scoped))
})

describe("textFile splits", () => {
  it.effect("every split boundary on a fixed file gives the file's lines", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const content = "first\n\nthird line\r\nfourth\n\n"
      const file = path.join(dir, "fixed.txt")
      fs.writeFileSync(file, content)
      const size = Buffer.byteLength(content)
      // Three splits cut at every pair of byte offsets (the first split is never empty, as planSplits makes them).
      for (let a = 1; a <= size; a++) {
        for (let b = a; b <= size; b++) {
          const lines = [
            ...readSplit(file, { index: 0, start: 0, end: a }),
            ...readSplit(file, { index: 1, start: a, end: b }),
            ...readSplit(file, { index: 2, start: b, end: size })
          ]
          assert.deepStrictEqual(lines, ["first", "", "third line", "fourth", ""], `cuts at ${a}, ${b}`)
        }
      }
    }).pipe(Effect.scoped))

  it("planSplits covers the file with contiguous ranges", () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 20 }), (size, min) => {
        const splits = planSplits(size, min)
        assert.isAtLeast(splits.length, min)
        assert.strictEqual(splits[0]!.start, 0)
        assert.strictEqual(splits[splits.length - 1]!.end, size)
        for (let i = 1; i < splits.length; i++) assert.strictEqual(splits[i]!.start, splits[i - 1]!.end)
        splits.forEach((s, i) => assert.strictEqual(s.index, i))
      })
    ))

  it.effect("chunked reading yields exactly the file's lines for any chunk size, split count and mix of next() and drain()", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      let n = 0
      // Lines of multi-byte characters, \r and \r\n, so chunk cuts fall inside characters and between \r and \n.
      const content = fc.array(fc.string({ unit: fc.constantFrom("a", " ", "é", "日", "😀", "\r", "\n", "\r\n"), maxLength: 40 }), {
        maxLength: 4
      }).map((parts) => parts.join(""))
      fc.assert(
        fc.property(
          content,
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 17 }),
          fc.nat({ max: 20 }),
          (text, minPartitions, chunkSize, pulled) => {
            const file = path.join(dir, `chunks-${n++}.txt`)
            fs.writeFileSync(file, text)
            const splits = planSplits(Buffer.byteLength(text), minPartitions)
            assert.deepStrictEqual(splits.flatMap((split) => readSplit(file, split, chunkSize)), linesOf(text))
            // Pulling the first lines one by one, then draining the rest, reads the same lines and counts each once.
            const counter = { recordsRead: 0 }
            const lines: Array<string> = []
            for (const split of splits) {
              const reader = new SplitLineReader(file, split, counter, chunkSize)
              for (let i = 0; i < pulled; i++) {
                const r = reader.next()
                if (r.done) break
                lines.push(r.value)
              }
              reader.close() // the task ended early: reading on reopens the file where it left off
              reader.drain((line) => lines.push(line))
              assert.isTrue(reader.next().done)
            }
            assert.deepStrictEqual(lines, linesOf(text))
            assert.strictEqual(counter.recordsRead, lines.length)
          }
        ),
        {
          numRuns: 300,
          examples: [["日本\r\n語\r\n", 1, 1, 1], ["\n\n", 2, 1, 0], ["😀\r", 1, 3, 0], ["", 3, 2, 5]]
        }
      )
    }).pipe(Effect.scoped))
})
