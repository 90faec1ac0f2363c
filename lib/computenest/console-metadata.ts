import * as ros from '@alicloud/ros-cdk-core';

/** Text in the console's two languages. */
export interface BilingualText {
  /** English. */
  readonly en: string;
  /** Simplified Chinese. */
  readonly 'zh-cn': string;
}

/**
 * Bilingual text for a ROS parameter's or output's `label`, `description` or
 * `constraintDescription`: ROS renders `{ en, zh-cn }` in the console's language, but the ROS CDK
 * props type those fields as strings, so the object is returned typed as one.
 */
export function bilingual(text: BilingualText): string {
  if (!text || typeof text.en !== 'string' || typeof text['zh-cn'] !== 'string' || text.en === '' || text['zh-cn'] === '') {
    throw new Error(`bilingual: ${JSON.stringify(text)} is not allowed: give { en: '...', 'zh-cn': '...' }, both non-empty.`);
  }
  return text as unknown as string;
}

/** A group of parameters in the console (`ALIYUN::ROS::Interface` ParameterGroups). */
export interface ParameterGroup {
  /** The group's heading. */
  readonly label: BilingualText;
  /** The parameters, in the order the console shows them. */
  readonly parameters: readonly ros.RosParameter[];
}

/**
 * The `ALIYUN::ROS::Interface` metadata: template tags and parameter groups, rendered at synth
 * (so groups added after the stack's constructor count).
 */
export class ConsoleInterface {
  private readonly groups: { label: BilingualText; parameters: ros.RosParameter[] }[] = [];

  /** @param templateTags the template's tags, e.g. `acs:integrate:计算巢:ModelScope` */
  constructor(private readonly templateTags: readonly string[]) {}

  /**
   * Add parameters to the group with this English label, or a new group at the end.
   * @throws Error when a parameter is already in a group
   */
  public addParameterGroup(group: ParameterGroup): void {
    for (const p of group.parameters) {
      const owner = this.groups.find((g) => g.parameters.includes(p));
      if (owner) {
        throw new Error(`ConsoleInterface: parameter '${p.logicalId}' is already in the group '${owner.label.en}'; list each parameter in one group.`);
      }
    }
    const existing = this.groups.find((g) => g.label.en === group.label.en);
    if (existing) existing.parameters.push(...group.parameters);
    else this.groups.push({ label: group.label, parameters: [...group.parameters] });
  }

  /** The metadata object for `stack.templateOptions.metadata`; the groups render at synth. */
  public toMetadata(): { [key: string]: any } {
    return {
      'ALIYUN::ROS::Interface': {
        TemplateTags: [...this.templateTags],
        ParameterGroups: ros.Lazy.anyValue({
          produce: () => this.groups
            .filter((g) => g.parameters.length > 0)
            .map((g) => ({ Parameters: g.parameters.map((p) => p.logicalId), Label: { default: { ...g.label } } })),
        }),
      },
    };
  }
}
