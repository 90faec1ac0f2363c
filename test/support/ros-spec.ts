/**
 * A checker of a ROS template object against the ROS resource specification shipped in
 * `@alicloud/ros-cdk-spec` (1.0.13, `spec/specification.json`).
 *
 * It checks what a deploy would reject before any API call:
 * - every resource `Type` exists in the specification;
 * - every required property is present, and every property given is one the type has
 *   (also inside literal sub-property objects, e.g. `SecurityGroupIngress` items);
 * - every `Ref` names a parameter, a resource or a pseudo parameter;
 * - every `Fn::GetAtt` names an existing resource and an attribute of its type;
 * - every `${X}` in an `Fn::Sub` body (not `${!X}`) names a key of its variable map, a
 *   parameter, a pseudo parameter, a resource, or `Resource.Attribute`;
 * - every `DependsOn` names a resource, every `Condition` (and `Fn::If`'s first argument) names a
 *   declared condition.
 *
 * The specification is older than the ROS service and than `@alicloud/ros-cdk-ecs` 1.11.0, so
 * whatever we deliberately use that it lacks goes into {@link SPEC_ALLOW_LIST} with a reason and a
 * citation; `test/spec/ros-spec-allow-list.test.ts` fails once the specification catches up, so
 * the entry gets removed.
 *
 * Findings are returned as data: `{ path, message }[]`, an empty list means the template passes.
 */
import * as fs from 'fs';
import { PSEUDO_PARAMETERS as ROS_PSEUDO_PARAMETERS } from '../../lib/ros/pseudo-parameters';
import { splitAttributeName, subVariables } from '../../lib/ros/sub';

