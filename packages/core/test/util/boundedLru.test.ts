import { assert, describe, it } from "@effect/vitest"
import { BoundedLru } from "../../src/internal/util/boundedLru.js"

describe("BoundedLru", () => {
  it("keeps the most recently used keys within its capacity", () => {
    const lru = new BoundedLru<number, string>(2)
    assert.deepStrictEqual(lru.set(1, "a"), [])
    assert.deepStrictEqual(lru.set(2, "b"), [])
    // Using 1 makes 2 the least recently used: it is the one evicted.
    assert.strictEqual(lru.get(1), "a")
    assert.deepStrictEqual(lru.set(3, "c"), [2])
    assert.deepStrictEqual([...lru.keys()], [1, 3])
    assert.strictEqual(lru.get(2), undefined)
  })

  it("peek leaves the order of use as it is", () => {
    const lru = new BoundedLru<number, string>(2)
    lru.set(1, "a")
    lru.set(2, "b")
    assert.strictEqual(lru.peek(1), "a")
    assert.deepStrictEqual(lru.set(3, "c"), [1])
  })

  it("setting a kept key again makes it the most recently used without evicting", () => {
    const lru = new BoundedLru<number, string>(2)
    lru.set(1, "a")
    lru.set(2, "b")
    assert.deepStrictEqual(lru.set(1, "a again"), [])
    assert.deepStrictEqual([...lru.keys()], [2, 1])
    assert.strictEqual(lru.peek(1), "a again")
    assert.deepStrictEqual(lru.set(3, "c"), [2])
  })

  it("refuses a capacity that is not a positive integer", () => {
    assert.throws(() => new BoundedLru(0), /positive integer/)
    assert.throws(() => new BoundedLru(1.5), /positive integer/)
  })
})
