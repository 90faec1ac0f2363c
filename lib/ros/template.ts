// The one template type of the library and its parser: JSON, or YAML with ROS's short tags (`!Ref X`), read with
// bounds (a regular file, at most TEMPLATE_FILE_MAX_BYTES, nesting at most TEMPLATE_MAX_NESTING_DEPTH) and with
// duplicate keys refused in both formats, in time linear in the size of the text.
import * as fs from 'fs';
import type * as YamlModule from 'yaml';
import { TEMPLATE_BODY_MAX_BYTES, TEMPLATE_FILE_MAX_BYTES, TEMPLATE_MAX_NESTING_DEPTH } from './limits';

/** `yaml` is loaded on first use: linting a template object (as synth does) never parses YAML. */
function yaml(): typeof YamlModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml');
}

/**
 * A parameter declaration of a template's `Parameters` section. The fields are what ROS documents; a template read
 * from a file is not checked against these types, so code that reads one checks the type of what it uses.
 */
export interface TemplateParameter {
  /** ROS parameter type (String, Number, CommaDelimitedList, Json, Boolean, ALIYUN::OOS::...). */
  readonly Type?: string;
  /** Default value. */
  readonly Default?: unknown;
  /** Regular expression the whole value must match. */
  readonly AllowedPattern?: string;
  /** Allowed values. */
  readonly AllowedValues?: readonly unknown[];
  /** Minimum length (String). */
  readonly MinLength?: number;
  /** Maximum length (String). */
  readonly MaxLength?: number;
  /** Whether the console and the API mask the value (`true` or `'true'`). */
  readonly NoEcho?: unknown;
  /** Any other field (Label, Description, AssociationProperty, ...). */
  readonly [field: string]: unknown;
}

/** One entry of a template's `Resources` section. */
export interface TemplateResource {
  /** The resource type, e.g. `ALIYUN::ECS::RunCommand`. */
  readonly Type?: string;
  /** The resource's properties. */
  readonly Properties?: Record<string, unknown>;
  /** Resource metadata (where rule suppressions for the resource go). */
  readonly Metadata?: Record<string, unknown>;
  /** Resources created first. */
  readonly DependsOn?: string | string[];
  /** The condition that decides whether the resource is created. */
  readonly Condition?: string;
  /** Any other field (DeletionPolicy, Count, ...). */
  readonly [field: string]: unknown;
}

/**
 * A ROS template as a plain object (`ROSTemplateFormatVersion: '2015-09-01'` documents): what a synthesized stack
 * renders and what the parser returns. The rule pack, the resolver, `lint`, the Compute Nest validator and the
 * rehearsal all read this one type.
 */
export interface TemplateDocument {
  /** `2015-09-01`. */
  readonly ROSTemplateFormatVersion?: string;
  /** The template's description (a string, or `{ en, zh-cn }` in Compute Nest templates). */
  readonly Description?: unknown;
  /** Parameters by name. */
  readonly Parameters?: Record<string, TemplateParameter>;
  /** Resources by logical ID. */
  readonly Resources?: Record<string, TemplateResource>;
  /** Outputs by name. */
  readonly Outputs?: Record<string, Record<string, unknown>>;
  /** Conditions by name. */
  readonly Conditions?: Record<string, unknown>;
  /** Mappings by name. */
  readonly Mappings?: Record<string, unknown>;
  /** Template metadata (`ALIYUN::ROS::Interface`, rule suppressions, ...). */
  readonly Metadata?: Record<string, unknown>;
  /** Any other section. */
  readonly [section: string]: unknown;
}

/** ROS short-form YAML tags (`!Ref X`, `!GetAtt A.B`, `!Sub ...`) mapped to their long form. */
const SHORT_TAGS = [
  'Ref', 'GetAtt', 'Sub', 'Join', 'Replace', 'Base64Encode', 'Base64Decode', 'Select', 'Split', 'If', 'Equals',
  'And', 'Or', 'Not', 'FindInMap', 'GetAZs', 'Str', 'Index', 'Length', 'ListMerge', 'GetJsonValue', 'MergeMapToList',
  'Avg', 'SelectMapList', 'Add', 'Calculate', 'Max', 'Min', 'GetStackOutput', 'Jq', 'MarketplaceImage', 'Any',
  'Contains', 'EachMemberIn', 'MatchPattern',
];

