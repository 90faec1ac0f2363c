// ROS Conditions evaluated for a given set of parameter values: what a stack created with those values contains.
// Semantics follow the ROS "Conditions" and condition-function references:
// - a resource or output with `Condition: Name` exists only when the condition is true; `Fn::If: [Name, a, b]`
//   takes `a` or `b`, and `{Ref: ALIYUN::NoValue}` removes the property or list item it stands for
//   (https://www.alibabacloud.com/help/en/ros/user-guide/function-if);
// - Fn::Equals compares two values, Fn::Not / Fn::And / Fn::Or combine conditions, and a condition may name
//   another condition (https://www.alibabacloud.com/help/en/ros/user-guide/conditions).
// Parameter values are compared as text (a Boolean parameter's `true`, a Number parameter's `1`), the way a
// value typed into the console reaches ROS.
import { TemplateDocument, TemplateResource } from './template';

/** The pseudo parameter that removes a property (ROS `ALIYUN::NoValue`). */
export const NO_VALUE = 'ALIYUN::NoValue';

const REMOVED = Symbol('ALIYUN::NoValue');

function has(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The single key of an intrinsic function object (`Ref`, `Fn::If`, `Condition`), or undefined. */
function fnName(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  return keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::') ? keys[0] : undefined;
}

/**
 * Evaluates the template's Conditions for one set of parameter values (parameters not given take their
 * `Default`); `evaluate(name)` answers one condition, `apply()` gives the template as created.
 */
export class ConditionEvaluator {
  /** Parameter values as text: given values over the template's defaults. */
  public readonly parameterValues: Readonly<Record<string, string>>;
  private readonly cache = new Map<string, boolean>();

  /**
   * @param template the template
   * @param parameters values of (some) parameters; the rest take their Default
   */
  constructor(private readonly template: TemplateDocument, parameters: Readonly<Record<string, string | number | boolean>> = {}) {
    const declared = template.Parameters ?? {};
    const values: Record<string, string> = {};
    for (const [name, def] of Object.entries(declared)) {
      if (def.Default !== undefined) values[name] = String(def.Default);
    }
    for (const [name, value] of Object.entries(parameters)) {
      if (!has(declared, name)) {
        throw new Error(`ConditionEvaluator: parameter '${name}' is not declared in the template; declared: ${Object.keys(declared).join(', ') || '(none)'}`);
      }
      values[name] = String(value);
    }
    this.parameterValues = values;
  }

  /** Whether the named condition holds. */
  public evaluate(name: string): boolean {
    return this.evaluateNamed(name, []);
  }

  /**
   * The template as ROS creates it with these values: resources and outputs whose condition is false are
   * gone, every Fn::If is replaced by the branch taken, and `ALIYUN::NoValue` removes what it stands for.
   * Other intrinsic functions stay as they are; Conditions and Parameters are kept.
   */
  public apply(): TemplateDocument {
    const resources: Record<string, TemplateResource> = {};
    for (const [id, res] of Object.entries(this.template.Resources ?? {})) {
      if (typeof res.Condition === 'string' && !this.evaluate(res.Condition)) continue;
      const { Condition: _condition, ...rest } = res;
      resources[id] = this.strip(rest, `Resources.${id}`) as TemplateResource;
    }
    const out: Record<string, unknown> = { ...this.template, Resources: resources };
    if (this.template.Outputs !== undefined) {
      const outputs: Record<string, Record<string, unknown>> = {};
      for (const [name, output] of Object.entries(this.template.Outputs)) {
        if (typeof output.Condition === 'string' && !this.evaluate(output.Condition)) continue;
        const { Condition: _condition, ...rest } = output;
        outputs[name] = this.strip(rest, `Outputs.${name}`) as Record<string, unknown>;
      }
      out.Outputs = outputs;
    }
    return out as TemplateDocument;
  }

  /** Replaces Fn::If by its branch and drops ALIYUN::NoValue, recursively. */
  private strip(value: unknown, path: string): unknown {
    const v = this.choose(value, path);
    if (v === REMOVED) return REMOVED;
    if (Array.isArray(v)) {
      return v.map((item, i) => this.strip(item, `${path}[${i}]`)).filter((item) => item !== REMOVED);
    }
    if (!isObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) {
      const s = this.strip(item, `${path}.${k}`);
      if (s !== REMOVED) out[k] = s;
    }
    return out;
  }

  /** Follows Fn::If (nested ones too) to the value it stands for; ALIYUN::NoValue becomes REMOVED. */
  private choose(value: unknown, path: string): unknown {
    let v = value;
    for (;;) {
      const fn = fnName(v);
      if (fn === 'Ref' && (v as Record<string, unknown>).Ref === NO_VALUE) return REMOVED;
      if (fn !== 'Fn::If') return v;
      const arg = (v as Record<string, unknown>)['Fn::If'];
      if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') {
        throw new Error(`ConditionEvaluator: ${path}: Fn::If takes [ConditionName, ValueIfTrue, ValueIfFalse], got ${JSON.stringify(arg)}`);
      }
      v = this.evaluate(arg[0]) ? arg[1] : arg[2];
    }
  }

  private evaluateNamed(name: string, stack: readonly string[]): boolean {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    const conditions = this.template.Conditions ?? {};
    if (!has(conditions, name)) {
      throw new Error(`ConditionEvaluator: condition '${name}' is not declared; declared: ${Object.keys(conditions).join(', ') || '(none)'}`);
    }
    if (stack.includes(name)) {
      throw new Error(`ConditionEvaluator: condition '${name}' refers to itself through ${[...stack, name].join(' -> ')}`);
    }
    const result = this.condition(conditions[name], `Conditions.${name}`, [...stack, name]);
    this.cache.set(name, result);
    return result;
  }

  private condition(expr: unknown, path: string, stack: readonly string[]): boolean {
    const fn = fnName(expr);
    const arg = fn === undefined ? undefined : (expr as Record<string, unknown>)[fn];
    switch (fn) {
      case 'Fn::Equals': {
        if (!Array.isArray(arg) || arg.length !== 2) {
          throw new Error(`ConditionEvaluator: ${path}: Fn::Equals takes [a, b], got ${JSON.stringify(arg)}`);
        }
        return this.scalar(arg[0], `${path}[0]`) === this.scalar(arg[1], `${path}[1]`);
      }
      case 'Fn::Not': {
        const inner = Array.isArray(arg) && arg.length === 1 ? arg[0] : arg;
        return !this.condition(inner, `${path}.Fn::Not`, stack);
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg) || arg.length < 2) {
          throw new Error(`ConditionEvaluator: ${path}: ${fn} takes a list of at least two conditions, got ${JSON.stringify(arg)}`);
        }
        const results = arg.map((c, i) => this.condition(c, `${path}[${i}]`, stack));
        return fn === 'Fn::And' ? results.every(Boolean) : results.some(Boolean);
      }
      case 'Condition':
        if (typeof arg !== 'string') throw new Error(`ConditionEvaluator: ${path}: Condition takes a condition name, got ${JSON.stringify(arg)}`);
        return this.evaluateNamed(arg, stack);
      default:
        if (typeof expr === 'string') return this.evaluateNamed(expr, stack);
        if (typeof expr === 'boolean') return expr;
        throw new Error(`ConditionEvaluator: ${path}: not a condition (Fn::Equals, Fn::Not, Fn::And, Fn::Or or a condition name): ${JSON.stringify(expr)}`);
    }
  }

  /** A value inside Fn::Equals, as text: a literal or the Ref of a parameter. */
  private scalar(value: unknown, path: string): string {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (fnName(value) === 'Ref') {
      const name = (value as Record<string, unknown>).Ref;
      if (typeof name === 'string' && has(this.parameterValues, name)) return this.parameterValues[name];
      throw new Error(`ConditionEvaluator: ${path}: Ref '${String(name)}' is not a parameter with a value (give it in parameters)`);
    }
    throw new Error(`ConditionEvaluator: ${path}: only literals and parameter Refs can be compared here, got ${JSON.stringify(value)}`);
  }
}

/** The template as created with these parameter values (see {@link ConditionEvaluator.apply}). */
export function applyConditions(template: TemplateDocument, parameters: Readonly<Record<string, string | number | boolean>> = {}): TemplateDocument {
  return new ConditionEvaluator(template, parameters).apply();
}
