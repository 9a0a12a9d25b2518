/**
 * The promise remembered under `key`, else `make()`'s, remembered from now on: work that one step starts
 * ahead (a commit, a patch, a check) and a later step asks for again. The `kept` last ones are kept; a
 * rejected one is forgotten, so the next ask starts it again.
 */
export function recall<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>, kept = 8): Promise<T> {
  const known = map.get(key);
  if (known) return known;
  const made = make();
  map.set(key, made);
  if (map.size > kept) map.delete(map.keys().next().value!);
  made.catch(() => {
    if (map.get(key) === made) map.delete(key);
  });
  return made;
}
