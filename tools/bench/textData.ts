/**
 * Generates (once, cached in the temp directory) a text file of words with a
 * skewed (Zipf-like) distribution, so benchmarks of word counts are repeatable.
 */
import * as fs from "node:fs"

export const ensureTextFile = (file: string, bytes: number): string => {
  if (fs.existsSync(file) && fs.statSync(file).size >= bytes) return file
  let seed = 7
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296
  const vocabulary: Array<string> = []
  for (let i = 0; i < 20_000; i++) {
    let word = ""
    const length = 2 + Math.floor(random() * 9)
    for (let j = 0; j < length; j++) word += String.fromCharCode(97 + Math.floor(random() * 26))
    vocabulary.push(word)
  }
  const fd = fs.openSync(`${file}.tmp`, "w")
  let written = 0
  while (written < bytes) {
    const lines: Array<string> = []
    for (let l = 0; l < 1000; l++) {
      const n = 4 + Math.floor(random() * 16)
      const words: Array<string> = []
      for (let i = 0; i < n; i++) words.push(vocabulary[Math.floor(random() * random() * vocabulary.length)]!)
      lines.push(words.join(" "))
    }
    const chunk = lines.join("\n") + "\n"
    fs.writeSync(fd, chunk)
    written += Buffer.byteLength(chunk)
  }
  fs.closeSync(fd)
  fs.renameSync(`${file}.tmp`, file)
  return file
}
