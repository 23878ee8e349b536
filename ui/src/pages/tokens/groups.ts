/** Token values typed into one field, separated by commas, spaces or new lines; each once, in order (unit-tested). */
export function parseTokenList(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[\s,;]+/)) if (part) seen.add(part);
  return [...seen];
}
