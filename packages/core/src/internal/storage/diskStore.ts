// The executor's on-disk block store: one file per block in a local directory.
// Reads and writes are synchronous because they happen inside a task's plain
// loop; the files are scratch data (the lineage can rebuild them), so they are
// not fsynced.
import * as fs from "node:fs"
import * as path from "node:path"

export class DiskStore {
  private readonly sizes = new Map<string, number>()

  constructor(readonly directory: string) {
    fs.mkdirSync(directory, { recursive: true })
  }

  private file(blockName: string): string {
    return path.join(this.directory, blockName)
  }

  contains(blockName: string): boolean {
    return this.sizes.has(blockName)
  }

  size(blockName: string): number {
    return this.sizes.get(blockName) ?? 0
  }

  put(blockName: string, bytes: Uint8Array): void {
    fs.writeFileSync(this.file(blockName), bytes)
    this.sizes.set(blockName, bytes.length)
  }

  /** The block's bytes, or `undefined` when the file is gone (deleted underneath us). */
  get(blockName: string): Buffer | undefined {
    if (!this.sizes.has(blockName)) return undefined
    try {
      return fs.readFileSync(this.file(blockName))
    } catch {
      this.sizes.delete(blockName)
      return undefined
    }
  }

  remove(blockName: string): boolean {
    if (!this.sizes.delete(blockName)) return false
    fs.rmSync(this.file(blockName), { force: true })
    return true
  }

  blockNames(): Array<string> {
    return [...this.sizes.keys()]
  }

  clear(): void {
    fs.rmSync(this.directory, { recursive: true, force: true })
    this.sizes.clear()
  }
}
