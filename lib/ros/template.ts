import * as fs from 'fs';
import type * as YamlModule from 'yaml';

/** `yaml` is loaded on first use: linting a template object (as synth does) never parses YAML. */
function yaml(): typeof YamlModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml');
}

/**
 * A ROS template as a plain object (the shape of `ROSTemplateFormatVersion: '2015-09-01'` documents).
 * Only the sections the rule pack reads are typed; everything else is kept as is.
 */
export interface TemplateDocument {
  readonly ROSTemplateFormatVersion?: string;
  readonly Description?: unknown;
  readonly Parameters?: Record<string, Record<string, unknown>>;
  readonly Resources?: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, Record<string, unknown>>;
  readonly Conditions?: Record<string, unknown>;
  readonly Mappings?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly [section: string]: unknown;
}

/** One entry of a template's `Resources` section. */
export interface TemplateResource {
  readonly Type?: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly [key: string]: unknown;
}

/** ROS short-form YAML tags (`!Ref X`, `!GetAtt A.B`, `!Sub ...`) mapped to their long form. */
const SHORT_TAGS = [
  'Ref', 'GetAtt', 'Sub', 'Join', 'Replace', 'Base64Encode', 'Base64Decode', 'Select', 'Split', 'If', 'Equals',
  'And', 'Or', 'Not', 'FindInMap', 'GetAZs', 'Str', 'Index', 'Length', 'ListMerge', 'GetJsonValue', 'MergeMapToList',
  'Avg', 'SelectMapList', 'Add', 'Calculate', 'Max', 'Min', 'GetStackOutput', 'Jq', 'MarketplaceImage', 'Any',
  'Contains', 'EachMemberIn', 'MatchPattern',
];

function shortTags(): YamlModule.Tags {
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
        resolve: (value: unknown) => convert(value instanceof yaml().YAMLSeq || value instanceof yaml().YAMLMap ? value.toJSON() : value),
      } as YamlModule.ScalarTag | YamlModule.CollectionTag);
    }
  }
  return tags;
}

/**
 * Parses a template given as JSON or YAML text (YAML may use ROS short tags such as `!Ref`).
 * Throws an Error naming `source` when the text does not parse or is not a mapping.
 */
export function parseTemplateText(text: string, source: string = 'template'): TemplateDocument {
  let value: unknown;
  const trimmed = text.trimStart();
  try {
    if (trimmed.startsWith('{')) {
      value = JSON.parse(text);
    } else {
      const doc = yaml().parseDocument(text, { customTags: shortTags(), uniqueKeys: true });
      if (doc.errors.length > 0) {
        throw new Error(doc.errors[0].message.split('\n')[0]);
      }
      value = doc.toJSON();
    }
  } catch (e) {
    throw new Error(`${source}: not a JSON or YAML template (${(e as Error).message})`);
  }
  return asTemplate(value, source);
}

/**
 * Checks that `value` is a template object (a mapping with at least one of Resources, Parameters, Outputs).
 */
export function asTemplate(value: unknown, source: string = 'template'): TemplateDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${source}: a ROS template must be a mapping, got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`);
  }
  const t = value as Record<string, unknown>;
  if (!('Resources' in t) && !('Parameters' in t) && !('Outputs' in t) && !('ROSTemplateFormatVersion' in t)) {
    throw new Error(`${source}: not a ROS template (no ROSTemplateFormatVersion, Parameters, Resources or Outputs section)`);
  }
  return t as TemplateDocument;
}

/** Reads and parses a template file (JSON or YAML). Throws an Error naming the file if it cannot be read or parsed. */
export function readTemplateFile(file: string): TemplateDocument {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseTemplateText(text, file);
}
