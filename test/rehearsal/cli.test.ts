import { parseRehearseArgs } from '../../rehearsal/cli';

describe('npm run rehearse: arguments', () => {
  test.each([
    [[], {}],
    [['--scenario', 'crashing-app'], { '--scenario': 'crashing-app' }],
    [['--scenario', 'gradio-browser', '--gradio', '3.41.2'], { '--scenario': 'gradio-browser', '--gradio': '3.41.2' }],
    [['--health-check-timeout', '30', '--scenario', 'silent-app'], { '--health-check-timeout': '30', '--scenario': 'silent-app' }],
  ])('%j is read as %j', (argv, expected) => {
    const parsed = parseRehearseArgs(argv);
    expect(parsed.help).toBe(false);
    expect(Object.fromEntries(parsed.options)).toEqual(expected);
  });

  test.each([['--help'], ['-h']])('%s alone asks for the usage', (flag) => {
    expect(parseRehearseArgs([flag]).help).toBe(true);
  });

  test.each([
    [['--help', '--scenario', 'all'], /'--help' is not an option/],
    [['--sceanrio', 'success'], /'--sceanrio' is not an option/],
    [['success'], /'success' is not an option/],
    [['--scenario'], /--scenario needs a value/],
    [['--scenario', '--gradio', '6.25.0'], /--scenario needs a value/],
    [['--scenario', 'a', '--scenario', 'b'], /--scenario is given twice/],
    [['--health-check-timeout', '0'], /--health-check-timeout '0' is not a whole number/],
    [['--health-check-timeout', '8s'], /--health-check-timeout '8s' is not a whole number/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseRehearseArgs(argv)).toThrow(message);
  });
});
