// An index of block names by the RDD or shuffle they belong to, so that
// removing an RDD's or a shuffle's blocks costs the blocks removed, not a scan
// of every block held (a scan per cleanup made long runs with ~100k blocks
// stall for tens of seconds).

/** The group of a block: `rdd_<id>` or `shuffle_<id>`; other blocks (broadcast, input, test) have none. */
export const groupOf = (blockName: string): string | undefined => {
  const m = /^((?:rdd|shuffle)_\d+)_/.exec(blockName)
  return m === null ? undefined : m[1]
}

export const rddGroup = (rddId: number): string => `rdd_${rddId}`

export const shuffleGroup = (shuffleId: number): string => `shuffle_${shuffleId}`

export class BlockGroups {
  private readonly groups = new Map<string, Set<string>>()

  add(blockName: string): void {
    const group = groupOf(blockName)
    if (group === undefined) return
    let names = this.groups.get(group)
    if (names === undefined) {
      names = new Set()
      this.groups.set(group, names)
    }
    names.add(blockName)
  }

  delete(blockName: string): void {
    const group = groupOf(blockName)
    if (group === undefined) return
    const names = this.groups.get(group)
    if (names === undefined) return
    names.delete(blockName)
    if (names.size === 0) this.groups.delete(group)
  }

  /** A copy of the names in a group (callers remove while iterating). */
  namesOf(group: string): Array<string> {
    const names = this.groups.get(group)
    return names === undefined ? [] : [...names]
  }

  clear(): void {
    this.groups.clear()
  }
}
