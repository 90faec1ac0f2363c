// The password rule the console promises ("Length 8-30, must contain three (capital letters, lowercase
// letters, numbers, special symbols)", the ECS instance password rule), as one ROS AllowedPattern.
//
// ROS does not document its AllowedPattern regex engine, but Alibaba's own templates use lookaheads in it,
// e.g. `^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])((?=.*[!@#\$%\^&\*\(\)\-\+])|(?=.*[_\.,:;\-\?]))[...]{8,32}$` in
// aliyun/ros-templates examples/application/ecs-group-join-cms.yml (line 66) and
// `^(?=.*?[A-Z])(?=.*?[a-z])(?=.*?\d)[A-Za-z0-9]{8,32}$` in aliyun/ros-templates
// resources/sae/application-case3.yml (line 88). The pattern below uses only lookaheads, alternation,
// classes and counted repetition, which JavaScript, Python `re` and Java read alike, and anchors itself.

/** The special symbols the rule names: ()`~!@#$%^&*_-+=|{}[]:;'<>,.?/ */
export const PASSWORD_SPECIAL_CHARACTERS = "()`~!@#$%^&*_-+=|{}[]:;'<>,.?/";

/** Shortest password. */
export const PASSWORD_MIN_LENGTH = 8;
/** Longest password. */
export const PASSWORD_MAX_LENGTH = 30;

/** The special symbols as the inside of a regex character class (`-`, `[` and `]` escaped). */
const SPECIAL_CLASS = PASSWORD_SPECIAL_CHARACTERS.replace(/[-[\]\\^]/g, (c) => `\\${c}`);

const CLASSES = {
  lower: 'a-z',
  upper: 'A-Z',
  digit: '0-9',
  special: SPECIAL_CLASS,
};

/** Three of the four classes: every choice of three, each a lookahead. */
function threeOfFour(): string {
  const names = Object.values(CLASSES);
  const choices: string[] = [];
  for (let skip = names.length - 1; skip >= 0; skip--) {
    choices.push(names.filter((_, i) => i !== skip).map((c) => `(?=.*[${c}])`).join(''));
  }
  return `(?:${choices.join('|')})`;
}

/**
 * AllowedPattern of a password parameter: 8 to 30 of letters, digits and the special symbols, with
 * at least three of lowercase, uppercase, digits and special symbols.
 */
export const PASSWORD_ALLOWED_PATTERN = `^${threeOfFour()}[a-zA-Z0-9${SPECIAL_CLASS}]{${PASSWORD_MIN_LENGTH},${PASSWORD_MAX_LENGTH}}$`;

/** The rule in words, as the console shows it (the reference template's text). */
export const PASSWORD_RULE = {
  en: "Length 8-30, must contain three(Capital letters, lowercase letters, numbers, ()`~!@#$%^&*_-+=|{}[]:;'<>,.?/ Special symbol in)",
  'zh-cn': "长度8-30，必须包含三项（大写字母、小写字母、数字、 ()`~!@#$%^&*_-+=|{}[]:;'<>,.?/ 中的特殊符号）",
};

/**
 * Why `value` breaks the rule, or undefined when it keeps it: the same check as
 * {@link PASSWORD_ALLOWED_PATTERN}, in words.
 */
export function passwordRuleViolation(value: string): string | undefined {
  if (value.length < PASSWORD_MIN_LENGTH || value.length > PASSWORD_MAX_LENGTH) {
    return `it has ${value.length} characters; give ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH}`;
  }
  const other = [...value].find((c) => !/[a-zA-Z0-9]/.test(c) && !PASSWORD_SPECIAL_CHARACTERS.includes(c));
  if (other !== undefined) {
    return `it has a character other than letters, digits and ${PASSWORD_SPECIAL_CHARACTERS}`;
  }
  const present = [/[a-z]/, /[A-Z]/, /[0-9]/, new RegExp(`[${SPECIAL_CLASS}]`)].filter((re) => re.test(value)).length;
  if (present < 3) {
    return `it has ${present} of the four kinds of character; give three of lowercase, uppercase, digits and ${PASSWORD_SPECIAL_CHARACTERS}`;
  }
  return undefined;
}
