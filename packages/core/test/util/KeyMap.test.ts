import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { KeyMap } from "../../src/util/KeyMap.js"
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
})
