/**
 * Unknown fields of a kubernetes-models object. Its JSON-schema validators
 * accept any extra key (as the API server's lenient decoding does), so a
 * misspelt key would pass. Each validator reads exactly the properties its
 * schema knows (and lists the keys of free-form maps such as labels):
 * validating through a proxy that records every read leaves the unknown
 * keys unread, whatever the schema.
 */
export function unknownFields(model: { validate(): void }): string[] {
  const reads = new Map<object, { path: string; seen: Set<string> }>();
  const watched = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const entry = reads.get(value) ?? { path, seen: new Set<string>() };
    reads.set(value, entry);
    const child = (key: string) => (path === '' ? key : `${path}.${key}`);
    return new Proxy(value, {
      get(target, key) {
        if (typeof key !== 'string') return Reflect.get(target, key) as unknown;
        entry.seen.add(key);
        return watched(Reflect.get(target, key), child(key));
      },
      has(target, key) {
        if (typeof key === 'string') entry.seen.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        const keys = Reflect.ownKeys(target);
        for (const key of keys) if (typeof key === 'string') entry.seen.add(key);
        return keys;
      },
    });
  };
  model.validate.call(watched(model, ''));
  const unknown: string[] = [];
  for (const [object, { path, seen }] of reads) {
    for (const key of Object.keys(object)) if (!seen.has(key)) unknown.push(path === '' ? key : `${path}.${key}`);
  }
  return unknown.sort();
}
