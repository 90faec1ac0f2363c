import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { addQwenApiStacks } from '../../../lib/qwen-api/presets';
import { addQwenChatStacks } from '../../../lib/qwen-chat/presets';
import { QwenChatStack } from '../../../lib/qwen-chat/qwen-chat-stack';
import { bashFeatureTooNew } from '../../../lib/rules/checks/bash-feature-too-new';
import { templateScripts } from '../../../lib/rules/analysis/template-scripts';
import { TEMPLATE_RULES } from '../../../lib/rules/rule-pack';
import { readTemplateFile, TemplateDocument } from '../../../lib/ros/template';
import { ScriptCommands } from '../../../lib/script/script-file';
import { scriptTemplate } from '../rule-test-helpers';

const fixture = (name: string) => readTemplateFile(path.join(__dirname, '..', '..', 'fixtures', 'rules', name));
const check = bashFeatureTooNew.check.bind(bashFeatureTooNew);
const ASSETS = path.join(__dirname, '..', '..', '..', 'assets');
/** `<release> <NEWS item>` of each finding. */
const cited = (template: TemplateDocument) => check(template).map((x) => /needs bash (\S+) \(bash-\S+ NEWS item ([a-z ]+)\)/.exec(x.message)!.slice(1, 3).join(' '));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bash-rule-'));

describe('bash-feature-too-new', () => {
  test('is in the pack', () => {
    expect(TEMPLATE_RULES).toContain(bashFeatureTooNew);
  });

  test('trips on every feature of the fixture, naming the release, the NEWS item, the line and the bash 4.2 way', () => {
    const t = fixture('bash-feature-too-new.trip.yaml');
    const f = check(t);
    expect(new Set(f.map((x) => `${x.ruleId} ${x.targetKind} ${x.target}`))).toEqual(new Set(['bash-feature-too-new resource Setup']));
    expect(cited(t)).toEqual([
      '4.3 w', // local -n
      '4.3 w', // declare -gn
      '4.3 w', // unset -n
      '4.3 x', // a[-1]=4
      '4.3 x', // unset 'a[-2]'
      '4.3 ll', // [[ -v a[0] ]]
      '4.3 cc', // wait -n
      '4.4 o', // "${PWD@Q}" "${a[0]@A}": one finding for the line
      '5.1 dd and hh', // ${USER@U}
      '4.4 d', // mapfile -d
      '4.4 s', // local -
      '5.0 b', // $EPOCHSECONDS
      '5.0 c', // ${EPOCHREALTIME}
      '5.1 i', // SRANDOM in $(( ))
      '4.4 ii', // shopt -s inherit_errexit
      '4.4 o', // ${HOME@Q} in an unquoted here-document
      '5.0 e', // $BASH_ARGV0 there
    ]);
    expect(f[0].message).toBe('CommandContent: a nameref (declare/local/typeset -n) needs bash 4.3 (bash-4.3 NEWS item w), but CentOS 7 has bash 4.2 (line 2: `f() { local -n out=$1; out=done; }`).');
    expect(f[0].fix).toBe('write it for bash 4.2: pass the variable\'s name and read it with ${!name}, or set it with printf -v "$name".');
    expect(f[15].message).toMatch(/^CommandContent: a \$\{parameter@Q\} transformation \(or @E, @P, @A, @a\) in a here-document needs bash 4.4 .*\(line 17: `cat <<EOT`\)\.$/);
  });

  test('passes the bash 4.2 ways, 4.0-4.2 features (${a[-1]} read, ${x,,}, declare -g, test -v x, printf %(...)T) and text that only names features', () => {
    expect(check(fixture('bash-feature-too-new.pass.yaml'))).toEqual([]);
  });

  test.each([
    ['typeset -n r=x', '4.3 w'],
    ['[[ -R r ]]', '4.3 w'],
    ['wait -f $p', '5.0 j'],
    ['wait -n -p id', '4.3 cc,5.1 q'],
    ['readarray -td, x <<< a,b', '4.4 d'],
    ['local -I x', '5.1 bb'],
    ['echo "${!x@k}"', '5.2 t'],
    ['shopt -s globskipdots patsub_replacement', '5.2 aa,5.2 x'],
    ['BASH_COMPAT=42 bash -c true', '4.3 ee'],
    ['echo $(echo ${!x@E})', '4.4 o'],
    ['declare -a a=(1) a[-1]=2', '4.3 x'],
  ])('%s trips (the text is an Fn::Sub body: ${!x} is bash\'s ${x})', (line, expected) => {
    expect(cited(scriptTemplate(`#!/bin/bash\n${line}\n`)).join(',')).toBe(expected);
  });

  test.each([
    ['declare -A m; declare -g -i n=1'],
    ['local x=1 y'],
    ['wait "$p"; wait'],
    ['mapfile -t x < f'],
    ['shopt -s lastpipe extglob globstar'],
    ['echo "${!x:-1}" "${!x^}" "${!#x}" "${!x/a/b}" "${!!x}" "${!a[-1]}"'],
    ["echo '${!x@Q}' wait -n"],
    ['[[ -v x ]] && test -n "${!a[1]+set}"'],
  ])('%s passes (the text is an Fn::Sub body: ${!x} is bash\'s ${x})', (line) => {
    expect(check(scriptTemplate(`#!/bin/bash\n${line}\n`))).toEqual([]);
  });

  test('every deploy script the presets synthesize (chat and API) has no finding; the check reads inside the gzip body', () => {
    const app = new ros.App({ outdir: tmp(), stackTraces: false });
    const stacks = [...addQwenChatStacks(app), ...addQwenApiStacks(app)];
    const assembly = app.synth();
    expect(stacks.length).toBeGreaterThanOrEqual(7);
    for (const stack of stacks) {
      const template = assembly.getStackArtifact(stack.artifactId).template as TemplateDocument;
      const sources = templateScripts(template).map((s) => s.shell.source).join('\n');
      expect({ stack: stack.stackName, readsTheScript: sources.includes('ds_step '), findings: check(template) }).toEqual({ stack: stack.stackName, readsTheScript: true, findings: [] });
    }
  });

  test('the image build scripts (which also run on the legacy CentOS 7 base) have no finding', () => {
    for (const asset of ['image-build.sh', 'vllm-image-build.sh']) {
      const text = fs.readFileSync(path.join(ASSETS, asset), 'utf8');
      expect({ asset, lines: text.split('\n').length > 100, findings: check(scriptTemplate(text)) }).toEqual({ asset, lines: true, findings: [] });
    }
  });

  test('a stack whose own step uses wait -n fails synth with the rule pack error, and its template is not written', () => {
    const app = new ros.App({ outdir: tmp(), stackTraces: false });
    const stack = new QwenChatStack(app, 'QwenChatStack', {
      scriptPartsAfter: [new ScriptCommands({ description: 'wait for the workers', commands: ['sleep 1 & sleep 2 & wait -n'] })],
    });
    expect(() => app.synth()).toThrow(/rule pack: bash-feature-too-new resource InstanceRunCommand: CommandContent: wait -n needs bash 4.3 \(bash-4.3 NEWS item cc\), but CentOS 7 has bash 4.2 \(line \d+: `sleep 1 & sleep 2 & wait -n`\)\. Fix: write it for bash 4.2: wait for each process id in turn\./);
    expect(fs.existsSync(path.join(app.outdir, stack.templateFile))).toBe(false);
  });
});
