// The executor's on-disk block store: one file per block in a local directory.
// Reads and writes are synchronous because they happen inside a task's plain
// loop; the files are scratch data (the lineage can rebuild them), so they are
// not fsynced.
import * as fs from "node:fs"
import * as path from "node:path"
import { BlockGroups } from "./blockGroups.js"

export class DiskStore {
  private readonly sizes = new Map<string, number>()
  private readonly groups = new BlockGroups()

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
    this.groups.add(blockName)
  }

  /** The block's bytes, or `undefined` when the file is gone (deleted underneath us). */
  get(blockName: string): Buffer | undefined {
    if (!this.sizes.has(blockName)) return undefined
    try {
      return fs.readFileSync(this.file(blockName))
    } catch {
      this.sizes.delete(blockName)
      this.groups.delete(blockName)
      return undefined
    }
  }

  remove(blockName: string): boolean {
    if (!this.sizes.delete(blockName)) return false
    this.groups.delete(blockName)
    fs.rmSync(this.file(blockName), { force: true })
    return true
  }

  blockNames(): Array<string> {
    return [...this.sizes.keys()]
  }

  /** The blocks of one RDD or shuffle (`rdd_<id>`, `shuffle_<id>`). */
  blockNamesOf(group: string): Array<string> {
    return this.groups.namesOf(group)
  }

  clear(): void {
    fs.rmSync(this.directory, { recursive: true, force: true })
    this.sizes.clear()
    this.groups.clear()
  }
}
