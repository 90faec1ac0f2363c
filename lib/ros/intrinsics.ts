// Helpers over ROS intrinsic functions (the rule pack, the Compute Nest validator). Intrinsic names and shapes follow
// the ROS "Functions" reference (Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Replace, Fn::Base64Encode, Fn::If,
// Fn::FindInMap).
import { splitAttributeName, subArguments, subVariables } from './sub';
import { TemplateDocument, TemplateParameter } from './template';

/** A reference found in an expression. */
export interface IntrinsicReference {
  readonly kind: 'Ref' | 'GetAtt' | 'Condition' | 'Mapping';
  readonly name: string;
  readonly attribute?: string;
}

/** The single intrinsic key of `value` (`Ref`, `Fn::Sub`, `Condition`...) or undefined. */
export function intrinsicName(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  return keys[0] === 'Ref' || keys[0].startsWith('Fn::') ? keys[0] : undefined;
}

/** Every Ref / GetAtt / condition / mapping reference inside `value`, including Fn::Sub's implicit ones. */
export function collectReferences(value: unknown, out: IntrinsicReference[] = []): IntrinsicReference[] {
  if (Array.isArray(value)) {
    for (const v of value) collectReferences(v, out);
    return out;
  }
  if (typeof value !== 'object' || value === null) return out;
  const fn = intrinsicName(value);
  const arg = fn ? (value as Record<string, unknown>)[fn] : undefined;
  if (fn === 'Ref' && typeof arg === 'string') {
    out.push({ kind: 'Ref', name: arg });
    return out;
  }
  if (fn === 'Fn::GetAtt') {
    if (typeof arg === 'string') {
      const dot = arg.indexOf('.');
      out.push({ kind: 'GetAtt', name: dot < 0 ? arg : arg.slice(0, dot), attribute: dot < 0 ? undefined : arg.slice(dot + 1) });
    } else if (Array.isArray(arg) && typeof arg[0] === 'string') {
      out.push({ kind: 'GetAtt', name: arg[0], attribute: typeof arg[1] === 'string' ? arg[1] : undefined });
      collectReferences(arg.slice(1), out);
    } else {
      collectReferences(arg, out);
    }
    return out;
  }
  if (fn === 'Fn::Sub') {
    const sub = subArguments(arg);
    if (!sub) return collectReferences(arg, out);
    if (typeof sub.body === 'string') {
      for (const v of subVariables(sub.body)) {
        if (Object.prototype.hasOwnProperty.call(sub.map, v.name)) continue;
        const attr = splitAttributeName(v.name);
        if (attr) out.push({ kind: 'GetAtt', name: attr.resource, attribute: attr.attribute });
        else out.push({ kind: 'Ref', name: v.name });
      }
    } else {
      collectReferences(sub.body, out);
    }
    collectReferences(Object.values(sub.map), out);
    return out;
  }
  if (fn === 'Fn::If' && Array.isArray(arg)) {
    if (typeof arg[0] === 'string') out.push({ kind: 'Condition', name: arg[0] });
    collectReferences(arg.slice(1), out);
    return out;
  }
  if (fn === 'Fn::FindInMap' && Array.isArray(arg)) {
    if (typeof arg[0] === 'string') out.push({ kind: 'Mapping', name: arg[0] });
    else collectReferences(arg[0], out);
    collectReferences(arg.slice(1), out);
    return out;
  }
  const obj = value as Record<string, unknown>;
  if (!fn && typeof obj.Condition === 'string' && Object.keys(obj).length === 1) {
    out.push({ kind: 'Condition', name: obj.Condition });
    return out;
  }
  collectReferences(Object.values(obj), out);
  return out;
}

/** Template parameter names `value` refers to (pseudo parameters excluded), deduplicated, in order. */
export function referencedParameters(template: TemplateDocument, value: unknown): string[] {
  const params = template.Parameters ?? {};
  const names = collectReferences(value)
    .filter((r) => r.kind === 'Ref' && Object.prototype.hasOwnProperty.call(params, r.name))
    .map((r) => r.name);
  return [...new Set(names)];
}

/** The parameter definition for `name` (empty object if missing). */
export function parameterDefinition(template: TemplateDocument, name: string): TemplateParameter {
  const params = template.Parameters ?? {};
  const def = Object.prototype.hasOwnProperty.call(params, name) ? params[name] : undefined;
  return typeof def === 'object' && def !== null ? def : {};
}

/** True if the parameter is declared `NoEcho: true` (boolean or string). */
export function isNoEcho(template: TemplateDocument, name: string): boolean {
  const v = parameterDefinition(template, name).NoEcho;
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/** Compact JSON of an expression for messages (at most `max` characters). */
export function describeExpression(value: unknown, max: number = 80): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
