import { spawnSync } from 'child_process';
import { templateToYaml } from '../../lib/ros/yaml';
import { synthesizedTemplates } from '../support/synthesized-templates';
import { requireTool } from '../support/tools';

/** PyYAML's safe_load (a YAML 1.1 reader: dates, yes/no, octal), its result printed as JSON. */
function pyyamlLoad(text: string): unknown {
  requireTool('python3', 'python3');
  const r = spawnSync('python3', ['-c', [
    'import json, sys',
    'try:\n    import yaml\nexcept ImportError:\n    sys.exit("PyYAML is not installed; run: apt-get install -y python3-yaml")',
    'json.dump(yaml.safe_load(sys.stdin), sys.stdout, default=lambda o: {"non-JSON value": repr(o)})',
  ].join('\n')], { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3/PyYAML failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('the written YAML read back by PyYAML (YAML 1.1) equals the JSON template', () => {
  const templates = synthesizedTemplates();
  test.each(Object.keys(templates))('%s', (name) => {
    expect(pyyamlLoad(templateToYaml(templates[name]))).toEqual(templates[name]);
  });

  test('the check can fail: an unquoted date comes back as a date', () => {
    expect(pyyamlLoad('ROSTemplateFormatVersion: 2015-09-01\n')).toEqual({ ROSTemplateFormatVersion: { 'non-JSON value': 'datetime.date(2015, 9, 1)' } });
  });
});