/** One problem found in a template. */
export interface SpecFinding {
  /** Where in the template, e.g. `Resources.EcsInstanceGroup.Properties.InstanceType`. */
  readonly path: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** The parts of a property description of `specification.json` this checker reads. */
export interface SpecProperty {
  /** Whether the property must be given. */
  readonly Required?: boolean;
  /** `List`, `Map` or the name of a property type of the same resource type. */
  readonly Type?: string;
  /** For `List` / `Map`: the property type of the items, if they are objects. */
  readonly ItemType?: string;
  /** For scalar properties: `String`, `Integer`, `Boolean`, `Json`, ... */
  readonly PrimitiveType?: string;
}

/** The parts of a resource type description of `specification.json` this checker reads. */
export interface SpecResourceType {
  /** Properties by name. */
  readonly Properties?: Readonly<Record<string, SpecProperty>>;
  /** Attributes (what `Fn::GetAtt` may read) by name. */
  readonly Attributes?: Readonly<Record<string, unknown>>;
}

/** The ROS resource specification (the subset this checker reads). */
export interface RosSpecification {
  /** Resource types by name, e.g. `ALIYUN::ECS::InstanceGroup`. */
  readonly ResourceTypes: Readonly<Record<string, SpecResourceType>>;
  /** Property types by `<ResourceType>.<PropertyTypeName>`. */
  readonly PropertyTypes: Readonly<Record<string, { readonly Properties?: Readonly<Record<string, SpecProperty>> }>>;
}

/**
 * Something ROS accepts that the specification does not list: a whole resource type, a property
 * or an attribute of a type.
 */
export interface SpecAllowance {
  /** What is missing from the specification. */
  readonly kind: 'resourceType' | 'property' | 'attribute';
  /** The resource type, e.g. `ALIYUN::ECS::RunCommand`. */
  readonly resourceType: string;
  /** The property or attribute name; absent for `kind: 'resourceType'`. */
  readonly name?: string;
  /** Why the entry is needed (what uses it). */
  readonly reason: string;
  /** The ROS resource reference page that documents it. */
  readonly citation: string;
  /**
   * For `kind: 'resourceType'`: the properties the reference page documents (required ones marked), so
   * a misspelt property of a type the specification lacks is still found.
   * @default - the properties are not checked
   */
  readonly documentedProperties?: Readonly<Record<string, { readonly required: boolean }>>;
  /**
   * For `kind: 'resourceType'`: the attributes the reference page documents.
   * @default - only those of `kind: 'attribute'` entries
   */
  readonly documentedAttributes?: readonly string[];
}

/** ROS pseudo parameter names (lib/ros/pseudo-parameters.ts), valid wherever a parameter name is. */
export const PSEUDO_PARAMETERS: readonly string[] = ROS_PSEUDO_PARAMETERS.map((p) => p.name);

/**
 * What ROS accepts (and `@alicloud/ros-cdk-ecs` 1.11.0 renders) that `@alicloud/ros-cdk-spec`
 * 1.0.13 lacks, each with the reason and the ROS resource reference that documents it. Keep it
 * minimal: an entry is only here if the specification really lacks it (enforced by
 * `test/spec/ros-spec-allow-list.test.ts`) and the ROS reference documents it. The QwenChatStack
 * templates currently need none of the entries (pinned by `test/spec/qwen-chat-stack-spec.test.ts`).
 *
 * Note: the attributes `ALIYUN::ECS::InstanceGroup.{PublicIps,PrivateIps,InstanceIds}`,
 * `ALIYUN::ROS::WaitConditionHandle.CurlCli` and the type `ALIYUN::ECS::RunCommand` ARE in the
 * 1.0.13 specification, so they need no entry.
 */
export const SPEC_ALLOW_LIST: readonly SpecAllowance[] = [
  {
    kind: 'property',
    resourceType: 'ALIYUN::ECS::RunCommand',
    name: 'Tags',
    reason: 'RunCommand accepts Tags (ros-cdk-ecs 1.11.0 RosRunCommand renders it) but the 1.0.13 spec lists no Tags property.',
    citation: 'ROS resource reference ALIYUN::ECS::RunCommand, https://www.alibabacloud.com/help/doc-detail/173041.htm (Syntax lists "Tags": List, "RunAgainOn": List)',
  },
  {
    kind: 'property',
    resourceType: 'ALIYUN::ECS::InstanceGroup',
    name: 'SubscriptionDeletionForce',
    reason: 'Lets a PrePaid (subscription) instance group be released on stack deletion; rendered by ros-cdk-ecs 1.11.0 RosInstanceGroup, missing in the 1.0.13 spec.',
    citation: 'ROS resource reference ALIYUN::ECS::InstanceGroup, https://help.aliyun.com/document_detail/48278.html (Syntax lists "SubscriptionDeletionForce": Boolean)',
  },
  {
    kind: 'resourceType',
    resourceType: 'ALIYUN::OOS::SecretParameter',
    reason: 'OosSecretParameter (lib/secrets) keeps the Password out of the RunCommand content; the 1.0.13 spec has only ALIYUN::OOS::Parameter, Template and Execution.',
    citation: 'ROS resource reference ALIYUN::OOS::SecretParameter, https://help.aliyun.com/zh/ros/developer-reference/aliyun-oos-secretparameter (properties SecretParameterName and Value required; KeyId, Description, Constraints, ResourceGroupId, Tags; attributes below)',
    documentedProperties: {
      SecretParameterName: { required: true },
      Value: { required: true },
      KeyId: { required: false },
      Description: { required: false },
      Constraints: { required: false },
      ResourceGroupId: { required: false },
      Tags: { required: false },
    },
    documentedAttributes: [
      'SecretParameterName', 'SecretParameterId', 'Description', 'CreatedBy', 'CreateTime', 'UpdatedBy', 'UpdatedDate',
      'ResourceGroupId', 'KeyId', 'Type', 'Constraints', 'ParameterVersion', 'Tags', 'ShareType',
    ],
  },
  {
    kind: 'resourceType',
    resourceType: 'ALIYUN::RandomString',
    reason: 'QwenApiStack generates the API key with it (Length 48, Sequence lettersdigits, Fn::GetAtt Value) when the deployer gives none; the 1.0.13 spec has no entry for the type.',
    citation: 'ROS resource reference ALIYUN::RandomString, https://www.alibabacloud.com/help/en/ros/developer-reference/aliyun-randomstring (ROS resource after OpenStack Heat OS::Heat::RandomString: length, sequence, attribute value); used as "Type": "ALIYUN::RandomString" with sequence/length in the ROS Go SDK client tests. Properties and attribute not verified against a deploy here.',
    documentedProperties: {
      Length: { required: false },
      Sequence: { required: false },
    },
    documentedAttributes: ['Value'],
  },
];

let cachedSpec: RosSpecification | undefined;

/** Reads (once) `@alicloud/ros-cdk-spec/spec/specification.json`. */
export function loadRosSpecification(): RosSpecification {
  if (!cachedSpec) {
    const file = require.resolve('@alicloud/ros-cdk-spec/spec/specification.json');
    cachedSpec = JSON.parse(fs.readFileSync(file, 'utf8')) as RosSpecification;
  }
  return cachedSpec;
}

/** Options of {@link checkTemplateAgainstSpec}. */
export interface CheckTemplateOptions {
  /**
   * The specification to check against.
   * @default loadRosSpecification()
   */
  readonly spec?: RosSpecification;
  /**
   * What ROS accepts beyond the specification.
   * @default SPEC_ALLOW_LIST
   */
  readonly allowList?: readonly SpecAllowance[];
}

/**
 * Returns the allow-list entries that the specification does not (or no longer) lack, so they can
 * be removed; an empty list means every entry is still needed.
 */
export function staleAllowances(
  spec: RosSpecification = loadRosSpecification(),
  allowList: readonly SpecAllowance[] = SPEC_ALLOW_LIST,
): SpecAllowance[] {
  return allowList.filter((a) => {
    const type = has(spec.ResourceTypes, a.resourceType) ? spec.ResourceTypes[a.resourceType] : undefined;
    switch (a.kind) {
      case 'resourceType':
        return type !== undefined;
      case 'property':
        // An entry for a property of a type the spec lacks belongs under kind 'resourceType'.
        return type === undefined || a.name === undefined || has(type.Properties ?? {}, a.name);
      case 'attribute':
        return type !== undefined && a.name !== undefined && has(type.Attributes ?? {}, a.name);
    }
  });
}

/** Own-key membership (`in` would also see `toString` & co. on the prototype). */
function has(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An intrinsic function / Ref object: exactly one key, `Ref` or `Fn::...`. */
function isIntrinsic(v: unknown): boolean {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z0-9_]+$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function listOrNone(names: Iterable<string>): string {
  const sorted = [...names].sort();
  return sorted.length ? sorted.join(', ') : '(none)';
}

/**
 * Checks a ROS template object (as parsed from JSON or YAML) against the ROS resource
 * specification and returns every finding; `[]` means it passes.
 */
export function checkTemplateAgainstSpec(template: unknown, options: CheckTemplateOptions = {}): SpecFinding[] {
  const spec = options.spec ?? loadRosSpecification();
  const allowList = options.allowList ?? SPEC_ALLOW_LIST;
  const findings: SpecFinding[] = [];
  const add = (path: string, message: string): void => {
    findings.push({ path, message });
  };

  if (!isObject(template)) {
    add('', `template must be an object, got ${JSON.stringify(template)}`);
    return findings;
  }
  const parameters = isObject(template.Parameters) ? template.Parameters : {};
  const resources = isObject(template.Resources) ? template.Resources : {};
  const conditions = isObject(template.Conditions) ? template.Conditions : {};
  if (!isObject(template.Resources)) add('Resources', 'template has no Resources object');

  const allowedTypes = new Set(allowList.filter((a) => a.kind === 'resourceType').map((a) => a.resourceType));
  const allowedType = (type: string): SpecAllowance | undefined => allowList.find((a) => a.kind === 'resourceType' && a.resourceType === type);
  const allowed = (kind: 'property' | 'attribute', type: string): Set<string> =>
    new Set(allowList.filter((a) => a.kind === kind && a.resourceType === type && a.name).map((a) => a.name as string));

  /** Resource logical id -> type, for resources whose Type is a string. */
  const typeOf = new Map<string, string>();
  for (const [id, res] of Object.entries(resources)) {
    if (isObject(res) && typeof res.Type === 'string') typeOf.set(id, res.Type);
  }

  /** Attribute names of a resource, or undefined if its type is unknown (already reported). */
  const attributesOf = (logicalId: string): Set<string> | undefined => {
    const type = typeOf.get(logicalId);
    if (type === undefined) return undefined;
    const specType = has(spec.ResourceTypes, type) ? spec.ResourceTypes[type] : undefined;
    if (!specType && !allowedTypes.has(type)) return undefined;
    const documented = allowedType(type)?.documentedAttributes ?? [];
    return new Set([...Object.keys(specType?.Attributes ?? {}), ...allowed('attribute', type), ...documented]);
  };

  const checkRefName = (path: string, name: unknown, what: string): void => {
    if (typeof name !== 'string') {
      add(path, `${what} must name a parameter, resource or pseudo parameter, got ${JSON.stringify(name)}`);
      return;
    }
    if (has(parameters, name) || has(resources, name) || PSEUDO_PARAMETERS.includes(name)) return;
    add(
      path,
      `${what} '${name}' names no parameter, resource or pseudo parameter. ` +
        `Parameters: ${listOrNone(Object.keys(parameters))}; resources: ${listOrNone(Object.keys(resources))}; ` +
        `pseudo parameters: ${PSEUDO_PARAMETERS.join(', ')}`,
    );
  };

  const checkAttribute = (path: string, logicalId: string, attribute: string, what: string): void => {
    if (!has(resources, logicalId)) {
      add(path, `${what} names resource '${logicalId}', which does not exist. Resources: ${listOrNone(Object.keys(resources))}`);
      return;
    }
    const attrs = attributesOf(logicalId);
    if (attrs && !attrs.has(attribute)) {
      add(
        path,
        `${what} reads attribute '${attribute}' of '${logicalId}' (${typeOf.get(logicalId)}), which that type does not have. ` +
          `Attributes: ${listOrNone(attrs)}`,
      );
    }
  };

  const checkGetAtt = (path: string, arg: unknown): void => {
    let logicalId: unknown;
    let attribute: unknown;
    if (Array.isArray(arg) && arg.length === 2) {
      [logicalId, attribute] = arg;
    } else if (typeof arg === 'string' && arg.includes('.')) {
      const dot = arg.indexOf('.');
      logicalId = arg.slice(0, dot);
      attribute = arg.slice(dot + 1);
    } else {
      add(path, `Fn::GetAtt takes [LogicalId, Attribute], got ${JSON.stringify(arg)}`);
      return;
    }
    if (typeof logicalId !== 'string' || typeof attribute !== 'string') {
      // A computed attribute name (e.g. via Ref) cannot be checked statically; only the id must be literal.
      if (typeof logicalId !== 'string') add(path, `Fn::GetAtt logical id must be a string, got ${JSON.stringify(logicalId)}`);
      else if (!has(resources, logicalId)) add(path, `Fn::GetAtt names resource '${logicalId}', which does not exist`);
      return;
    }
    checkAttribute(path, logicalId, attribute, 'Fn::GetAtt');
  };

  const checkSub = (path: string, arg: unknown): void => {
    let body: unknown;
    let vars: Record<string, unknown> = {};
    if (typeof arg === 'string') {
      body = arg;
    } else if (Array.isArray(arg) && (arg.length === 1 || arg.length === 2)) {
      body = arg[0];
      if (arg.length === 2) {
        if (!isObject(arg[1])) {
          add(childPath(path, 1), `Fn::Sub variable map must be an object, got ${JSON.stringify(arg[1])}`);
        } else {
          vars = arg[1];
        }
      }
    } else {
      add(path, `Fn::Sub takes a string or [String, {Var: Value}], got ${JSON.stringify(arg)}`);
      return;
    }
    if (typeof body !== 'string') {
      add(childPath(path, 0), `Fn::Sub body must be a literal string (never a token or function), got ${JSON.stringify(body)}`);
      return;
    }
    const bodyPath = typeof arg === 'string' ? path : childPath(path, 0);
    const seen = new Set<string>();
    for (const { name } of subVariables(body)) {
      if (seen.has(name)) continue;
      seen.add(name);
      if (has(vars, name) || has(parameters, name) || has(resources, name) || PSEUDO_PARAMETERS.includes(name)) continue;
      const attr = splitAttributeName(name);
      if (attr && has(resources, attr.resource)) {
        checkAttribute(bodyPath, attr.resource, attr.attribute, `Fn::Sub variable '\${${name}}'`);
        continue;
      }
      add(
        bodyPath,
        `Fn::Sub variable '\${${name}}' is not declared: it is no key of the variable map (${listOrNone(Object.keys(vars))}), ` +
          `no parameter, resource, Resource.Attribute or pseudo parameter. Write '\${!${name}}' if it is meant for the shell`,
      );
    }
    for (const [k, v] of Object.entries(vars)) walk(childPath(childPath(path, 1), k), v);
  };

  /** Walks any value, checking every intrinsic function in it. */
  const walk = (path: string, value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(childPath(path, i), v));
      return;
    }
    if (!isObject(value)) return;
    if (isIntrinsic(value)) {
      const [fn] = Object.keys(value);
      const arg = value[fn];
      const fnPath = childPath(path, fn);
      switch (fn) {
        case 'Ref':
          checkRefName(fnPath, arg, 'Ref');
          return;
        case 'Fn::GetAtt':
          checkGetAtt(fnPath, arg);
          walk(fnPath, arg);
          return;
        case 'Fn::Sub':
          checkSub(fnPath, arg);
          return;
        case 'Fn::If':
          // [ConditionName, ValueIfTrue, ValueIfFalse] (https://www.alibabacloud.com/help/en/ros/user-guide/function-if).
          if (!Array.isArray(arg) || arg.length !== 3) {
            add(fnPath, `Fn::If takes [ConditionName, ValueIfTrue, ValueIfFalse], got ${JSON.stringify(arg)}`);
          } else if (typeof arg[0] !== 'string' || !has(conditions, arg[0])) {
            add(childPath(fnPath, 0), `Fn::If condition '${String(arg[0])}' is not declared. Conditions: ${listOrNone(Object.keys(conditions))}`);
          }
          walk(fnPath, arg);
          return;
        default:
          walk(fnPath, arg);
          return;
      }
    }
    for (const [k, v] of Object.entries(value)) walk(childPath(path, k), v);
  };

