import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as path from "node:path"
import { Executor } from "../../src/executor/Executor.js"
import { type FromExecutor, transferList } from "../../src/internal/executor/protocol.js"
import * as BlockId from "../../src/storage/BlockId.js"
import type { BlockManager } from "../../src/storage/BlockManager.js"
import * as StorageLevel from "../../src/storage/StorageLevel.js"
import { tempDir } from "../utils/spark.js"

/** An executor whose messages to the driver are collected, and its block manager. */
const makeExecutor = (dir: string) => {
  const sent: Array<FromExecutor> = []
  const executor = new Executor({
    executorId: "exec-0",
    host: "localhost",
    cores: 1,
    maxMemory: 1 << 20,
    localDir: path.join(dir, "exec-0"),
    conf: [],
    heartbeatIntervalMs: 10_000
  }, (message) => sent.push(message))
  // The block manager is the executor's own; the test stores through it as a task would.
  const blockManager = (executor as unknown as { readonly blockManager: BlockManager }).blockManager
  return { executor, blockManager, replicas: () => sent.filter((m) => m._tag === "Replicate") }
}

describe("Executor replication", () => {
  it.effect("sends a replica of a _2 block while it may have peers, and none once the driver says it has none", () =>
    Effect.gen(function*() {
      const { blockManager, executor, replicas } = makeExecutor(yield* tempDir)
      const bytes = Buffer.from([10, 97, 10])
      // Not told yet: a peer may exist, so the replica goes to the driver, which picks one.
      assert.isTrue(blockManager.putBytes(BlockId.stream(0, 0), bytes, StorageLevel.MEMORY_ONLY_SER_2))
      assert.strictEqual(replicas().length, 1)
      executor.handle({ _tag: "Peers", count: 0 })
      assert.isTrue(blockManager.putBytes(BlockId.stream(0, 1), bytes, StorageLevel.MEMORY_ONLY_SER_2))
      assert.strictEqual(replicas().length, 1, "no copy made for no peer")
      executor.handle({ _tag: "Peers", count: 1 })
      assert.isTrue(blockManager.putBytes(BlockId.stream(0, 2), bytes, StorageLevel.MEMORY_ONLY_SER_2))
      assert.strictEqual(replicas().length, 2)
      // The replica is a copy the executor made for the message: the worker channel may move it.
      const replica = replicas()[1]!
      assert.deepStrictEqual(transferList(replica), [(replica as { readonly bytes: Uint8Array }).bytes.buffer])
    }).pipe(Effect.scoped))

  it("moves only a replica's own whole memory, never a view of shared memory nor other messages' data", () => {
    const whole = new Uint8Array([1, 2, 3])
    assert.deepStrictEqual(transferList({ _tag: "PutBlock", name: "input-0-1", bytes: whole, level: "MEMORY_ONLY_SER" }), [
      whole.buffer
    ])
    const view = new Uint8Array(new ArrayBuffer(16), 4, 4)
    assert.deepStrictEqual(transferList({ _tag: "Replicate", name: "input-0-1", bytes: view, level: "MEMORY_ONLY_SER_2" }), [])
    assert.deepStrictEqual(transferList({ _tag: "FetchResponse", requestId: 1, blocks: [["input-0-1", whole]] }), [])
  })
})
