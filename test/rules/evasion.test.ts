import * as fs from 'fs';
import * as path from 'path';
import { readTemplateFile } from '../../lib/ros/template';
import { lintTemplate, TEMPLATE_RULES } from '../../lib/rules/rule-pack';

const DIR = path.join(__dirname, '..', 'fixtures', 'rules', 'evasion');

/** Each evasion template (test/fixtures/rules/evasion) and the rules it trips; every `.pass.yaml` trips none. */
const TRIPS: Record<string, string[]> = {
  'base64-literal.trip.yaml': ['insecure-download'],
  'base64-encode.trip.yaml': ['no-echo-exposure'],
  'printf-stdout.trip.yaml': ['no-echo-exposure'],
  'echo-stderr.trip.yaml': ['no-echo-exposure'],
  'heredoc-stdout.trip.yaml': ['no-echo-exposure'],
  'log-file.trip.yaml': ['no-echo-exposure'],
  'log-function.trip.yaml': ['no-echo-exposure'],
  'eval.trip.yaml': ['no-echo-exposure'],
  'argv-through-function.trip.yaml': ['no-echo-exposure'],
  'xtrace.trip.yaml': ['no-echo-xtrace'],
  'bash-x.trip.yaml': ['no-echo-xtrace'],
  'command-parameter.trip.yaml': ['no-echo-command-parameter', 'script-parameter-injection'],
};

const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
// Every evasion template carries a NoEcho value in its command text on purpose (the base64 path), which
// secret-in-command-text reports in all of them; these templates are about what the script does with it.
const RULES = TEMPLATE_RULES.filter((r) => r.id !== 'secret-in-command-text');

describe('evasion templates', () => {
  test('every trip template has its pass template, and the table covers every file', () => {
    const trips = files.filter((f) => f.endsWith('.trip.yaml'));
    expect(trips.sort()).toEqual(Object.keys(TRIPS).sort());
    for (const t of trips) expect(files).toContain(t.replace('.trip.yaml', '.pass.yaml'));
  });

  test.each(files)('%s', (file) => {
    const findings = lintTemplate(readTemplateFile(path.join(DIR, file)), { rules: RULES }).findings;
    const rules = [...new Set(findings.map((f) => f.ruleId))].sort();
    expect({ file, rules }).toEqual({ file, rules: TRIPS[file] ?? [] });
  });
});
