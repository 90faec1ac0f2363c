import { commandShape, locate, TemplateScript } from '../analysis/template-scripts';
import { ShellCommand } from '../analysis/shell-lexer';
import { defineScriptRule, ScriptFindingText } from './private/script-rule';

/**
 * The oldest bash a script of this library must run on: CentOS 7's bash 4.2 (the legacy base; stacks made from the
 * reference template keep running there, and the stacks' default `alsoRunsOn` includes it).
 */
export const OLDEST_BASH = '4.2';

/**
 * A bash feature newer than {@link OLDEST_BASH}: the release that brought it and the item of bash's NEWS file that
 * says so (https://git.savannah.gnu.org/cgit/bash.git/tree/NEWS; the same text ships as /usr/share/doc/bash/NEWS.gz).
 */
interface BashFeature {
  /** What the script uses, as the finding names it. */
  readonly what: string;
  /** The bash release that added it. */
  readonly since: string;
  /** `bash-4.3 NEWS item w`. */
  readonly news: string;
  /** How to write it for bash 4.2. */
  readonly instead: string;
}

const f = (what: string, since: string, item: string, instead: string): BashFeature => ({ what, since, news: `bash-${since} NEWS item ${item}`, instead });

const NAMEREF = f('a nameref (declare/local/typeset -n)', '4.3', 'w', 'pass the variable\'s name and read it with ${!name}, or set it with printf -v "$name"');
const UNSET_NAMEREF = f('unset -n', '4.3', 'w', 'use no nameref');
const TEST_NAMEREF = f('the test -R operator', '4.3', 'w', 'use no nameref');
const NEGATIVE_SUBSCRIPT = f('assigning or unsetting an array element by a negative subscript', '4.3', 'x', 'compute the index: i=$((${#a[@]} - 1)) (reading ${a[-1]} is bash 4.2, NEWS item p)');
const TEST_V_ARRAY = f('test -v on an array element', '4.3', 'll', 'test the element with [ -n "${a[i]+set}" ]');
const WAIT_N = f('wait -n', '4.3', 'cc', 'wait for each process id in turn');
const WAIT_F = f('wait -f', '5.0', 'j', 'use wait PID');
const WAIT_P = f('wait -p', '5.1', 'q', 'keep the process ids from $! yourself');
const MAPFILE_D = f('mapfile/readarray -d', '4.4', 'd', 'read records with while IFS= read -r -d DELIM x; do ...; done');
const LOCAL_DASH = f('local - (saving the shell options)', '4.4', 's', 'save $- (or set +o) and restore the options yourself');
const DECLARE_I = f('declare/local -I', '5.1', 'bb', 'declare the attributes explicitly');
const TRANSFORM_44 = f('a ${parameter@Q} transformation (or @E, @P, @A, @a)', '4.4', 'o', 'quote with printf %q, expand escapes with printf %b');
const TRANSFORM_51 = f('a ${parameter@U} transformation (or @u, @L, @K)', '5.1', 'dd and hh', 'use ${x^^}, ${x^}, ${x,,} (bash 4.0) or a loop over "${!a[@]}"');
const TRANSFORM_52 = f('a ${parameter@k} transformation', '5.2', 't', 'use a loop over "${!a[@]}"');
const EPOCHSECONDS = f('$EPOCHSECONDS', '5.0', 'b', 'use $(date +%s), or printf -v now \'%(%s)T\' -1 (bash 4.2)');
const EPOCHREALTIME = f('$EPOCHREALTIME', '5.0', 'c', 'use $(date +%s.%N)');
const BASH_ARGV0 = f('$BASH_ARGV0', '5.0', 'e', 'use $0');
const SRANDOM = f('$SRANDOM', '5.1', 'i', 'use $RANDOM, or od -An -N4 -tu4 /dev/urandom');
const BASH_COMPAT = f('$BASH_COMPAT', '4.3', 'ee', 'set no compatibility level');
const EXECIGNORE = f('$EXECIGNORE', '4.4', 'aa', 'give commands by their full path');

/** `shopt` options newer than bash 4.2. */
const SHOPT_OPTIONS: Record<string, BashFeature> = {
  globasciiranges: f('shopt globasciiranges', '4.3', 'e', 'set LC_ALL=C for the pattern instead'),
  direxpand: f('shopt direxpand', '4.3', 'f', 'leave the option alone (it is for completion)'),
  inherit_errexit: f('shopt inherit_errexit', '4.4', 'ii', 'check each command substitution\'s status: x=$(cmd) || exit 1'),
  localvar_inherit: f('shopt localvar_inherit', '5.0', 'o', 'copy the outer value into the local explicitly'),
  assoc_expand_once: f('shopt assoc_expand_once', '5.0', 'w', 'quote associative array subscripts'),
  localvar_unset: f('shopt localvar_unset', '5.0', 'kk', 'leave the option alone'),
  progcomp_alias: f('shopt progcomp_alias', '5.0', 'll', 'leave the option alone (it is for completion)'),
  varredir_close: f('shopt varredir_close', '5.2', 'o', 'close {var} file descriptors with exec {var}>&-'),
  patsub_replacement: f('shopt patsub_replacement', '5.2', 'x', 'leave the option alone'),
  globskipdots: f('shopt globskipdots', '5.2', 'aa', 'leave the option alone'),
};

/** Variables whose expansion (or assignment) needs a newer bash. */
const VARIABLES: Record<string, BashFeature> = { EPOCHSECONDS, EPOCHREALTIME, BASH_ARGV0, SRANDOM, BASH_COMPAT, EXECIGNORE };

