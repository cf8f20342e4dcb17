import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { execFileSync } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { HashPartitioner } from "../../src/rdd/Partitioner.js"
import { nonNegativeMod, stableHash } from "../../src/util/hash.js"
import { anyKey, reorder, toJson } from "../arbitraries/keys.js"

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "partitions.ts")

const partitionsHere = (key: unknown) => ({
  hash: stableHash(key),
  partitions: Array.from({ length: 16 }, (_, i) => new HashPartitioner(i + 1).getPartition(key))
})

describe("stableHash and HashPartitioner", () => {
  it("dates hash by their time: equal dates one partition, different dates spread, apart from their time as a number", () => {
    const t = Date.UTC(2026, 11, 1)
    assert.strictEqual(stableHash(new Date(t)), stableHash(new Date(t)))
    assert.strictEqual(stableHash([new Date(t), "a"]), stableHash([new Date(t), "a"]))
    assert.notStrictEqual(stableHash(new Date(t)), stableHash(t))
    const partitioner = new HashPartitioner(8)
    const used = new Set(Array.from({ length: 64 }, (_, i) => partitioner.getPartition(new Date(t + i * 86_400_000))))
    assert.isAbove(used.size, 4, "64 different days over 8 partitions")
  })

  it("structurally equal keys hash equally (records in any field order, -0 and 0)", () => {
    fc.assert(
      fc.property(anyKey, (key) => {
        assert.strictEqual(stableHash(reorder(key)), stableHash(key))
        assert.strictEqual(stableHash(structuredClone(key)), stableHash(key))
      }),
      { numRuns: 300 }
    )
    assert.strictEqual(stableHash(-0), stableHash(0))
    assert.strictEqual(stableHash({ a: 1, b: [2, "x"] }), stableHash({ b: [2, "x"], a: 1 }))
    assert.strictEqual(stableHash([1, ["a", { q: true, p: 2n }]]), stableHash([1, ["a", { p: 2n, q: true }]]))
  })

  it("partitions are always in range", () =>
    fc.assert(
      fc.property(anyKey, fc.integer({ min: 1, max: 1000 }), (key, n) => {
        const p = new HashPartitioner(n).getPartition(key)
        assert.isTrue(Number.isInteger(p) && p >= 0 && p < n)
      })
    ))

  it("one partition holds every key, null and undefined too (Spark's HashPartitioner)", () => {
    const single = new HashPartitioner(1)
    fc.assert(fc.property(anyKey, (key) => assert.strictEqual(single.getPartition(key), 0)))
    assert.deepStrictEqual([null, undefined, Number.NaN].map((key) => single.getPartition(key)), [0, 0, 0])
  })

  it("nonNegativeMod is a non-negative remainder", () =>
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 1 << 20 }), (x, n) => {
        const r = nonNegativeMod(x, n)
        assert.isTrue(r >= 0 && r < n && (x - r) % n === 0)
        assert.isFalse(Object.is(r, -0), "never -0")
      }),
      { examples: [[-11, 1]] }
    ))

  it("spreads distinct keys over partitions", () => {
    const counts = new Array(8).fill(0)
    const partitioner = new HashPartitioner(8)
    for (let i = 0; i < 8000; i++) counts[partitioner.getPartition(`word-${i}`)]++
    for (const c of counts) assert.isTrue(c > 700 && c < 1300, `counts ${counts}`)
  })

  it("another process computes the same hashes and partitions", () => {
    const keys = fc.sample(anyKey, { numRuns: 200, seed: 42 })
    keys.push(
      "",
      "word",
      0,
      -1,
      2 ** 31,
      -(2 ** 31) - 1,
      1.5,
      -0.25,
      1e300,
      true,
      false,
      12345678901234567890n,
      -7n,
      [1, "a"],
      { a: 1, b: "x" },
      { b: "x", a: 1 },
      [{ q: [1, 2], p: { y: 1, x: 2 } }]
    )
    // Half of the keys are sent with their record fields reordered.
    const sent = keys.map((k, i) => (i % 2 === 0 ? reorder(k) : k))
    const output = execFileSync(process.execPath, ["--import", "tsx", fixture], {
      input: `[${sent.map(toJson).join(",")}]`,
      encoding: "utf8"
    })
    const there = JSON.parse(output) as Array<ReturnType<typeof partitionsHere>>
    assert.strictEqual(there.length, keys.length)
    keys.forEach((key, i) => assert.deepStrictEqual(there[i], partitionsHere(key), toJson(key)))
  })
})
