/**
 * The one `requireTool` of the tests: returns the path of a program, or throws naming the install step
 * (`apt-get install -y <package>`; scripts/install-system-deps.sh installs every package the system tests use).
 * A missing tool is a failure, never a skip. It lives with the rehearsal's artifact checks, which use it too.
 */
export { requireTool } from '../../rehearsal/artifact-checks';
