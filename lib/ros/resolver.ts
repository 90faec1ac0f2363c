/**
 * A resolver for the ROS intrinsic functions our synthesized template uses, so the rehearsal can
 * produce the exact text ROS hands to the instance (e.g. the RunCommand script).
 *
 * Semantics follow the ROS docs:
 * - Fn::Sub: `${Name}` is a map variable, a parameter, a pseudo parameter, a resource (Ref) or
 *   `${Res.Attr}` (GetAtt); `${!Name}` renders as the literal `${Name}`.
 *   https://www.alibabacloud.com/help/en/ros/user-guide/function-sub
 * - Fn::Base64Encode: MIME style, a line break after every 76 characters and a trailing line
 *   break even for short input. https://help.aliyun.com/en/ros/user-guide/function-base64encode
 * Anything else (an unknown function, parameter, resource or attribute) is an error, never a
 * silent empty string.
 */
import { substituteCloudAssistantParameters } from './cloud-assistant-parameters';
import { pseudoParameterStandIns } from './pseudo-parameters';
import { parseSubBody, splitAttributeName, subArguments, unterminatedSubOffset } from './sub';
import { TemplateDocument, TemplateParameter } from './template';

/** Stand-in values for pseudo parameters used unless overridden (lib/ros/pseudo-parameters.ts). */
export const DEFAULT_PSEUDO_PARAMETERS: Readonly<Record<string, string>> = pseudoParameterStandIns();

/** Inputs of {@link IntrinsicResolver}. */
export interface IntrinsicResolverProps {
  /** The synthesized template. */
  readonly template: TemplateDocument;
  /**
   * Parameter values; parameters not given take their template `Default`.
   * @default {} (defaults only; a parameter without default and without value is an error when referenced)
   */
  readonly parameters?: Readonly<Record<string, string | number>>;
  /**
   * Stand-in values of resource attributes, keyed `'LogicalId.Attribute'`, e.g.
   * `{ 'WaitConditionHandle.CurlCli': 'curl -sS ...' }`.
   * @default {}
   */
  readonly attributes?: Readonly<Record<string, unknown>>;
  /**
   * Stand-in values of `Ref <resource>` (physical IDs), keyed by logical ID.
   * @default {}
   */
  readonly resourceIds?: Readonly<Record<string, string>>;
  /**
   * Pseudo parameter values, merged over {@link DEFAULT_PSEUDO_PARAMETERS}.
   * @default DEFAULT_PSEUDO_PARAMETERS
   */
  readonly pseudoParameters?: Readonly<Record<string, string>>;
  /**
   * Check every given parameter value against its AllowedPattern / AllowedValues / MinLength /
   * MaxLength, as ROS does when the stack is created.
   * @default true
   */
  readonly checkConstraints?: boolean;
  /**
   * A stand-in of OOS Parameter Store's secret parameters (OOS cannot be reached here), name -> value,
   * merged over the template's own: each `ALIYUN::OOS::SecretParameter` resource stands in as its
   * resolved `SecretParameterName` holding its resolved `Value`, as ROS would create it. A RunCommand
   * with `EnableParameter: true` reads `{{oos-secret:NAME}}` from it.
   * @default {} (the template's secret parameters only)
   */
  readonly secretParameters?: Readonly<Record<string, string>>;
}

/** The ROS type of an OOS secret parameter (not in the local ROS specification). */
const SECRET_PARAMETER_TYPE = 'ALIYUN::OOS::SecretParameter';

/**
 * ROS's Fn::Base64Encode: standard base64 of the UTF-8 bytes, a `\n` after every 76 characters
 * and a trailing `\n` (MIME style, like Python's `base64.encodebytes`).
 */
export function rosBase64Encode(text: string): string {
  const flat = Buffer.from(text, 'utf8').toString('base64');
  if (flat === '') {
    return '';
  }
  const lines: string[] = [];
  for (let i = 0; i < flat.length; i += 76) {
    lines.push(flat.slice(i, i + 76));
  }
  return lines.join('\n') + '\n';
}