/** `${name@X}`, `${name[sub]@X}`, `${@@X}`: the operator X. */
const TRANSFORMATION = /^[!#]?(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*])(?:\[[^\]]*\])?@([A-Za-z])$/;
const ASSIGN_NEGATIVE = /^[A-Za-z_][A-Za-z0-9_]*\[\s*-[^\]]*\]\+?=/;
const ELEMENT_NEGATIVE = /^[A-Za-z_][A-Za-z0-9_]*\[\s*-[^\]]*\]$/;

function transformation(inner: string): BashFeature | undefined {
  const m = TRANSFORMATION.exec(inner);
  if (!m) return undefined;
  if ('QEPAa'.includes(m[1])) return TRANSFORM_44;
  if ('ULuK'.includes(m[1])) return TRANSFORM_51;
  if (m[1] === 'k') return TRANSFORM_52;
  return undefined;
}

/** The option letters a builtin was given before its first operand (`-gn +n` -> 'gnn'), and the operands. */
function options(args: readonly string[]): { letters: string; dash: boolean; operands: string[] } {
  let letters = '';
  let dash = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === '--') { i++; break; }
    if (a === '-') { dash = true; continue; }
    // `-td,`: the letters up to an option's attached argument.
    const m = /^[-+]([A-Za-z]+)/.exec(a);
    if (!m) break;
    letters += m[1];
  }
  return { letters, dash, operands: args.slice(i) };
}

/** The features one simple command uses; those of its here-documents say so. */
function commandFeatures(cmd: ShellCommand): BashFeature[] {
  const found: BashFeature[] = [];
  const inHeredoc = (x: BashFeature): BashFeature => ({ ...x, what: `${x.what} in a here-document` });
  for (const w of cmd.words) {
    for (const inner of w.expansions) {
      const t = transformation(inner);
      if (t) found.push(t);
    }
    for (const v of w.vars) if (VARIABLES[v]) found.push(VARIABLES[v]);
  }
  for (const h of cmd.heredocs) {
    for (const inner of h.expansions) {
      const t = transformation(inner);
      if (t) found.push(inHeredoc(t));
    }
    for (const v of h.vars) if (VARIABLES[v]) found.push(inHeredoc(VARIABLES[v]));
  }
  const shape = commandShape(cmd);
  for (const a of shape.assignments) {
    if (ASSIGN_NEGATIVE.test(a.word.text)) found.push(NEGATIVE_SUBSCRIPT);
    if (VARIABLES[a.name]) found.push(VARIABLES[a.name]);
  }
  const args = shape.args.map((w) => w.text);
  const { letters, dash, operands } = options(args);
  switch (shape.name) {
    case 'declare':
    case 'typeset':
    case 'local':
      if (letters.includes('n')) found.push(NAMEREF);
      if (letters.includes('I')) found.push(DECLARE_I);
      if (dash && shape.name === 'local') found.push(LOCAL_DASH);
      if (operands.some((o) => ASSIGN_NEGATIVE.test(o))) found.push(NEGATIVE_SUBSCRIPT);
      break;
    case 'unset':
      if (letters.includes('n')) found.push(UNSET_NAMEREF);
      if (operands.some((o) => ELEMENT_NEGATIVE.test(o))) found.push(NEGATIVE_SUBSCRIPT);
      break;
    case 'wait':
      if (letters.includes('n')) found.push(WAIT_N);
      if (letters.includes('f')) found.push(WAIT_F);
      if (letters.includes('p')) found.push(WAIT_P);
      break;
    case 'mapfile':
    case 'readarray':
      if (letters.includes('d')) found.push(MAPFILE_D);
      break;
    case 'shopt':
      for (const o of operands) if (SHOPT_OPTIONS[o]) found.push(SHOPT_OPTIONS[o]);
      break;
    case '[[':
    case '[':
    case 'test':
      args.forEach((a, i) => {
        if (a === '-R') found.push(TEST_NAMEREF);
        if (a === '-v' && /\[/.test(args[i + 1] ?? '')) found.push(TEST_V_ARRAY);
      });
      break;
    default:
      break;
  }
  return found;
}

/**
 * `bash-feature-too-new`: a script uses a bash feature newer than bash 4.2, the bash of CentOS 7, where the deploy
 * script must still run (issue 13: stacks made from the reference template update in place on CentOS 7 instances):
 * namerefs, assigning by negative subscripts, `wait -n`, `${x@Q}` and the other transformations, `mapfile -d`,
 * `local -`, `$EPOCHSECONDS`, `$SRANDOM`, newer `shopt` options... Each finding names the release and the item of
 * bash's NEWS that added the feature, and the bash 4.2 way to write it.
 */
export const bashFeatureTooNew = defineScriptRule({
  id: 'bash-feature-too-new',
  summary: `A script uses a bash feature newer than bash ${OLDEST_BASH} (CentOS 7)`,
  checkScript(script: TemplateScript) {
    const findings: ScriptFindingText[] = [];
    for (const cmd of script.shell.commands) {
      const seen = new Set<string>();
      for (const feature of commandFeatures(cmd)) {
        if (seen.has(feature.what)) continue;
        seen.add(feature.what);
        findings.push({
          message: `${script.property}: ${feature.what} needs bash ${feature.since} (${feature.news}), but CentOS 7 has bash ${OLDEST_BASH} (${locate(script, cmd.start, cmd.end)}).`,
          fix: `write it for bash ${OLDEST_BASH}: ${feature.instead}.`,
        });
      }
    }
    return findings;
  },
});
