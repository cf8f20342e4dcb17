import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { encodeKey, KeyMap } from "../../src/util/KeyMap.js"
import { anyKey, reorder } from "../arbitraries/keys.js"
import { canonical } from "../utils/spark.js"

type Op =
  | { readonly _tag: "set"; readonly key: unknown; readonly value: number }
  | { readonly _tag: "delete"; readonly key: unknown }
  | { readonly _tag: "upsert"; readonly key: unknown; readonly value: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ _tag: fc.constant("set" as const), key: anyKey, value: fc.integer() }),
  fc.record({ _tag: fc.constant("delete" as const), key: anyKey }),
  fc.record({ _tag: fc.constant("upsert" as const), key: anyKey, value: fc.integer() })
)

describe("KeyMap", () => {
  it("behaves like a Map keyed by structural equality", () =>
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const map = new KeyMap<unknown, number>()
        const model = new Map<string, number>()
        for (const o of ops) {
          // Half of the operations use a structurally equal copy of the key.
          const key = "value" in o && o.value % 2 === 0 ? reorder(o.key) : o.key
          const code = canonical(o.key)
          switch (o._tag) {
            case "set":
              map.set(key, o.value)
              model.set(code, o.value)
              break
            case "delete":
              assert.strictEqual(map.delete(key), model.delete(code))
              break
            case "upsert":
              map.upsert(key, () => o.value, (p) => p + o.value)
              model.set(code, model.has(code) ? model.get(code)! + o.value : o.value)
              break
          }
          assert.strictEqual(map.size, model.size)
          assert.strictEqual(map.get(reorder(o.key)), model.get(code))
          assert.strictEqual(map.has(structuredClone(o.key)), model.has(code))
        }
        const entries = [...map].map(([k, v]) => [canonical(k), v] as const).sort()
        assert.deepStrictEqual(entries, [...model.entries()].sort())
        let n = 0
        map.forEach(() => n++)
        assert.strictEqual(n, model.size)
      }),
      { numRuns: 200 }
    ))

  it("treats -0 as 0 and keeps strings and numbers apart", () => {
    const map = new KeyMap<unknown, string>()
    map.set(0, "zero").set("0", "string").set([0], "tuple").set(-0, "minus zero")
    assert.strictEqual(map.size, 3)
    assert.strictEqual(map.get(0), "minus zero")
    assert.strictEqual(map.get("0"), "string")
    assert.strictEqual(map.get([-0]), "tuple")
    assert.isUndefined(map.get(["0"]))
    map.set({ a: 1, b: 2 }, "record")
    assert.strictEqual(map.get({ b: 2, a: 1 }), "record")
    assert.isUndefined(map.get({ a: 1 }))
  })

  it("behaves exactly as an ordered list of encoded keys, while keys turn composite mid-way", () => {
    const primitiveKey = fc.oneof(
      fc.constantFrom<unknown>(0, -0, NaN, 1, "1", "", "a", 1n, true, false, null, undefined, Infinity),
      fc.string({ maxLength: 3 }),
      fc.integer({ min: -3, max: 3 }),
      fc.double()
    )
    const compositeKey = fc.oneof(fc.array(primitiveKey, { maxLength: 2 }), fc.dictionary(fc.constantFrom("a", "b"), primitiveKey))
    const modelOp = (key: fc.Arbitrary<unknown>) =>
      fc.record({ kind: fc.constantFrom("set", "get", "has", "delete", "upsert", "combine"), key, value: fc.integer() })
    const ops = fc.tuple(
      fc.array(modelOp(primitiveKey), { maxLength: 30 }),
      fc.array(modelOp(fc.oneof(primitiveKey, compositeKey)), { maxLength: 30 })
    )
    fc.assert(
      fc.property(ops, ([before, after]) => {
        const map = new KeyMap<unknown, number>()
        // The model: entries in insertion order, a key stored as first set (-0 as 0).
        const model: Array<{ code: string; key: unknown; value: number }> = []
        const find = (key: unknown) => model.findIndex((e) => e.code === encodeKey(key))
        const put = (key: unknown, f: (previous: number | undefined) => number) => {
          const at = find(key)
          if (at < 0) model.push({ code: encodeKey(key), key: key === 0 ? 0 : key, value: f(undefined) })
          else model[at]!.value = f(model[at]!.value)
        }
        for (const { key, kind, value } of [...before, ...after]) {
          const at = find(key)
          switch (kind) {
            case "set":
              map.set(key, value)
              put(key, () => value)
              break
            case "get":
              assert.strictEqual(map.get(key), at < 0 ? undefined : model[at]!.value)
              break
            case "has":
              assert.strictEqual(map.has(key), at >= 0)
              break
            case "delete":
              assert.strictEqual(map.delete(key), at >= 0)
              if (at >= 0) model.splice(at, 1)
              break
            case "upsert":
              map.upsert(key, () => value, (p) => p - value)
              put(key, (p) => (p === undefined ? value : p - value))
              break
            case "combine":
              map.combine(key, value, (v) => v * 2, (p, v) => p + v)
              put(key, (p) => (p === undefined ? value * 2 : p + value))
              break
          }
          assert.strictEqual(map.size, model.length)
        }
        const expected = model.map((e) => [e.key, e.value])
        assert.deepStrictEqual([...map], expected)
        const visited: Array<[unknown, number]> = []
        map.forEach((v, k) => visited.push([k, v]))
        assert.deepStrictEqual(visited, expected)
        // Keys come back as stored: -0 never, NaN as NaN.
        for (const [k] of map) assert.isFalse(Object.is(k, -0))
      }),
      { numRuns: 300 }
    )
  })

  it("compares dates by their time, alone or inside tuples and records", () => {
    const map = new KeyMap<unknown, number>()
    const day = (n: number) => new Date(Date.UTC(2026, 11, n))
    for (const key of [day(1), day(2), day(1), [day(1), "a"], [day(1), "a"], { at: day(2) }, { at: day(2) }, day(1).getTime()]) {
      map.combine(key, 1, (v) => v, (a, b) => a + b)
    }
    assert.deepStrictEqual([...map].map(([, n]) => n), [2, 1, 2, 2, 1], "a date is neither another date nor its own time")
    assert.strictEqual(map.get(day(2)), 1)
    assert.strictEqual(map.get([new Date(day(1).getTime()), "a"]), 2)
  })

  it("keeps a value of undefined distinct from an absent key in combine", () => {
    const map = new KeyMap<unknown, number | undefined>()
    map.combine("a", 1, () => undefined, (p, v) => (p ?? 0) + v)
    map.combine("a", 2, () => undefined, (p, v) => (p ?? 0) + v)
    assert.strictEqual(map.get("a"), 2)
    map.combine(["a"], 1, () => undefined, (p, v) => (p ?? 0) + v)
    map.combine(["a"], 3, () => undefined, (p, v) => (p ?? 0) + v)
    assert.deepStrictEqual([...map], [["a", 2], [["a"], 3]])
  })
})
