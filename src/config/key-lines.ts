/**
 * Which line of a config file a key path is on, for error messages. The file
 * is read again only when it has a mistake to report; JSON is YAML, so one
 * parser that keeps positions serves both.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export type LineOf = (keyPath: readonly PropertyKey[]) => number | null;

export async function keyLines(file: string): Promise<LineOf> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return () => null;
  }
  const { LineCounter, parseDocument, isNode, isPair } = await import('yaml');
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter, keepSourceTokens: false });
  // In a package.json, pvlook's settings are under its "pvlook" key.
  const prefix = path.basename(file) === 'package.json' ? ['pvlook'] : [];
  return (keyPath) => {
    const full = [...prefix, ...keyPath.map((part) => (typeof part === 'symbol' ? String(part) : part))];
    // The value's own line; for a key with no value (or an unknown key), the key's.
    const node: unknown = document.getIn(full, true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
    const parent: unknown = full.length > 1 ? document.getIn(full.slice(0, -1), true) : document.contents;
    const items = (parent as { items?: unknown[] } | null)?.items;
    const pair = items?.find((item) => isPair(item) && isNode(item.key) && String((item.key as { value?: unknown }).value) === String(full.at(-1)));
    if (isPair(pair) && isNode(pair.key) && pair.key.range) return counter.linePos(pair.key.range[0]).line;
    return null;
  };
}
