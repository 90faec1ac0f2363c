import * as YAML from 'yaml';

/**
 * A ROS template as YAML, the way Compute Nest service templates are written: long script lines
 * kept whole, and no YAML anchors or aliases for objects that appear twice.
 */
export function templateToYaml(template: unknown): string {
  return YAML.stringify(template, { lineWidth: 0, aliasDuplicateObjects: false });
}
