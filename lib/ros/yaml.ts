import * as YAML from 'yaml';

// Plain scalars that a YAML 1.1 reader (PyYAML, js-yaml's default schema, the `yaml` library with version 1.1) or a
// YAML 1.2 reader resolves to something other than a string. Sources: the YAML 1.1 type repository
// (https://yaml.org/type/bool.html, int.html, float.html, null.html, timestamp.html, merge.html, value.html), PyYAML's
// implicit resolvers (yaml/resolver.py) and js-yaml's types (lib/type/*.js). Words are matched in any case: a few
// readers are looser than the spec, and quoting a string that needed none changes nothing.
const YAML11_NON_STRINGS: readonly RegExp[] = [
  /^(?:y|yes|n|no|true|false|on|off)$/i, // bool
  /^(?:~|null|)$/i, // null
  /^[-+]?0b[01_]+$/i, // binary int
  /^[-+]?0o?[0-7_]+$/i, // octal int (1.1 `0777`, 1.2 `0o7`)
  /^[-+]?(?:0|[1-9][0-9_]*)$/, // decimal int (1.1 allows `_`)
  /^[-+]?0x[0-9a-f_]+$/i, // hex int
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/, // sexagesimal int / float (`1:20`, `1:20.5`)
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:e[-+]?[0-9]+)?$/i, // float with a dot (`1.5`, `.5`, `1.`, `1.e+3`)
  /^[-+]?[0-9][0-9_]*e[-+]?[0-9]+$/i, // float without a dot (`1e3`: js-yaml, YAML 1.2)
  /^[-+]?\.(?:inf|nan)$/i, // infinity, not-a-number
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:t|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*z|[ \t]*[-+][0-9]{1,2}(?::?[0-9]{2})?)?)?$/i, // date, timestamp
  /^(?:<<|=)$/, // merge key, value key
];

/** True when a YAML 1.1 or 1.2 reader would load the plain (unquoted) scalar `text` as something other than that string. */
export function isAmbiguousPlainScalar(text: string): boolean {
  return YAML11_NON_STRINGS.some((re) => re.test(text));
}

/**
 * A ROS template as YAML, the way Compute Nest service templates are written: long script lines kept whole, no
 * YAML anchors or aliases for objects that appear twice, and every string that a YAML 1.1 reader would take for
 * another type (`2015-09-01`, `yes`, `on`, `0777`, `1:20`, `1e3`, `.inf`, `~`, ...) single-quoted, so the YAML read
 * back by any reader equals the JSON template.
 */
export function templateToYaml(template: unknown): string {
  const doc = new YAML.Document(template, { aliasDuplicateObjects: false });
  YAML.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && isAmbiguousPlainScalar(node.value)) node.type = YAML.Scalar.QUOTE_SINGLE;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
