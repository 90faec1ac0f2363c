// Where the values of NoEcho parameters go in a script: a taint analysis over the lexed commands. A secret enters
// through a placeholder whose value is computed from a NoEcho parameter (Fn::Sub variable, Fn::Replace key, Cloud
// Assistant {{name}}), and moves through assignments, command substitutions, pipes into filters that pass their input
// on (base64 -d, tr, cat...), here-documents and here-strings, and shell functions (analysed at each call). It leaks
// when it lands in a program's argv, in what reaches the command output (stdout or stderr: Cloud Assistant records both
// for RunCommand) or a log file, in an eval'd string, or in any command traced by `set -x`.
import { isNoEcho } from '../../ros/intrinsics';
import { TemplateDocument } from '../../ros/template';
import { ShellCommand, ShellWord } from './shell-lexer';
import { commandShape, scriptFunctionBodies, TemplateScript } from './template-scripts';

/** How a secret leaks. */
export type SecretLeakKind = 'argv' | 'output' | 'log' | 'eval' | 'xtrace';

/** One leak of a NoEcho value. */
export interface SecretLeak {
  readonly kind: SecretLeakKind;
  /** The NoEcho parameter. */
  readonly secret: string;
  /** The command where it happens (for a leak inside a shell function: the call). */
  readonly command: ShellCommand;
  /** argv: the program; output/log: the command that writes it (echo, printf, cat, tee...); xtrace: what traces. */
  readonly program?: string;
  /** log: the file written. */
  readonly target?: string;
  /** The shell function the leak happens in, called by `command`. */
  readonly via?: string;
}

/** Bash builtins: their arguments are no process's argv (printf/read/test run inside bash). */
const BUILTINS = new Set([
  'printf', 'echo', 'read', 'test', '[', '[[', 'local', 'export', 'declare', 'typeset', 'readonly', 'unset', 'set',
  'shift', 'return', 'exit', 'true', 'false', ':', 'let', 'cd', 'trap', 'eval', 'source', '.', 'wait', 'umask',
  'ulimit', 'shopt', 'getopts', 'mapfile', 'readarray', 'hash', 'type', 'builtin', 'pushd', 'popd', 'break', 'continue',
]);
/** Commands whose output is their arguments. */
const PRINTERS = new Set(['echo', 'printf']);
/** Commands whose output is (a transformation of) their standard input. */
const PASS_THROUGH = new Set([
  'cat', 'base64', 'base32', 'basenc', 'tr', 'cut', 'sed', 'awk', 'gawk', 'head', 'tail', 'rev', 'fold', 'xxd', 'od',
  'sort', 'uniq', 'tee', 'tac', 'nl', 'fmt', 'paste', 'expand', 'iconv', 'jq', 'strings',
]);
const DECLARES = new Set(['export', 'local', 'declare', 'typeset', 'readonly']);
const SHELLS = /^(ba|da|z|k|mk)?sh$/;
const POSITIONAL = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '@', '*'];

/** Where a command's standard output goes. */
type Destination = 'stdout' | 'stderr' | 'log' | 'file' | 'null' | 'pipe' | 'captured';

/** A log file, by the redirection or tee target as written (`/var/log/x.log`, `"$log_file"`...). */
function isLogTarget(text: string): boolean {
  return /log/i.test(text);
}

function destinationOf(cmd: ShellCommand): { to: Destination; target?: string } {
  for (const w of cmd.words) {
    if (!w.redirect || w.redirectOp === undefined) continue;
    const op = w.redirectOp;
    if (!/^(1?>>?|&>>?|1?>\||1?>&|&>)$/.test(op)) continue;
    if (op.endsWith('&') && /^\d+$/.test(w.text)) {
      if (w.text === '2') return { to: 'stderr' };
      continue;
    }
    if (w.text === '/dev/null') return { to: 'null' };
    if (w.text === '/dev/stderr') return { to: 'stderr' };
    if (w.text === '/dev/stdout' || w.text === '/dev/tty') continue;
    return isLogTarget(w.text) ? { to: 'log', target: w.text } : { to: 'file', target: w.text };
  }
  if (cmd.separator === '|') return { to: 'pipe' };
  if (cmd.substitution >= 0) return { to: 'captured' };
  return { to: 'stdout' };
}

