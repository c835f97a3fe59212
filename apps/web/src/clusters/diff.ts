export type DiffLineKind = "add" | "remove" | "hunk" | "header" | "context";

/** Classifies one unified-diff line for colouring. */
export function diffLineKind(line: string): DiffLineKind {
  if (line.startsWith("+++") || line.startsWith("---") || line.startsWith("diff ") || /^(index|Index:) /.test(line) || /^={3,}$/.test(line)) return "header";
  if (line.startsWith("@@")) return "hunk";
  if (line.startsWith("+")) return "add";
  if (line.startsWith("-")) return "remove";
  return "context";
}

/** Lines added and removed, for the "+3 −1" summary next to each object. */
export function diffStats(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of diff.split("\n")) {
    const k = diffLineKind(l);
    if (k === "add") added++;
    else if (k === "remove") removed++;
  }
  return { added, removed };
}