let tagsCache: YamlModule.Tags | undefined;
function shortTags(): YamlModule.Tags {
  if (tagsCache) return tagsCache;
  const Y = yaml();
  const tags: YamlModule.Tags = [];
  for (const name of SHORT_TAGS) {
    const key = name === 'Ref' ? 'Ref' : `Fn::${name}`;
    const convert = (value: unknown): unknown => {
      if (name === 'GetAtt' && typeof value === 'string') {
        const dot = value.indexOf('.');
        return { [key]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
      }
      return { [key]: value };
    };
    for (const collection of [undefined, 'seq', 'map'] as const) {
      tags.push({
        tag: `!${name}`,
        collection,
        resolve: (value: unknown) => convert(value instanceof Y.YAMLSeq || value instanceof Y.YAMLMap ? value.toJSON() : value),
      } as YamlModule.ScalarTag | YamlModule.CollectionTag);
    }
  }
  tagsCache = tags;
  return tags;
}

/** 1-based line of `offset` in `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * The first duplicate key of a JSON text (already known to be valid JSON), in one pass: one set of keys per object
 * being read. JSON.parse keeps the last of two equal keys, so a duplicate can hide what the first one says.
 */
function jsonDuplicateKey(text: string): { key: string; line: number } | undefined {
  const frames: Array<Set<string> | null> = [];
  let line = 1;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
    } else if (c === 0x7b) { // {
      frames.push(new Set());
      expectKey = true;
    } else if (c === 0x5b) { // [
      frames.push(null);
      expectKey = false;
    } else if (c === 0x7d || c === 0x5d) { // } ]
      frames.pop();
      expectKey = false;
    } else if (c === 0x2c) { // ,
      expectKey = frames[frames.length - 1] instanceof Set;
    } else if (c === 0x22) { // "
      let j = i + 1;
      let escaped = false;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) { // backslash
          escaped = true;
          j += 2;
          continue;
        }
        if (d === 0x22) break;
        j++;
      }
      if (expectKey) {
        const raw = text.slice(i, j + 1);
        const key: string = escaped ? JSON.parse(raw) : raw.slice(1, -1);
        const keys = frames[frames.length - 1] as Set<string>;
        if (keys.has(key)) return { key, line };
        keys.add(key);
        expectKey = false;
      }
      i = j;
    }
  }
  return undefined;
}

/** The first duplicate key of a parsed YAML document, in one pass over its nodes. */
function yamlDuplicateKey(doc: YamlModule.Document.Parsed, text: string): { key: string; line: number } | undefined {
  const Y = yaml();
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Y.isMap(node)) {
      const keys = new Set<string>();
      for (const pair of node.items) {
        const k = pair.key;
        const name = Y.isScalar(k) ? String(k.value) : JSON.stringify(Y.isNode(k) ? k.toJSON() : k);
        if (keys.has(name)) return { key: name, line: lineAt(text, Y.isNode(k) && k.range ? k.range[0] : 0) };
        keys.add(name);
        stack.push(pair.value);
      }
    } else if (Y.isSeq(node)) {
      stack.push(...node.items);
    }
  }
  return undefined;
}

/** The deepest nesting of mappings and lists in `value`, counted without recursion; stops past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const d = depth + 1;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, d]);
    }
  }
  return max;
}

/**
 * Parses a template given as JSON or YAML text (YAML may use ROS short tags such as `!Ref`). Throws an Error naming
 * `source` when the text does not parse, has a duplicate key (in either format: JSON.parse would keep the last one
 * silently), nests deeper than TEMPLATE_MAX_NESTING_DEPTH, or is not a ROS template.
 */