/** `set -x`, `set -o xtrace`, `set -euxo pipefail` turn tracing on (true), `set +x` / `set +o xtrace` off (false). */
function tracingSwitch(args: readonly string[]): boolean | undefined {
  let result: boolean | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = /^([-+])([a-zA-Z]+)$/.exec(a);
    if (!m) continue;
    if (m[2].includes('x')) result = m[1] === '-';
    if (m[2].endsWith('o') && args[i + 1] === 'xtrace') result = m[1] === '-';
  }
  return result;
}

/** Shell variables holding a secret: a function's frame sees its caller's and writes its own (`local` or not). */
class Env {
  private readonly own = new Map<string, string | null>();
  /** Some secret was assigned in this frame or a caller's (a secret is "in scope"). */
  public inScope: string | undefined;
  constructor(private readonly parent?: Env) {
    this.inScope = parent?.inScope;
  }
  get(name: string): string | undefined {
    const v = this.own.get(name);
    if (v !== undefined) return v ?? undefined;
    return this.parent?.get(name);
  }
  set(name: string, secret: string): void {
    this.own.set(name, secret);
    this.inScope ??= secret;
  }
  delete(name: string): void {
    this.own.set(name, null);
  }
}

/** How deep shell functions may call each other before the script is refused. */
const MAX_CALL_DEPTH = 32;

interface FunctionResult {
  /** The secret the function writes to its standard output. */
  readonly output?: string;
  /** Leaks inside the function (reported at the call). */
  readonly leaks: ReadonlyArray<Omit<SecretLeak, 'command' | 'via'> & { readonly via?: string }>;
}

