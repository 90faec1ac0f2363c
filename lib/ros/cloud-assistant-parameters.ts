// Cloud Assistant command parameters: with EnableParameter=true, every `{{...}}` in a command's content is
// a parameter that Cloud Assistant replaces before the script runs:
// - `{{name}}`: a custom parameter from the command's Parameters (letters, digits, '-', '_', at most 64
//   bytes, case-insensitive); `{{acs::...}}`: a built-in environment parameter; spaces and line feeds
//   around the name are ignored
//   (https://www.alibabacloud.com/help/en/elastic-compute-service/latest/use-oos-parameter-store-in-cloud-assistant-commands);
// - `{{oos:NAME}}`: an OOS common parameter; `{{oos-secret:NAME}}`: an OOS encryption (secret) parameter,
//   decrypted (https://www.alibabacloud.com/help/doc-detail/213542.htm).
// With EnableParameter=false the content runs as written.

/** What kind of Cloud Assistant parameter a `{{...}}` is. */
export type CloudAssistantParameterKind = 'oos-secret' | 'oos' | 'built-in' | 'custom' | 'malformed';

/** One `{{...}}` in a command's content. */
export interface CloudAssistantParameter {
  /** The text as written, `{{oos-secret:x}}`. */
  readonly raw: string;
  /** Offset of `{{`. */
  readonly start: number;
  /** Offset after `}}` (or after `{{` for an unclosed one). */
  readonly end: number;
  readonly kind: CloudAssistantParameterKind;
  /** The name without its `oos:` / `oos-secret:` prefix. */
  readonly name: string;
}

const SECRET = /^oos-secret:([A-Za-z0-9_/.-]+)$/;
const COMMON = /^oos:([A-Za-z0-9_/.-]+)$/;
const BUILT_IN = /^acs::[A-Za-z0-9_:-]+$/;
const CUSTOM = /^[A-Za-z0-9_-]{1,64}$/;

/** Every `{{...}}` in `text`, in order; an unclosed `{{` is `malformed`. */
export function findCloudAssistantParameters(text: string): CloudAssistantParameter[] {
  const out: CloudAssistantParameter[] = [];
  let i = text.indexOf('{{');
  while (i >= 0) {
    const close = text.indexOf('}}', i + 2);
    if (close < 0) {
      out.push({ raw: text.slice(i, i + 40), start: i, end: i + 2, kind: 'malformed', name: '' });
      break;
    }
    const inner = text.slice(i + 2, close).trim();
    const raw = text.slice(i, close + 2);
    let m: RegExpExecArray | null;
    if ((m = SECRET.exec(inner))) out.push({ raw, start: i, end: close + 2, kind: 'oos-secret', name: m[1] });
    else if ((m = COMMON.exec(inner))) out.push({ raw, start: i, end: close + 2, kind: 'oos', name: m[1] });
    else if (BUILT_IN.test(inner)) out.push({ raw, start: i, end: close + 2, kind: 'built-in', name: inner });
    else if (CUSTOM.test(inner)) out.push({ raw, start: i, end: close + 2, kind: 'custom', name: inner });
    else out.push({ raw, start: i, end: close + 2, kind: 'malformed', name: inner });
    i = text.indexOf('{{', close + 2);
  }
  return out;
}

/**
 * Refuses a command body meant for `EnableParameter: true` that has `{{` anywhere but in the allowed
 * references (Cloud Assistant would read it as a parameter and change or reject the command).
 * @param what names the body in the error, e.g. `DeployScriptRunCommand 'Stack/Deploy'`
 * @param allowed the exact `{{...}}` texts the body may hold
 */
export function assertOnlyAllowedParameters(what: string, text: string, allowed: readonly string[]): void {
  const bad = findCloudAssistantParameters(text).filter((p) => !allowed.includes(p.raw));
  if (bad.length > 0) {
    const line = text.slice(0, bad[0].start).split('\n').length;
    throw new Error(`${what}: '${bad[0].raw}' at line ${line} of the command content would be read by Cloud Assistant as a parameter `
      + '(the RunCommand has EnableParameter: true, so every {{...}} is one): remove the \'{{\' (write it as \'{\'\'{\' in bash, or build it with printf), '
      + 'or run the command without secret parameters.');
  }
}

/** Inputs of {@link substituteCloudAssistantParameters}. */
export interface CloudAssistantSubstitution {
  /**
   * Stand-in of the OOS Parameter Store's secret parameters (OOS cannot be reached here): name -> value.
   */
  readonly secretParameters: Readonly<Record<string, string>>;
  /**
   * The command's custom parameters (its `Parameters` property), matched case-insensitively.
   * @default {}
   */
  readonly parameters?: Readonly<Record<string, string>>;
}

/**
 * What Cloud Assistant does to a command's content with EnableParameter=true, with a stand-in store for
 * OOS: every `{{oos-secret:NAME}}` and `{{name}}` replaced by its value, in one pass (values are not
 * read again). Anything it cannot stand in for (`{{oos:...}}`, built-ins, an unknown or malformed name) is
 * an error naming it.
 * @param what names the content in errors
 */
export function substituteCloudAssistantParameters(what: string, text: string, substitution: CloudAssistantSubstitution): string {
  const custom = new Map(Object.entries(substitution.parameters ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  let out = '';
  let last = 0;
  for (const p of findCloudAssistantParameters(text)) {
    out += text.slice(last, p.start);
    last = p.end;
    if (p.kind === 'oos-secret') {
      if (!Object.prototype.hasOwnProperty.call(substitution.secretParameters, p.name)) {
        throw new Error(`${what}: ${p.raw} names no secret parameter of the stand-in OOS store; it has: ${Object.keys(substitution.secretParameters).join(', ') || '(none)'}`);
      }
      out += substitution.secretParameters[p.name];
    } else if (p.kind === 'custom' && custom.has(p.name.toLowerCase())) {
      out += custom.get(p.name.toLowerCase());
    } else {
      throw new Error(`${what}: ${p.raw} is a Cloud Assistant parameter (${p.kind}) the stand-in cannot resolve: only {{oos-secret:NAME}} from the stand-in OOS store and {{name}} from the command's Parameters are resolved`);
    }
  }
  return out + text.slice(last);
}
