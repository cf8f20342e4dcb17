/**
 * The crash test's diagnostic trail: the receiver and the application append
 * one line per event to `<checkpoint dir>/crash-diagnostics.log` (synchronously,
 * so a SIGKILL loses at most the line being written), each with the process
 * id. When a run loses or doubles a line, the test prints the lines of this
 * trail that mention it, which tell at which step it went missing.
 */
import * as fs from "node:fs"
import * as path from "node:path"

/** The trail's file in the run's diagnostics directory. */
export const diagnosticsFile = (diagnosticsDir: string): string => path.join(diagnosticsDir, "trail.log")

/** Appends one event (prefixed with the process id) to the trail. */
export const logEvent = (file: string, event: string): void => {
  fs.appendFileSync(file, `${process.pid} ${event}\n`)
}

/** Sequence numbers as ranges (`1-40,81-120`), sorted, duplicates kept apart (`5,5`). */
export const ranges = (seqs: ReadonlyArray<number>): string => {
  const sorted = [...seqs].sort((a, b) => a - b)
  const parts: Array<string> = []
  let i = 0
  while (i < sorted.length) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`)
    i = j + 1
  }
  return parts.join(",")
}

/** Whether a `ranges` string covers `seq`. */
export const covers = (text: string, seq: number): boolean =>
  text.split(",").some((part) => {
    const [from, to] = part.split("-").map(Number)
    return to === undefined ? from === seq : from! <= seq && seq <= to
  })
