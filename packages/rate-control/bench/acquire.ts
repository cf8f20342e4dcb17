/**
 * Benchmark: the cost of `RateLimiter.acquire` / `tryAcquire` when no waiting is
 * needed, against a hand-written token-bucket check in a plain loop measured in
 * the same run.
 *
 * Run: `npm run bench -w @tspark/rate-control` (or `npx tsx bench/acquire.ts` here).
 */
import { Effect } from "effect"
import { RateLimiter } from "../src/index.js"

const RATE = 1e12 // high enough that the bucket never runs dry: the no-wait path
const N = Number(process.env["BENCH_N"] ?? 2_000_000)
const ROUNDS = 7

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const time = (f: () => number): number => {
  const start = process.hrtime.bigint()
  const checksum = f()
  const ns = Number(process.hrtime.bigint() - start)
  if (checksum < 0) console.log("unreachable", checksum)
  return ns / N
}

/** The baseline: the same refill-and-take arithmetic, inlined in a plain loop. */
const baseline = (): number => {
  const bucket = { rate: RATE, capacity: RATE * 0.1, tokens: RATE * 0.1, last: Date.now() }
  let passed = 0
  for (let i = 0; i < N; i++) {
    const now = Date.now()
    const elapsed = now - bucket.last
    if (elapsed > 0) {
      const t = bucket.tokens + elapsed * bucket.rate / 1000
      bucket.tokens = t < bucket.capacity ? t : bucket.capacity
      bucket.last = now
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      passed++
    }
  }
  return passed
}

const limiter = Effect.runSync(RateLimiter.make({ initialRate: RATE }))

const tryAcquireLoop = (): number => {
  let passed = 0
  for (let i = 0; i < N; i++) if (limiter.tryAcquire(1)) passed++
  return passed
}

/** `yield* limiter.acquire(1)` N times inside one Effect program. */
const acquireInGen = Effect.gen(function*() {
  let passed = 0
  for (let i = 0; i < N; i++) {
    yield* limiter.acquire(1)
    passed++
  }
  return passed
})
const acquireEffectLoop = (): number => Effect.runSync(acquireInGen)

/** The same Effect reused: `Effect.repeat`-style callers build it once. */
const one = limiter.acquire(1)
const acquireReusedLoop = (): number =>
  Effect.runSync(Effect.gen(function*() {
    let passed = 0
    for (let i = 0; i < N; i++) {
      yield* one
      passed++
    }
    return passed
  }))

const cases: ReadonlyArray<readonly [string, () => number]> = [
  ["baseline: hand-written bucket, plain loop", baseline],
  ["tryAcquire(1), plain loop (sync fast path)", tryAcquireLoop],
  ["yield* acquire(1) in Effect.gen", acquireEffectLoop],
  ["yield* (reused acquire(1) effect) in Effect.gen", acquireReusedLoop]
]

// warm up every case
for (const [, f] of cases) f()

const results = new Map<string, Array<number>>()
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, f] of cases) {
    const xs = results.get(name) ?? []
    xs.push(time(f))
    results.set(name, xs)
  }
}

const base = median(results.get(cases[0][0])!)
console.log(`RateLimiter.acquire, no waiting: N = ${N}, median of ${ROUNDS} rounds, node ${process.version}`)
for (const [name] of cases) {
  const ns = median(results.get(name)!)
  console.log(`${name.padEnd(50)} ${ns.toFixed(1).padStart(8)} ns/op   ${(ns / base).toFixed(2).padStart(6)}x baseline`)
}