export function parseTemplateText(text: string, source: string = 'template'): TemplateDocument {
  let value: unknown;
  let duplicate: { key: string; line: number } | undefined;
  const parseYaml = () => {
    // Duplicate keys are found below in one pass: the yaml library's own uniqueKeys check compares each key with
    // every earlier key of its mapping (50,000 keys took 32 s).
    const doc = yaml().parseDocument(text, { customTags: shortTags(), uniqueKeys: false });
    if (doc.errors.length > 0) {
      throw new Error(doc.errors[0].message.split('\n')[0]);
    }
    duplicate = yamlDuplicateKey(doc, text);
    if (!duplicate) value = doc.toJSON();
  };
  try {
    if (text.trimStart().startsWith('{')) {
      try {
        value = JSON.parse(text);
        duplicate = jsonDuplicateKey(text);
      } catch (jsonError) {
        // A YAML flow mapping (`{Resources: {}}`) starts with '{' too; report the JSON error if it is not YAML either.
        try {
          parseYaml();
        } catch {
          throw jsonError;
        }
      }
    } else {
      parseYaml();
    }
  } catch (e) {
    throw new Error(`${source}: not a JSON or YAML template (${(e as Error).message})`);
  }
  if (duplicate) {
    throw new Error(`${source}: duplicate key '${duplicate.key}' at line ${duplicate.line}: a reader keeps only one of the two; remove or rename one`);
  }
  const depth = nestingDepth(value, TEMPLATE_MAX_NESTING_DEPTH);
  if (depth > TEMPLATE_MAX_NESTING_DEPTH) {
    throw new Error(`${source}: nested more than ${TEMPLATE_MAX_NESTING_DEPTH} levels deep; no ROS template nests like that`);
  }
  return asTemplate(value, source);
}

/**
 * Checks that `value` is a template object (a mapping with at least one of ROSTemplateFormatVersion, Resources,
 * Parameters, Outputs).
 */
export function asTemplate(value: unknown, source: string = 'template'): TemplateDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const shown = Array.isArray(value) ? 'a list' : JSON.stringify(value);
    throw new Error(`${source}: a ROS template must be a mapping, got ${shown !== undefined && shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}`);
  }
  const t = value as Record<string, unknown>;
  if (!('Resources' in t) && !('Parameters' in t) && !('Outputs' in t) && !('ROSTemplateFormatVersion' in t)) {
    throw new Error(`${source}: not a ROS template (no ROSTemplateFormatVersion, Parameters, Resources or Outputs section)`);
  }
  return t as TemplateDocument;
}

/**
 * Reads a template file's text with bounds: it must be a regular file (not a FIFO, device such as /dev/zero, or
 * directory: those are refused before any byte is read) of at most `maxBytes`. Throws an Error naming the file.
 */
export function readTemplateFileText(file: string, maxBytes: number = TEMPLATE_FILE_MAX_BYTES): string {
  const fail = (why: string): never => {
    throw new Error(`${file}: ${why}`);
  };
  let fd: number;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) fail(`not a regular file (${fileKind(st)}); give a template file`);
    if (st.size > maxBytes) fail(`${st.size} bytes is over the ${maxBytes}-byte limit for a template (ROS itself takes at most ${TEMPLATE_BODY_MAX_BYTES})`);
    // O_NONBLOCK: should the path turn into a FIFO after the check, opening it does not wait for a writer.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === undefined) throw e;
    return fail(`cannot read (${(e as NodeJS.ErrnoException).code})`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) fail(`not a regular file (${fileKind(st)}); give a template file`);
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buf.length;) {
      n = fs.readSync(fd, buf, length, buf.length - length, null);
      length += n;
    }
    if (length > maxBytes) fail(`over the ${maxBytes}-byte limit for a template (it grew while being read)`);
    return buf.subarray(0, length).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

function fileKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/** Reads and parses a template file (JSON or YAML) with the bounds of {@link readTemplateFileText}. */
export function readTemplateFile(file: string, maxBytes: number = TEMPLATE_FILE_MAX_BYTES): TemplateDocument {
  return parseTemplateText(readTemplateFileText(file, maxBytes), file);
}
