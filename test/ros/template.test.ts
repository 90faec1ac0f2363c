import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TEMPLATE_FILE_MAX_BYTES, TEMPLATE_MAX_NESTING_DEPTH } from '../../lib/ros/limits';
import { parseTemplateText, readTemplateFile, readTemplateFileText } from '../../lib/ros/template';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tpl-'));

describe('template documents', () => {
  test('YAML short tags become long-form intrinsics', () => {
    const t = parseTemplateText('Resources:\n  A:\n    Type: X\n    Properties:\n      B: !Ref P\n      C: !GetAtt R.Attr.Sub\n      D: !Sub\n        - "${X}"\n        - X: !Base64Encode { Ref: P }\n');
    expect(t.Resources!.A.Properties).toEqual({
      B: { Ref: 'P' },
      C: { 'Fn::GetAtt': ['R', 'Attr.Sub'] },
      D: { 'Fn::Sub': ['${X}', { X: { 'Fn::Base64Encode': { Ref: 'P' } } }] },
    });
  });

  test('JSON parses; a YAML flow mapping starting with { parses too', () => {
    expect(parseTemplateText('{"Resources": {}}').Resources).toEqual({});
    expect(parseTemplateText('{Resources: {A: {Type: X}}}').Resources).toEqual({ A: { Type: 'X' } });
  });

  test.each([
    ['broken JSON', '{"Resources": ', 'a.json', /a\.json: not a JSON or YAML template \(/],
    ['broken YAML', 'key: [unclosed', 'b.yaml', /b\.yaml: not a JSON or YAML template/],
    ['a list', '- 1\n- 2\n', 'c.yaml', /c\.yaml: a ROS template must be a mapping, got a list/],
    ['no template section', 'name: x\n', 'd.yaml', /d\.yaml: not a ROS template/],
    ['an empty file', '', 'e.yaml', /e\.yaml: a ROS template must be a mapping, got null/],
    ['a long scalar is shown shortened', 'x'.repeat(500), 'f.yaml', /f\.yaml: a ROS template must be a mapping, got "x{50,60}\.\.\.$/],
    ['JSON duplicate key', '{\n  "Resources": {\n    "A": {"Type": "X"},\n    "A": {"Type": "Y"}\n  }\n}', 'g.json', /g\.json: duplicate key 'A' at line 4/],
    ['JSON duplicate key written with an escape', '{"Resources": {"A": {}, "\\u0041": {}}}', 'h.json', /h\.json: duplicate key 'A' at line 1/],
    ['YAML duplicate key', 'Resources:\n  A:\n    Type: X\n  A:\n    Type: Y\n', 'i.yaml', /i\.yaml: duplicate key 'A' at line 4/],
    ['YAML duplicate key in a flow mapping', 'Resources: {A: 1, B: 2, A: 3}\n', 'j.yaml', /j\.yaml: duplicate key 'A' at line 1/],
    ['YAML alias bomb', `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nResources: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`, 'k.yaml', /k\.yaml: not a JSON or YAML template \(Excessive alias count/],
    ['JSON nested too deep', `{"Resources": ${'['.repeat(TEMPLATE_MAX_NESTING_DEPTH + 5)}${']'.repeat(TEMPLATE_MAX_NESTING_DEPTH + 5)}}`, 'l.json', /l\.json: nested more than 256 levels deep/],
  ])('%s is refused naming the source', (_name, text, source, error) => {
    expect(() => parseTemplateText(text, source)).toThrow(error);
  });

  test('equal values under different keys, and equal keys in different mappings, are no duplicates', () => {
    expect(() => parseTemplateText('{"Resources": {"A": {"Type": "A"}, "B": {"Type": "A"}}, "Outputs": {"A": {"Value": "A"}}}')).not.toThrow();
    expect(() => parseTemplateText('Resources:\n  A: {Type: A}\nOutputs:\n  A: {Value: A}\n')).not.toThrow();
    expect(() => parseTemplateText(`{"Resources": ${'['.repeat(TEMPLATE_MAX_NESTING_DEPTH - 2)}${']'.repeat(TEMPLATE_MAX_NESTING_DEPTH - 2)}}`)).not.toThrow();
  });

  // Its speed at 2 MiB is measured by `npm run bench` (the lint section), not here.
  test('a mapping of 5,000 keys parses in both formats and its late duplicate is found by line', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `k${i}`);
    const yaml = `ROSTemplateFormatVersion: '2015-09-01'\nMetadata:\n${keys.map((k) => `  ${k}: v\n`).join('')}`;
    const json = JSON.stringify({ ROSTemplateFormatVersion: '2015-09-01', Metadata: Object.fromEntries(keys.map((k) => [k, 'v'])) });
    expect(Object.keys(parseTemplateText(yaml).Metadata!)).toHaveLength(5000);
    expect(Object.keys(parseTemplateText(json).Metadata!)).toHaveLength(5000);
    expect(() => parseTemplateText(`${yaml}  k0: again\n`, 'big.yaml')).toThrow(/big\.yaml: duplicate key 'k0' at line 5003/);
  });
});

describe('reading template files with bounds', () => {
  // A FIFO (made with mkfifo, an external program) is in test/cli/lint.system.test.ts.
  test('a missing file, a directory and /dev/zero are refused before any byte is read', () => {
    const dir = tmp();
    expect(() => readTemplateFile(path.join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: cannot read \(ENOENT\)/);
    expect(() => readTemplateFile(dir)).toThrow(/: not a regular file \(a directory\); give a template file/);
    expect(() => readTemplateFile('/dev/zero')).toThrow(/\/dev\/zero: not a regular file \(a character device\)/);
  });

  test('a file over the limit is refused by its size; one at the limit is read', () => {
    const dir = tmp();
    const big = path.join(dir, 'big.json');
    const head = '{"ROSTemplateFormatVersion": "2015-09-01", "Metadata": {"x": "';
    fs.writeFileSync(big, head + 'x'.repeat(TEMPLATE_FILE_MAX_BYTES - head.length - 3) + '"}}');
    expect(fs.statSync(big).size).toBe(TEMPLATE_FILE_MAX_BYTES);
    expect(readTemplateFileText(big)).toHaveLength(TEMPLATE_FILE_MAX_BYTES);
    fs.appendFileSync(big, '\n');
    expect(() => readTemplateFile(big)).toThrow(new RegExp(`big\\.json: ${TEMPLATE_FILE_MAX_BYTES + 1} bytes is over the ${TEMPLATE_FILE_MAX_BYTES}-byte limit`));
    expect(() => readTemplateFileText(big, 10)).toThrow(/over the 10-byte limit/);
  });
});
