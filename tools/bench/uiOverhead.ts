/**
 * What the web UI and the event log cost a streaming application. The
 * streaming word count (streamingWorkload.ts) with both off
 * (`spark.ui.enabled=false`) and with both on (the UI on a free port, the
 * event log into a temporary directory), in the same process:
 *   1. the largest sustained rate of each (100 ms batches), rounds
 *      interleaved off, on, off, on, ...;
 *   2. at a fixed rate (70% of the first "off" rate), each batch's
 *      processing time over many batches, rounds interleaved, for a finer
 *      ratio than the rate search resolves.
 * Prints min and median per side and the 1-minute load average (the ratio is
 * what counts; on a loaded machine both sides slow down alike).
 *
 *   npm run bench:ui
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { BATCH_MS, engineDelays, engineSustains, search } from "./streamingWorkload.js"

const ROUNDS = Number(process.env["ROUNDS"] ?? 3)
const FIXED_BATCHES = 40

const eventLogDir = fs.mkdtempSync(path.join(os.tmpdir(), "tspark-bench-events-"))
const off = { "spark.ui.enabled": false }
const on = { "spark.ui.enabled": true, "spark.ui.port": 0, "spark.eventLog.enabled": true, "spark.eventLog.dir": eventLogDir }

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const describe = (values: ReadonlyArray<number>, unit: string, digits = 2) =>
  `min ${Math.min(...values).toFixed(digits)}${unit}, median ${median(values).toFixed(digits)}${unit}`

const main = async () => {
  console.log(
    `UI + event log overhead, streaming word count, ${BATCH_MS} ms batches, node ${process.version}, ` +
      `${ROUNDS} rounds, load average ${os.loadavg()[0]!.toFixed(2)}`
  )
  const rates = { off: [] as Array<number>, on: [] as Array<number> }
  for (let round = 0; round < ROUNDS; round++) {
    rates.off.push(await search(`off (round ${round + 1})`, (rate) => engineSustains(rate, off)))
    rates.on.push(await search(`on  (round ${round + 1})`, (rate) => engineSustains(rate, on)))
  }
  const scale = (values: ReadonlyArray<number>) => values.map((v) => v / 1e6)
  console.log(`sustained rate, off: ${describe(scale(rates.off), "M words/s")}`)
  console.log(`sustained rate, on:  ${describe(scale(rates.on), "M words/s")}`)
  console.log(`on / off (medians): ${(median(rates.on) / median(rates.off)).toFixed(3)}`)

  const fixedRate = Math.round(rates.off[0]! * 0.7)
  const processing = { off: [] as Array<number>, on: [] as Array<number> }
  for (let round = 0; round < ROUNDS; round++) {
    processing.off.push(median((await engineDelays(fixedRate, off, FIXED_BATCHES)).processing))
    processing.on.push(median((await engineDelays(fixedRate, on, FIXED_BATCHES)).processing))
  }
  console.log(`processing time per batch at ${(fixedRate / 1e6).toFixed(2)}M words/s (median of ${FIXED_BATCHES} batches a round):`)
  console.log(`  off: ${describe(processing.off, " ms", 1)}`)
  console.log(`  on:  ${describe(processing.on, " ms", 1)}`)
  console.log(`  on / off (medians): ${(median(processing.on) / median(processing.off)).toFixed(3)}`)
  const logs = fs.readdirSync(eventLogDir)
  console.log(`event logs written: ${logs.length}, load average now ${os.loadavg()[0]!.toFixed(2)}`)
  fs.rmSync(eventLogDir, { recursive: true, force: true })
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
