/**
 * Helpers shared by the lib/computenest config.yaml classes (not exported from the package).
 */

/** A raw config.yaml mapping. */
export type RawMap = Record<string, unknown>;

/** True when `v` is a plain mapping (not an array, not null). */
export function isMap(v: unknown): v is RawMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Renders known keys (in the given order, undefined dropped) followed by pass-through keys.
 * A pass-through key that collides with a known key is an error: the typed field must be used.
 */
export function renderWithExtra(owner: string, known: RawMap, extra: RawMap | undefined): RawMap {
  const out: RawMap = {};
  for (const [k, v] of Object.entries(known)) {
    if (v !== undefined) out[k] = v;
  }
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (k in known) {
      throw new Error(`${owner}: extraProperties key '${k}' is a typed field; set it through the typed prop instead of extraProperties.`);
    }
    out[k] = v;
  }
  return out;
}

/** The keys of `raw` that are not in `known`, or undefined when there are none. */
export function extraOf(raw: RawMap, known: readonly string[]): RawMap | undefined {
  const extra: RawMap = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!known.includes(k)) extra[k] = v;
  }
  return Object.keys(extra).length > 0 ? extra : undefined;
}

/** The mapping at `raw[key]`, or an error naming the field. */
export function mapField(owner: string, raw: RawMap, key: string): RawMap {
  const v = raw[key];
  if (!isMap(v)) throw new Error(`${owner}: ${key} must be a mapping, got ${JSON.stringify(v)}.`);
  return v;
}

/** The value at `raw[key]` if it has the JavaScript type `type` (undefined when absent), or an error naming the field. */
function optOfType<T>(owner: string, raw: RawMap, key: string, type: 'string' | 'number'): T | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (typeof v !== type) throw new Error(`${owner}: ${key} must be a ${type}, got ${JSON.stringify(v)}.`);
  return v as T;
}

/** The string at `raw[key]` (undefined when absent), or an error naming the field. */
export function optString(owner: string, raw: RawMap, key: string): string | undefined {
  return optOfType<string>(owner, raw, key, 'string');
}

/** The required string at `raw[key]`. */
export function reqString(owner: string, raw: RawMap, key: string): string {
  const v = optString(owner, raw, key);
  if (v === undefined) throw new Error(`${owner}: ${key} is required.`);
  return v;
}

/** The number at `raw[key]` (undefined when absent). */
export function optNumber(owner: string, raw: RawMap, key: string): number | undefined {
  return optOfType<number>(owner, raw, key, 'number');
}

/** The list of strings at `raw[key]` (undefined when absent). */
export function optStringList(owner: string, raw: RawMap, key: string): string[] | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new Error(`${owner}: ${key} must be a list of strings, got ${JSON.stringify(v)}.`);
  }
  return v as string[];
}

/** Fails when `value` is an empty string. */
export function requireNonEmpty(owner: string, prop: string, value: string): void {
  if (value.trim() === '') throw new Error(`${owner}: ${prop} must not be empty, got '${value}'.`);
}

/** The enum member whose value is `value`, or an error naming the prop, the value and the allowed values. */
export function enumMember<T extends string>(owner: string, prop: string, values: { [key: string]: T }, value: string): T {
  const allowed = Object.values(values);
  if (!allowed.includes(value as T)) {
    throw new Error(`${owner}: ${prop} '${value}' is not supported; use one of: ${allowed.join(', ')}.`);
  }
  return value as T;
}

/** Each element of a config.yaml list, checked to be a mapping and read with its place (`<owner>[i]`) for messages. */
export function mapEach<T>(owner: string, items: readonly unknown[], read: (item: RawMap, where: string) => T): T[] {
  return items.map((item, i) => {
    const where = `${owner}[${i}]`;
    if (!isMap(item)) throw new Error(`${where} must be a mapping, got ${JSON.stringify(item)}.`);
    return read(item, where);
  });
}
