import * as ros from '@alicloud/ros-cdk-core';
import { bilingual, ConsoleInterface } from '../../lib/computenest/console-metadata';
import { newApp, synthTemplate } from '../script/script-test-support';

describe('console metadata', () => {
  test('bilingual() passes the object through as the label, and refuses a missing language', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    new ros.RosParameter(stack, 'P', { type: ros.RosParameterType.STRING, label: bilingual({ en: 'Name', 'zh-cn': '名称' }) });
    expect(synthTemplate(app, stack).Parameters.P.Label).toEqual({ en: 'Name', 'zh-cn': '名称' });
    expect(() => bilingual({ en: 'Name' } as any)).toThrow(/bilingual: \{"en":"Name"\} is not allowed/);
  });

  test('groups render at synth: a group added after the metadata was set counts; the same label merges', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const ui = new ConsoleInterface(['tag']);
    const p = (id: string) => new ros.RosParameter(stack, id, { type: ros.RosParameterType.STRING });
    const [a, b, c] = [p('A'), p('B'), p('C')];
    ui.addParameterGroup({ label: { en: 'One', 'zh-cn': '一' }, parameters: [a] });
    stack.templateOptions.metadata = ui.toMetadata();
    ui.addParameterGroup({ label: { en: 'Two', 'zh-cn': '二' }, parameters: [b] });
    ui.addParameterGroup({ label: { en: 'One', 'zh-cn': '一' }, parameters: [c] });
    expect(synthTemplate(app, stack).Metadata['ALIYUN::ROS::Interface']).toEqual({
      TemplateTags: ['tag'],
      ParameterGroups: [
        { Parameters: ['A', 'C'], Label: { default: { en: 'One', 'zh-cn': '一' } } },
        { Parameters: ['B'], Label: { default: { en: 'Two', 'zh-cn': '二' } } },
      ],
    });
    expect(() => ui.addParameterGroup({ label: { en: 'Three', 'zh-cn': '三' }, parameters: [a] }))
      .toThrow("ConsoleInterface: parameter 'A' is already in the group 'One'; list each parameter in one group.");
  });
});