  /** Checks a literal property object against a set of property descriptions. */
  const checkProperties = (
    path: string,
    resourceType: string,
    given: Record<string, unknown>,
    known: Readonly<Record<string, SpecProperty>>,
    extra: Set<string>,
    owner: string,
  ): void => {
    for (const [name, prop] of Object.entries(known)) {
      if (prop.Required && !has(given, name)) {
        add(path, `${owner} requires property '${name}', which is missing`);
      }
    }
    for (const [name, value] of Object.entries(given)) {
      const prop = has(known, name) ? known[name] : undefined;
      if (!prop) {
        if (!extra.has(name)) {
          add(childPath(path, name), `${owner} has no property '${name}'. Properties: ${listOrNone(Object.keys(known))}`);
        }
        continue;
      }
      checkNested(childPath(path, name), resourceType, prop, value);
    }
  };

  /** Checks literal sub-property objects (list items, map values, records) of a property. */
  const checkNested = (path: string, resourceType: string, prop: SpecProperty, value: unknown): void => {
    if (isIntrinsic(value)) return;
    const checkRecord = (p: string, typeName: string, v: unknown): void => {
      const key = `${resourceType}.${typeName}`;
      const propertyType = has(spec.PropertyTypes, key) ? spec.PropertyTypes[key] : undefined;
      if (!propertyType?.Properties || !isObject(v) || isIntrinsic(v)) return;
      checkProperties(p, resourceType, v, propertyType.Properties, new Set(), `${resourceType}.${typeName}`);
    };
    if (prop.Type === 'List' && prop.ItemType) {
      if (Array.isArray(value)) value.forEach((v, i) => checkRecord(childPath(path, i), prop.ItemType as string, v));
    } else if (prop.Type === 'Map' && prop.ItemType) {
      if (isObject(value)) for (const [k, v] of Object.entries(value)) checkRecord(childPath(path, k), prop.ItemType, v);
    } else if (prop.Type && prop.Type !== 'List' && prop.Type !== 'Map') {
      checkRecord(path, prop.Type, value);
    }
  };

