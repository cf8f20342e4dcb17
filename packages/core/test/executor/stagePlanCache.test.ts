import { assert, describe, it } from "@effect/vitest"
import { StagePlanCache } from "../../src/internal/executor/stagePlanCache.js"

describe("StagePlanCache", () => {
  const attempt = (stageId: number, stageAttemptId = 0) => ({ stageId, stageAttemptId })

  it("counts hits and misses", () => {
    const cache = new StagePlanCache<string>(4)
    assert.strictEqual(cache.get(7), undefined)
    cache.put(7, attempt(1), "stage 1")
    assert.strictEqual(cache.get(7), "stage 1")
    assert.strictEqual(cache.get(7), "stage 1")
    assert.strictEqual(cache.get(8), undefined)
    assert.deepStrictEqual({ hits: cache.hits, misses: cache.misses }, { hits: 2, misses: 2 })
  })

  it("holds at most its capacity, evicting the least recently used stage", () => {
    const cache = new StagePlanCache<string>(3)
    for (let planId = 0; planId < 3; planId++) cache.put(planId, attempt(planId), `stage ${planId}`)
    cache.get(0)
    assert.deepStrictEqual(cache.put(3, attempt(3), "stage 3"), [1])
    assert.strictEqual(cache.size, 3)
    assert.isFalse(cache.has(1))
    assert.isTrue(cache.has(0))
    // A long stream of stages never grows it.
    for (let planId = 4; planId < 1000; planId++) cache.put(planId, attempt(planId), `stage ${planId}`)
    assert.strictEqual(cache.size, 3)
    assert.deepStrictEqual([997, 998, 999].map((id) => cache.has(id)), [true, true, true])
  })

  it("a new attempt of a stage drops the older attempts, not other stages", () => {
    const cache = new StagePlanCache<string>(8)
    cache.put(1, attempt(5, 0), "stage 5 attempt 0")
    cache.put(2, attempt(6, 0), "stage 6 attempt 0")
    assert.deepStrictEqual(cache.put(3, attempt(5, 1), "stage 5 attempt 1"), [1])
    assert.strictEqual(cache.get(1), undefined)
    assert.strictEqual(cache.get(2), "stage 6 attempt 0")
    assert.strictEqual(cache.get(3), "stage 5 attempt 1")
  })

  it("two plans of the same stage attempt are kept apart (plan ids, not stage ids, are the key)", () => {
    const cache = new StagePlanCache<string>(8)
    cache.put(1, attempt(0), "a job's stage 0")
    cache.put(2, attempt(0), "another context's stage 0")
    assert.strictEqual(cache.get(1), "a job's stage 0")
    assert.strictEqual(cache.get(2), "another context's stage 0")
  })

  it("clear drops every stage", () => {
    const cache = new StagePlanCache<string>(8)
    cache.put(1, attempt(1), "x")
    cache.clear()
    assert.strictEqual(cache.size, 0)
    assert.strictEqual(cache.get(1), undefined)
  })
})
