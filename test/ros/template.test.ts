import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseTemplateText, readTemplateFile } from '../../lib/ros/template';

describe('template documents', () => {
  test('YAML short tags become long-form intrinsics', () => {
    const t = parseTemplateText('Resources:\n  A:\n    Type: X\n    Properties:\n      B: !Ref P\n      C: !GetAtt R.Attr.Sub\n      D: !Sub\n        - "${X}"\n        - X: !Base64Encode { Ref: P }\n');
    expect(t.Resources!.A.Properties).toEqual({
      B: { Ref: 'P' },
      C: { 'Fn::GetAtt': ['R', 'Attr.Sub'] },
      D: { 'Fn::Sub': ['${X}', { X: { 'Fn::Base64Encode': { Ref: 'P' } } }] },
    });
  });

  test('JSON parses; broken text, non-mappings and non-templates throw naming the source', () => {
    expect(parseTemplateText('{"Resources": {}}').Resources).toEqual({});
    expect(() => parseTemplateText('{"Resources": ', 'a.json')).toThrow(/a\.json: not a JSON or YAML template/);
    expect(() => parseTemplateText('key: [unclosed', 'b.yaml')).toThrow(/b\.yaml: not a JSON or YAML template/);
    expect(() => parseTemplateText('- 1\n- 2\n', 'c.yaml')).toThrow(/c\.yaml: a ROS template must be a mapping, got a list/);
    expect(() => parseTemplateText('name: x\n', 'd.yaml')).toThrow(/d\.yaml: not a ROS template/);
  });

  test('a missing file throws naming it', () => {
    const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tpl-')), 'nope.yaml');
    expect(() => readTemplateFile(missing)).toThrow(/nope\.yaml: cannot read \(ENOENT\)/);
  });
});