  for (const [id, res] of Object.entries(resources)) {
    const path = childPath('Resources', id);
    if (!isObject(res)) {
      add(path, `resource must be an object, got ${JSON.stringify(res)}`);
      continue;
    }
    const type = res.Type;
    if (typeof type !== 'string') {
      add(childPath(path, 'Type'), `resource has no Type string, got ${JSON.stringify(type)}`);
    } else {
      const specType = has(spec.ResourceTypes, type) ? spec.ResourceTypes[type] : undefined;
      if (!specType && !allowedTypes.has(type)) {
        const namespace = type.split('::').slice(0, 2).join('::');
        const near = Object.keys(spec.ResourceTypes).filter((t) => t.startsWith(`${namespace}::`));
        add(
          childPath(path, 'Type'),
          `resource type '${type}' is not in the ROS specification (nor in SPEC_ALLOW_LIST). ` +
            `Types in ${namespace}: ${near.length ? listOrNone(near) : '(no such namespace)'}`,
        );
      } else {
        const documented = allowedType(type)?.documentedProperties;
        const known: Record<string, SpecProperty> | undefined = specType?.Properties
          ?? (documented && Object.fromEntries(Object.entries(documented).map(([n, p]) => [n, { Required: p.required }])));
        const props = res.Properties === undefined ? {} : res.Properties;
        if (!isObject(props)) {
          add(childPath(path, 'Properties'), `Properties must be an object, got ${JSON.stringify(props)}`);
        } else {
          if (specType || known) checkProperties(childPath(path, 'Properties'), type, props, known ?? {}, allowed('property', type), type);
        }
      }
    }
    const dependsOn = res.DependsOn;
    if (dependsOn !== undefined) {
      const deps = Array.isArray(dependsOn) ? dependsOn : [dependsOn];
      deps.forEach((d, i) => {
        if (typeof d !== 'string' || !has(resources, d)) {
          add(
            Array.isArray(dependsOn) ? childPath(childPath(path, 'DependsOn'), i) : childPath(path, 'DependsOn'),
            `DependsOn '${String(d)}' names no resource. Resources: ${listOrNone(Object.keys(resources))}`,
          );
        }
      });
    }
    if (res.Condition !== undefined && (typeof res.Condition !== 'string' || !has(conditions, res.Condition))) {
      add(childPath(path, 'Condition'), `Condition '${String(res.Condition)}' is not declared. Conditions: ${listOrNone(Object.keys(conditions))}`);
    }
    walk(childPath(path, 'Properties'), res.Properties);
  }

  walk('Conditions', template.Conditions);
  if (isObject(template.Outputs)) {
    for (const [name, out] of Object.entries(template.Outputs)) {
      const path = childPath('Outputs', name);
      walk(path, out);
      if (isObject(out) && out.Condition !== undefined && (typeof out.Condition !== 'string' || !has(conditions, out.Condition))) {
        add(childPath(path, 'Condition'), `Condition '${String(out.Condition)}' is not declared. Conditions: ${listOrNone(Object.keys(conditions))}`);
      }
    }
  }
  return findings;
}
