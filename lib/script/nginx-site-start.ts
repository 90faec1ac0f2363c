import { isSafeAbsolutePath, shellQuote } from './private/shell';
import { IScriptPart, ScriptPhase } from './deploy-script';
import { ScriptValue } from './script-value';

/** Props for {@link NginxSiteStart}. */
export interface NginxSiteStartProps {
  /** The port the site listens on (labelled `http_port_t` where SELinux is enabled). */
  readonly listenPort: number;
  /** The site file; nginx must include it (checked in `nginx -T`'s list of the files it read). */
  readonly sitePath: string;
  /**
   * Files nginx's worker processes read (an htpasswd file): their group becomes the workers' group
   * from the `user` directive that `nginx -T` shows. Their mode is the writer's (e.g. 0640).
   * @default - none
   */
  readonly workerReadableFiles?: readonly string[];
  /**
   * Other files nginx reads (a key map the master process includes, certificates): relabelled with
   * `restorecon` where SELinux is enabled, like the site and the worker-readable files.
   * @default - none
   */
  readonly otherFiles?: readonly string[];
  /**
   * The most time the step may take, in seconds (`setsebool -P` and `semanage port` rebuild the
   * SELinux policy, which takes seconds on a small instance).
   * @default 90
   */
  readonly budgetSeconds?: number;
}

/**
 * Starts nginx with a site, on any supported base (Alibaba Cloud Linux 3, Ubuntu 22.04, CentOS 7): the
 * OS-facing steps both nginx proxies share.
 *
 * 1. Where SELinux is enabled (`selinuxenabled`): `setsebool -P httpd_can_network_connect 1` (nginx may
 *    connect to the app), the listen port labelled `http_port_t` with `semanage port -a`, or `-m` when the
 *    policy already gives the port another type (5000 is `commplex_main_port_t` in the RHEL policy),
 *    unless `semanage port -l` already lists it as `http_port_t`; `restorecon` on the site and the other
 *    files. Without semanage the step fails naming the package (SELinux policy: httpd_t may bind only
 *    ports labelled http_port_t and similar, https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/8/html/using_selinux/configuring-selinux-for-applications-and-services-with-non-standard-configurations_using-selinux).
 * 2. `nginx -t`.
 * 3. `nginx -T` (the whole configuration, each file after a `# configuration file <path>:` line,
 *    nginx src/core/nginx.c ngx_dump_config / https://nginx.org/en/docs/switches.html): the site must be
 *    among the files read, else the step fails naming nginx.conf and the `include` line to add; the first
 *    `user USER [GROUP];` directive (GROUP defaults to USER's name, https://nginx.org/r/user) gives
 *    the group of the worker-readable files. Only the file header lines and the `user` lines are kept
 *    from the dump: it also holds included secrets such as an API-key map.
 * 4. `systemctl enable nginx` and `systemctl restart nginx`.
 *
 * Nothing here needs a package manager or a bash newer than 4.2 (CentOS 7).
 */
export class NginxSiteStart implements IScriptPart {
  public readonly phase = ScriptPhase.SERVICES;
  public readonly values: readonly ScriptValue[] = [];
  public readonly requiredCommands: readonly string[] = ['nginx', 'systemctl'];
  public readonly description: string;
  public readonly budgetSeconds: number;
  /** The port the site listens on. */
  public readonly listenPort: number;
  /** The site file. */
  public readonly sitePath: string;
  /** Files whose group becomes the nginx workers' group. */
  public readonly workerReadableFiles: readonly string[];
  /** Other files nginx reads (relabelled under SELinux). */
  public readonly otherFiles: readonly string[];

  constructor(props: NginxSiteStartProps) {
    const p = props.listenPort;
    if (!Number.isInteger(p) || p < 1 || p > 65535) {
      throw new Error(`NginxSiteStart: listenPort ${p} is not allowed: give a whole port number from 1 to 65535.`);
    }
    this.listenPort = p;
    this.sitePath = props.sitePath;
    this.workerReadableFiles = [...props.workerReadableFiles ?? []];
    this.otherFiles = [...props.otherFiles ?? []];
    const named: Array<[string, string]> = [
      ['sitePath', this.sitePath],
      ...this.workerReadableFiles.map((f, i): [string, string] => [`workerReadableFiles[${i}]`, f]),
      ...this.otherFiles.map((f, i): [string, string] => [`otherFiles[${i}]`, f]),
    ];
    for (const [name, path] of named) {
      if (!isSafeAbsolutePath(path) || path.endsWith('/')) {
        throw new Error(`NginxSiteStart: ${name} '${path}' is not allowed: give an absolute file path of letters, digits and '_@+=:,./-', without '..'.`);
      }
    }
    this.budgetSeconds = props.budgetSeconds ?? 90;
    if (!Number.isInteger(this.budgetSeconds) || this.budgetSeconds < 1) {
      throw new Error(`NginxSiteStart: budgetSeconds ${this.budgetSeconds} is not allowed: give a whole number of seconds >= 1.`);
    }
    this.description = `start nginx on port ${p}`;
  }

  public renderCommands(): string {
    const port = this.listenPort;
    const relabel = [this.sitePath, ...this.workerReadableFiles, ...this.otherFiles].map(shellQuote).join(' ');
    const siteDir = this.sitePath.substring(0, this.sitePath.lastIndexOf('/')) || '/';
    const header = shellQuote(`# configuration file ${this.sitePath}:`);
    const lines = [
      'if command -v selinuxenabled >/dev/null && selinuxenabled; then',
      "  command -v semanage >/dev/null || ds_fail 'SELinux is enabled and semanage is missing: install policycoreutils-python-utils (policycoreutils-python on CentOS 7) in the image'",
      '  setsebool -P httpd_can_network_connect 1',
      '  ds_t=$(semanage port -l)',
      `  grep -Eq '^http_port_t +tcp +([0-9, -]*[ ,])?${port}(,|$)' <<< "$ds_t" || semanage port -a -t http_port_t -p tcp ${port} 2>/dev/null || semanage port -m -t http_port_t -p tcp ${port}`,
      `  restorecon ${relabel}`,
      'fi',
      "nginx -t || ds_fail 'nginx -t rejected the configuration'",
      // Only the file names and the user lines are kept: the dump holds included secrets (an API-key map).
      "ds_t=$(nginx -T 2>/dev/null | sed -nr '/^# configuration file /p;s/^[[:space:]]*user[[:space:]]+([^[:space:];]+)[[:space:]]*([^[:space:];]*).*/user \\1 \\2/p')",
      "ds_g='' ds_c=''",
      'while read -r ds_a ds_b ds_x ds_y; do',
      '  [ "$ds_a" != user ] || [ -n "$ds_g" ] || ds_g=${ds_x:-$ds_b}',
      '  [ "$ds_a" != "#" ] || [ -n "$ds_c" ] || ds_c=${ds_y%:}',
      'done <<< "$ds_t"',
      `[[ $ds_t == *${header}* ]] || ds_fail "nginx does not read ${this.sitePath}: add 'include ${siteDir}/*.conf;' to the http block of $ds_c"`,
    ];
    if (this.workerReadableFiles.length > 0) {
      // nginx -t has checked that the user directive's group exists.
      lines.push(`if [ -n "$ds_g" ]; then chgrp "$ds_g" ${this.workerReadableFiles.map(shellQuote).join(' ')}; else ds_log 'nginx -T shows no user directive: the group of the files nginx workers read is kept'; fi`);
    }
    lines.push('systemctl enable nginx', 'systemctl restart nginx');
    return lines.join('\n');
  }
}