/**
 * Checks a value against a parameter's own constraints, the way ROS validates stack parameters.
 * AllowedPattern must match the whole value (it is anchored here).
 * @returns undefined when accepted, else the reason it is rejected.
 */
export function checkParameterValue(name: string, definition: TemplateParameter, value: string): string | undefined {
  if (definition.MinLength !== undefined && value.length < definition.MinLength) {
    return `${name}: length ${value.length} is below MinLength ${definition.MinLength}`;
  }
  if (definition.MaxLength !== undefined && value.length > definition.MaxLength) {
    return `${name}: length ${value.length} is above MaxLength ${definition.MaxLength}`;
  }
  if (definition.AllowedValues !== undefined && !definition.AllowedValues.map(String).includes(value)) {
    return `${name}: ${JSON.stringify(value)} is not one of AllowedValues ${JSON.stringify(definition.AllowedValues)}`;
  }
  if (definition.AllowedPattern !== undefined) {
    const re = new RegExp(`^(?:${definition.AllowedPattern})$`);
    if (!re.test(value)) {
      return `${name}: ${JSON.stringify(value)} does not match AllowedPattern ${definition.AllowedPattern}`;
    }
  }
  return undefined;
}

function has(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

const FUNCTIONS = ['Ref', 'Fn::Sub', 'Fn::GetAtt', 'Fn::Join', 'Fn::Select', 'Fn::Base64Encode', 'Fn::FindInMap', 'Fn::If', 'Fn::Equals', 'Fn::Not', 'Fn::Jq'] as const;

/**
 * Resolves intrinsic functions of a ROS template with given parameter values and stand-in
 * attribute values.
 */
export class IntrinsicResolver {
  /** Effective parameter values (given values over template defaults), as strings. */
  public readonly parameterValues: Readonly<Record<string, string>>;
  private readonly template: TemplateDocument;
  private readonly attributes: Readonly<Record<string, unknown>>;
  private readonly resourceIds: Readonly<Record<string, string>>;
  private readonly pseudo: Readonly<Record<string, string>>;
  private readonly givenSecretParameters: Readonly<Record<string, string>>;

  constructor(props: IntrinsicResolverProps) {
    this.template = props.template;
    this.givenSecretParameters = props.secretParameters ?? {};
    this.attributes = props.attributes ?? {};
    this.resourceIds = props.resourceIds ?? {};
    this.pseudo = { ...DEFAULT_PSEUDO_PARAMETERS, ...(props.pseudoParameters ?? {}) };
    const declared = props.template.Parameters ?? {};
    const values: Record<string, string> = {};
    for (const [name, def] of Object.entries(declared)) {
      if (def.Default !== undefined) {
        values[name] = String(def.Default);
      }
    }
    for (const [name, value] of Object.entries(props.parameters ?? {})) {
      const def = declared[name];
      if (!has(declared, name) || def === undefined) {
        throw new Error(`IntrinsicResolver: parameters.${name} is not declared in the template; declared: ${Object.keys(declared).join(', ') || '(none)'}`);
      }
      const text = String(value);
      if (props.checkConstraints ?? true) {
        const reason = checkParameterValue(name, def, text);
        if (reason !== undefined) {
          throw new Error(`IntrinsicResolver: parameters.${name} rejected by the template's own constraints: ${reason}`);
        }
      }
      values[name] = text;
    }
    this.parameterValues = values;
  }

  /** Resolves every intrinsic function in `value` (recursively); `path` names the place in errors. */
  public resolve(value: unknown, path = '$'): unknown {
    if (Array.isArray(value)) {
      return value.map((v, i) => this.resolve(v, `${path}[${i}]`));
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0];
      if (key === 'Ref' || key.startsWith('Fn::')) {
        return this.applyFunction(key, arg, `${path}.${key}`);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      out[k] = this.resolve(v, `${path}.${k}`);
    }
    return out;
  }

  /** Resolves `value` and requires a string result. */
  public resolveString(value: unknown, path = '$'): string {
    const out = this.resolve(value, path);
    if (typeof out !== 'string') {
      throw new Error(`IntrinsicResolver: ${path} resolved to ${JSON.stringify(out)}, expected a string`);
    }
    return out;
  }

  /** Resolves one property of one resource of the template. */
  public resolveResourceProperty(logicalId: string, property: string): unknown {
    const resource = this.template.Resources?.[logicalId];
    if (resource === undefined) {
      throw new Error(`IntrinsicResolver: resource '${logicalId}' not in template; resources: ${Object.keys(this.template.Resources ?? {}).join(', ')}`);
    }
    const props = resource.Properties ?? {};
    if (!has(props, property)) {
      throw new Error(`IntrinsicResolver: resource '${logicalId}' has no property '${property}'; it has: ${Object.keys(props).join(', ')}`);
    }
    return this.resolve(props[property], `Resources.${logicalId}.Properties.${property}`);
  }

  /**
   * The stand-in OOS secret parameter store: every `ALIYUN::OOS::SecretParameter` of the template by its
   * resolved name with its resolved value, then the `secretParameters` given.
   */
  public secretParameterStore(): Record<string, string> {
    const store: Record<string, string> = {};
    for (const [id, res] of Object.entries(this.template.Resources ?? {})) {
      if (res?.Type !== SECRET_PARAMETER_TYPE) continue;
      const name = this.resolveString(this.resolveResourceProperty(id, 'SecretParameterName'), `Resources.${id}.Properties.SecretParameterName`);
      store[name] = this.resolveString(this.resolveResourceProperty(id, 'Value'), `Resources.${id}.Properties.Value`);
    }
    return { ...store, ...this.givenSecretParameters };
  }

  private applyFunction(name: string, arg: unknown, path: string): unknown {
    switch (name) {
      case 'Ref':
        if (typeof arg !== 'string') {
          throw new Error(`IntrinsicResolver: ${path} expects a name, got ${JSON.stringify(arg)}`);
        }
        return this.ref(arg, path);
      case 'Fn::GetAtt': {
        if (!Array.isArray(arg) || arg.length !== 2) {
          throw new Error(`IntrinsicResolver: ${path} expects [LogicalId, Attribute], got ${JSON.stringify(arg)}`);
        }
        const [res, att] = arg.map((a, i) => this.resolveString(a, `${path}[${i}]`));
        return this.getAtt(res, att, path);
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) {
          throw new Error(`IntrinsicResolver: ${path} expects [delimiter, [values]], got ${JSON.stringify(arg)}`);
        }
        const delimiter = this.resolveString(arg[0], `${path}[0]`);
        const list = this.resolve(arg[1], `${path}[1]`);
        if (!Array.isArray(list)) {
          throw new Error(`IntrinsicResolver: ${path}[1] must resolve to a list, got ${JSON.stringify(list)}`);
        }
        return list.map((v, i) => this.scalar(v, `${path}[1][${i}]`)).join(delimiter);
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) {
          throw new Error(`IntrinsicResolver: ${path} expects [index, list], got ${JSON.stringify(arg)}`);
        }
        const index = Number(this.resolve(arg[0], `${path}[0]`));
        const list = this.resolve(arg[1], `${path}[1]`);
        if (!Array.isArray(list)) {
          throw new Error(`IntrinsicResolver: ${path}[1] must resolve to a list, got ${JSON.stringify(list)}`);
        }
        if (!Number.isInteger(index) || index < 0 || index >= list.length) {
          throw new Error(`IntrinsicResolver: ${path} index ${JSON.stringify(arg[0])} out of range 0..${list.length - 1}`);
        }
        return list[index];
      }
      case 'Fn::Base64Encode':
        return rosBase64Encode(this.resolveString(arg, path));
      case 'Fn::Sub':
        return this.sub(arg, path);
      case 'Fn::FindInMap': {
        if (!Array.isArray(arg) || arg.length !== 3) {
          throw new Error(`IntrinsicResolver: ${path} expects [MapName, TopLevelKey, SecondLevelKey], got ${JSON.stringify(arg)}`);
        }
        const [map, top, second] = arg.map((a, i) => this.resolveString(a, `${path}[${i}]`));
        const mapping = (this.template as any).Mappings?.[map];
        if (mapping === undefined) throw new Error(`IntrinsicResolver: ${path}: no mapping '${map}' in the template`);
        if (!has(mapping, top)) throw new Error(`IntrinsicResolver: ${path}: mapping '${map}' has no key '${top}'; it has: ${Object.keys(mapping).join(', ')}`);
        if (!has(mapping[top], second)) throw new Error(`IntrinsicResolver: ${path}: mapping '${map}'.'${top}' has no key '${second}'`);
        return mapping[top][second];
      }
      case 'Fn::If': {
        if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') {
          throw new Error(`IntrinsicResolver: ${path} expects [ConditionName, ValueIfTrue, ValueIfFalse], got ${JSON.stringify(arg)}`);
        }
        return this.condition(arg[0], path) ? this.resolve(arg[1], `${path}[1]`) : this.resolve(arg[2], `${path}[2]`);
      }
      case 'Fn::Equals': {
        if (!Array.isArray(arg) || arg.length !== 2) {
          throw new Error(`IntrinsicResolver: ${path} expects [a, b], got ${JSON.stringify(arg)}`);
        }
        return JSON.stringify(this.resolve(arg[0], `${path}[0]`)) === JSON.stringify(this.resolve(arg[1], `${path}[1]`));
      }
      case 'Fn::Not': {
        const inner = Array.isArray(arg) && arg.length === 1 ? arg[0] : arg;
        const v = this.resolve(inner, `${path}[0]`);
        if (typeof v !== 'boolean') throw new Error(`IntrinsicResolver: ${path} expects a condition, got ${JSON.stringify(v)}`);
        return !v;
      }
      case 'Fn::Jq':
        return this.jq(arg, path);
      default:
        throw new Error(`IntrinsicResolver: ${path}: unsupported function '${name}'; supported: ${FUNCTIONS.join(', ')}`);
    }
  }

  /** The value of a template condition (Conditions section), by name. */
  private condition(name: string, path: string): boolean {
    const conditions = (this.template as any).Conditions ?? {};
    if (!has(conditions, name)) throw new Error(`IntrinsicResolver: ${path}: no condition '${name}' in the template`);
    const v = this.resolve(conditions[name], `Conditions.${name}`);
    if (typeof v !== 'boolean') throw new Error(`IntrinsicResolver: Conditions.${name} resolved to ${JSON.stringify(v)}, expected a condition`);
    return v;
  }

  /**
   * ROS's Fn::Jq `[method, script, input]` (https://help.aliyun.com/en/ros/user-guide/function-jq): `First`
   * gives the first result, `All` the list. Only the filters this library writes are known here: `.`,
   * `.key`, `.[N]`, `.[]` and pipes; any other is an error.
   */
  private jq(arg: unknown, path: string): unknown {
    if (!Array.isArray(arg) || arg.length !== 3) {
      throw new Error(`IntrinsicResolver: ${path} expects [method, script, input], got ${JSON.stringify(arg)}`);
    }
    const method = this.resolveString(arg[0], `${path}[0]`);
    const script = this.resolveString(arg[1], `${path}[1]`);
    let input = this.resolve(arg[2], `${path}[2]`);
    if (typeof input === 'string') {
      try {
        input = JSON.parse(input);
      } catch {
        throw new Error(`IntrinsicResolver: ${path}[2] is not JSON: ${JSON.stringify(input).slice(0, 80)}`);
      }
    }
    let results: unknown[] = [input];
    for (const raw of script.split('|').map((x) => x.trim())) {
      const steps = raw === '.' ? [] : raw.match(/\.[A-Za-z_][A-Za-z0-9_]*|\.?\[\d*\]/g);
      if (steps === null || (raw !== '.' && steps.join('') !== raw)) {
        throw new Error(`IntrinsicResolver: ${path}: the jq filter '${raw}' is not one the resolver knows ('.', '.key', '.[N]', '.[]' and pipes)`);
      }
      for (const step of steps) {
        results = results.flatMap((r) => {
          const index = /\[(\d*)\]$/.exec(step);
          if (index && index[1] === '') {
            if (r === null || typeof r !== 'object') throw new Error(`IntrinsicResolver: ${path}: '.[]' of ${JSON.stringify(r)}`);
            return Object.values(r as object);
          }
          if (index) return [Array.isArray(r) ? r[Number(index[1])] ?? null : null];
          return [r !== null && typeof r === 'object' && !Array.isArray(r) ? (r as Record<string, unknown>)[step.slice(1)] ?? null : null];
        });
      }
    }
    if (method === 'First') return results[0] ?? null;
    if (method === 'All') return results;
    throw new Error(`IntrinsicResolver: ${path}[0]: method '${method}' is not First or All`);
  }

  private scalar(v: unknown, path: string): string {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      return String(v);
    }
    throw new Error(`IntrinsicResolver: ${path} resolved to ${JSON.stringify(v)}, expected a scalar`);
  }

  private ref(name: string, path: string): string {
    if (has(this.pseudo, name)) {
      return this.pseudo[name];
    }
    const params = this.template.Parameters ?? {};
    if (has(params, name)) {
      const v = this.parameterValues[name];
      if (v === undefined) {
        throw new Error(`IntrinsicResolver: ${path}: parameter '${name}' has no Default and no value was given`);
      }
      return v;
    }
    if (this.template.Resources !== undefined && has(this.template.Resources, name)) {
      const id = this.resourceIds[name];
      if (id === undefined) {
        throw new Error(`IntrinsicResolver: ${path}: Ref to resource '${name}' needs a stand-in in resourceIds`);
      }
      return id;
    }
    throw new Error(`IntrinsicResolver: ${path}: unknown reference '${name}' (not a parameter, pseudo parameter or resource)`);
  }

  private getAtt(resource: string, attribute: string, path: string): unknown {
    if (this.template.Resources === undefined || !has(this.template.Resources, resource)) {
      throw new Error(`IntrinsicResolver: ${path}: Fn::GetAtt on unknown resource '${resource}'`);
    }
    const key = `${resource}.${attribute}`;
    if (!has(this.attributes, key) && attribute === 'SecretParameterName' && this.template.Resources[resource]?.Type === SECRET_PARAMETER_TYPE) {
      // What ROS gives: the name the resource was created with (stand-in: its resolved property).
      return this.resolveResourceProperty(resource, 'SecretParameterName');
    }
    if (!has(this.attributes, key)) {
      throw new Error(`IntrinsicResolver: ${path}: no stand-in value for attribute '${key}'; give it in attributes`);
    }
    return this.attributes[key];
  }

  private sub(arg: unknown, path: string): string {
    const parsed = subArguments(arg);
    if (!parsed) {
      throw new Error(`IntrinsicResolver: ${path} expects a string or [string, {map}], got ${JSON.stringify(arg)}`);
    }
    const { body, map } = parsed;
    if (typeof body !== 'string') {
      throw new Error(`IntrinsicResolver: ${path}: the Fn::Sub body must be a literal string, got ${JSON.stringify(body)}`);
    }
    const unterminated = unterminatedSubOffset(body);
    if (unterminated >= 0) {
      throw new Error(`IntrinsicResolver: ${path}: unterminated '\${' at offset ${unterminated}: ${JSON.stringify(body.slice(unterminated, unterminated + 40))}`);
    }
    const resolvedMap: Record<string, string> = {};
    for (const [k, v] of Object.entries(map)) {
      resolvedMap[k] = this.scalar(this.resolve(v, `${path}[1].${k}`), `${path}[1].${k}`);
    }
    let out = '';
    for (const part of parseSubBody(body)) {
      if (part.kind === 'text') {
        out += part.text;
        continue;
      }
      const where = `${path}: ${part.raw}`;
      const attr = splitAttributeName(part.name);
      if (has(resolvedMap, part.name)) {
        out += resolvedMap[part.name];
      } else if (!part.wellFormed) {
        throw new Error(`IntrinsicResolver: ${path}: '${part.raw}' is not a variable name; write '\${!${part.name}}' for a literal`);
      } else if (attr) {
        out += this.scalar(this.getAtt(attr.resource, attr.attribute, where), path);
      } else {
        out += this.ref(part.name, where);
      }
    }
    return out;
  }
}