/** Every leak of a NoEcho value in one script, in the order of the commands. */
export function secretLeaks(template: TemplateDocument, script: TemplateScript): SecretLeak[] {
  const placeholderSecret = script.placeholders.map((p) => p.parameters.find((name) => isNoEcho(template, name)));
  if (placeholderSecret.every((s) => s === undefined)) return [];
  const functions = scriptFunctionBodies(script);
  const commands = script.shell.commands;
  // Each command belongs to the innermost function body that starts before it and contains it, or to the top level
  // (found by binary search over the bodies in source order: linear in the script's length overall).
  const ranges = [...functions].map(([name, f]) => ({ name, ...f })).sort((x, y) => x.start - y.start);
  const bodyCommands = new Map<string, ShellCommand[]>(ranges.map((r) => [r.name, []]));
  const bodyVars = new Map<string, Set<string>>(ranges.map((r) => [r.name, new Set()]));
  const top: ShellCommand[] = [];
  for (const c of commands) {
    let lo = 0;
    let hi = ranges.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid].start <= c.start) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    const f = found >= 0 && c.end <= ranges[found].end ? ranges[found] : undefined;
    if (!f) {
      top.push(c);
      continue;
    }
    bodyCommands.get(f.name)!.push(c);
    const vars = bodyVars.get(f.name)!;
    for (const w of c.words) for (const v of w.vars) vars.add(v);
    for (const d of c.heredocs) for (const v of d.vars) vars.add(v);
  }
  // Function bodies are analysed per call; a hostile script could make that quadratic, so the work is bounded and
  // the script refused past the bound (no real deploy script comes near it).
  let budget = 50 * commands.length + 10000;
  const memo = new Map<string, FunctionResult>();
  const inProgress = new Set<string>();
  const shebangTrace = /^#![^\n]*\s-[a-zA-Z]*x/.test(script.shell.source);

  /** Analyses a list of commands; `functionFrame` says whether stdout is a function's output or the script's. */
  const analyse = (list: readonly ShellCommand[], env: Env, tracingAtStart: boolean, depth: number) => {
    const functionFrame = depth > 0;
    const leaks: Array<Omit<SecretLeak, 'via'> & { via?: string }> = [];
    const captured = new Map<number, string>();
    const last = new Map<number, { separator: string; output?: string }>();
    let tracing = tracingAtStart;
    let functionOutput: string | undefined;

    const secretOf = (w: ShellWord | undefined): string | undefined => {
      if (!w) return undefined;
      for (const p of w.directPlaceholders) if (placeholderSecret[p] !== undefined) return placeholderSecret[p];
      for (const v of w.directVars) {
        const s = env.get(v);
        if (s !== undefined) return s;
      }
      for (const id of w.substitutions) if (captured.has(id)) return captured.get(id);
      return undefined;
    };

    for (const cmd of list) {
      if (--budget < 0) {
        throw new Error(`resource ${script.resource}: the ${script.property} script calls its shell functions too often to check (over ${50 * commands.length + 10000} command visits)`);
      }
      const shape = commandShape(cmd);
      const words = cmd.words.filter((w) => !w.redirect);
      const name = shape.name;
      const args = shape.args;
      const argSecret = args.map(secretOf).find((s) => s !== undefined);

      // Standard input: the previous command of the pipeline, a here-document, a here-string.
      const prev = last.get(cmd.substitution);
      let stdin = prev?.separator === '|' ? prev.output : undefined;
      for (const doc of cmd.heredocs) {
        const s = doc.placeholders.map((p) => placeholderSecret[p]).find((x) => x !== undefined)
          ?? doc.vars.map((v) => env.get(v)).find((x) => x !== undefined);
        if (s !== undefined) stdin = s;
      }
      const hereString = cmd.words.find((w) => w.redirect && w.redirectOp === '<<<');
      stdin = secretOf(hereString) ?? stdin;

      // Tracing: every traced command with a secret in its words prints it to stderr.
      if (name === 'set') {
        const sw = tracingSwitch(args.map((a) => a.text));
        if (sw !== undefined) tracing = sw;
      }
      const traced = tracing ? [...shape.assignments.map((a) => a.word), ...cmd.words].map(secretOf).find((s) => s !== undefined) : undefined;
      if (traced !== undefined) leaks.push({ kind: 'xtrace', secret: traced, command: cmd, program: 'set -x' });
      if (name !== undefined && SHELLS.test(name) && args.some((a) => /^-[a-zA-Z]*x/.test(a.text))) {
        const inScope = argSecret ?? env.inScope;
        if (inScope !== undefined) leaks.push({ kind: 'xtrace', secret: inScope, command: cmd, program: `${name} -x` });
      }

      // Assignments.
      const assigned = [...shape.assignments];
      if (name !== undefined && DECLARES.has(name)) {
        for (const w of args) {
          const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.text);
          if (m) assigned.push({ name: m[1], word: w });
        }
      }
      for (const a of assigned) {
        const s = secretOf(a.word);
        if (s !== undefined) env.set(a.name, s);
        else env.delete(a.name);
      }
      if (name === 'unset') for (const a of args) env.delete(a.text);
      if (name === 'read' && stdin !== undefined) {
        for (let i = 0; i < args.length; i++) {
          if (/^-[pdntu]$/.test(args[i].text)) i++;
          else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(args[i].text)) env.set(args[i].text, stdin);
        }
      }
      const first = cmd.words[0]?.text;
      if (first === 'for' && cmd.words[2]?.text === 'in') {
        const s = cmd.words.slice(3).map(secretOf).find((x) => x !== undefined);
        if (s !== undefined) env.set(cmd.words[1].text, s);
      }
      let printfTarget: string | undefined;
      if (name === 'printf') {
        const v = args.findIndex((a) => a.text === '-v');
        if (v >= 0 && args[v + 1]) {
          printfTarget = args[v + 1].text;
          const s = args.slice(v + 2).map(secretOf).find((x) => x !== undefined);
          if (s !== undefined) env.set(printfTarget, s);
          else env.delete(printfTarget);
        }
      }

      // What the command writes to its standard output, and leaks of its own.
      let output: string | undefined;
      if (name !== undefined && functions.has(name)) {
        const result = callFunction(name, argSecret ?? stdin, env, tracing, depth + 1);
        output = result.output;
        for (const l of result.leaks) leaks.push({ ...l, command: cmd, via: l.via ? `${name} -> ${l.via}` : name });
      } else if (name !== undefined && PRINTERS.has(name)) {
        output = printfTarget === undefined ? argSecret : undefined;
      } else if (name === 'cat') {
        output = args.some((a) => !a.text.startsWith('-') && a.text !== '-') ? undefined : stdin;
      } else if (name !== undefined && PASS_THROUGH.has(name)) {
        output = stdin;
      } else if (name === 'eval') {
        // What the eval'd command prints is its own output, not the string: only the eval itself is a leak.
        if (argSecret !== undefined) leaks.push({ kind: 'eval', secret: argSecret, command: cmd, program: 'eval' });
      } else if (name !== undefined && !BUILTINS.has(name)) {
        const s = [words[words.length - args.length - 1], ...args].map(secretOf).find((x) => x !== undefined);
        if (s !== undefined) leaks.push({ kind: 'argv', secret: s, command: cmd, program: name });
      }
      if (name === 'tee' && stdin !== undefined) {
        const log = args.find((a) => !a.text.startsWith('-') && isLogTarget(a.text));
        if (log) leaks.push({ kind: 'log', secret: stdin, command: cmd, program: 'tee', target: log.text });
      }

      if (output !== undefined) {
        const writer = name !== undefined && functions.has(name) ? `shell function ${name}` : name;
        const dest = destinationOf(cmd);
        if (dest.to === 'captured') captured.set(cmd.substitution, captured.get(cmd.substitution) ?? output);
        else if (dest.to === 'log') leaks.push({ kind: 'log', secret: output, command: cmd, program: writer, target: dest.target });
        else if (dest.to === 'stderr') leaks.push({ kind: 'output', secret: output, command: cmd, program: writer });
        else if (dest.to === 'stdout') {
          if (functionFrame) functionOutput ??= output;
          else leaks.push({ kind: 'output', secret: output, command: cmd, program: writer });
        }
      }
      last.set(cmd.substitution, { separator: cmd.separator, output });
    }
    return { leaks, functionOutput };
  };

  const callFunction = (name: string, argSecret: string | undefined, env: Env, tracing: boolean, depth: number): FunctionResult => {
    if (depth > MAX_CALL_DEPTH) {
      throw new Error(`resource ${script.resource}: the ${script.property} script's shell functions call each other more than ${MAX_CALL_DEPTH} deep; the rule pack cannot check it`);
    }
    const reads = bodyVars.get(name) ?? new Set<string>();
    budget -= reads.size;
    const globals: string[] = [];
    for (const k of reads) {
      if (POSITIONAL.includes(k)) continue;
      const v = env.get(k);
      if (v !== undefined) globals.push(`${k}=${v}`);
    }
    const key = `${name}|${argSecret ?? ''}|${tracing}|${globals.sort().join(',')}`;
    const known = memo.get(key);
    if (known) return known;
    if (inProgress.has(key)) return { leaks: [] };
    inProgress.add(key);
    const frame = new Env(env);
    for (const p of POSITIONAL) {
      if (argSecret !== undefined) frame.set(p, argSecret);
      else frame.delete(p);
    }
    const { leaks, functionOutput } = analyse(bodyCommands.get(name) ?? [], frame, tracing, depth);
    inProgress.delete(key);
    const unique = new Map<string, FunctionResult['leaks'][number]>();
    for (const { command: _command, ...l } of leaks) unique.set(`${l.kind}|${l.secret}|${l.program}|${l.target}|${l.via}`, l);
    const result: FunctionResult = { output: functionOutput, leaks: [...unique.values()] };
    memo.set(key, result);
    return result;
  };

  const { leaks } = analyse(top, new Env(), shebangTrace, 0);
  return leaks;
}