/** Inputs of {@link renderRunCommandScript}. */
export interface RenderRunCommandScriptProps extends IntrinsicResolverProps {
  /**
   * Logical ID of the ALIYUN::ECS::RunCommand resource.
   * @default the template's only ALIYUN::ECS::RunCommand resource
   */
  readonly logicalId?: string;
}

/**
 * The exact text of a RunCommand resource's `CommandContent` as the instance runs it: after ROS's
 * substitution and, when the RunCommand has `EnableParameter: true`, after Cloud Assistant's: each
 * `{{oos-secret:NAME}}` from the stand-in OOS store (`secretParameters` and the template's
 * `ALIYUN::OOS::SecretParameter` resources) and each `{{name}}` from the RunCommand's `Parameters`;
 * any other `{{...}}` is an error (lib/ros/cloud-assistant-parameters.ts).
 */
export function renderRunCommandScript(props: RenderRunCommandScriptProps): string {
  const logicalId = props.logicalId ?? onlyRunCommand(props.template);
  const resolver = new IntrinsicResolver(props);
  const resource = props.template.Resources?.[logicalId];
  const type = resource?.Type;
  if (type !== undefined && type !== 'ALIYUN::ECS::RunCommand') {
    throw new Error(`renderRunCommandScript: resource '${logicalId}' is ${type}, expected ALIYUN::ECS::RunCommand`);
  }
  const path = `Resources.${logicalId}.Properties`;
  const content = resolver.resolveString(resolver.resolveResourceProperty(logicalId, 'CommandContent'), `${path}.CommandContent`);
  const enable = resource?.Properties?.EnableParameter === undefined ? false : resolver.resolve(resource.Properties.EnableParameter, `${path}.EnableParameter`);
  if (enable !== true && enable !== 'true') {
    return content;
  }
  const parameters: Record<string, string> = {};
  const given = resource?.Properties?.Parameters === undefined ? {} : resolver.resolve(resource.Properties.Parameters, `${path}.Parameters`);
  for (const [k, v] of Object.entries(given as Record<string, unknown>)) {
    parameters[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return substituteCloudAssistantParameters(`renderRunCommandScript: ${path}.CommandContent (EnableParameter: true)`, content, {
    secretParameters: resolver.secretParameterStore(),
    parameters,
  });
}

function onlyRunCommand(template: TemplateDocument): string {
  const ids = Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === 'ALIYUN::ECS::RunCommand').map(([id]) => id);
  if (ids.length !== 1) {
    throw new Error(`renderRunCommandScript: logicalId not given and the template has ${ids.length} ALIYUN::ECS::RunCommand resources (${ids.join(', ')}); give logicalId`);
  }
  return ids[0];
}
