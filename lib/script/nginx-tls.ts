import { IScriptPart, ScriptPhase } from './deploy-script';
import { ScriptValue } from './script-value';

// TLS for the nginx sites the deploy script writes (NginxBasicAuth, NginxApiKey): one place that says how a
// site listens, which certificate it serves and how the script's own checks reach it.
//
// Sources:
// - nginx: `listen ... ssl`, ssl_certificate(_key), ssl_protocols, ssl_ciphers, ssl_prefer_server_ciphers,
//   ssl_session_cache/timeout (https://nginx.org/en/docs/http/ngx_http_ssl_module.html); error code 497
//   "a regular request has been sent to the HTTPS port" and `error_page 497 =301 ...` (same page,
//   "Error processing"); server_tokens (https://nginx.org/en/docs/http/ngx_http_core_module.html#server_tokens);
//   limit_req_zone / limit_req / limit_req_status (https://nginx.org/en/docs/http/ngx_http_limit_req_module.html).
// - Ciphers: Mozilla's "intermediate" TLS 1.2 list (ECDHE with AES-GCM or ChaCha20-Poly1305;
//   https://ssl-config.mozilla.org/ guidelines v5.7); TLS 1.3 suites are OpenSSL's defaults.
// - Certificate: an ECDSA P-256 key (`openssl ecparam -name prime256v1 -genkey`) and a self-signed
//   certificate from `openssl req -x509 -config FILE`, whose extensions (subjectAltName, basicConstraints,
//   extendedKeyUsage serverAuth, which Apple platforms require) come from the config file: that works on
//   OpenSSL 1.0.2 (CentOS 7) as on 1.1.1 and 3.0, where `-addext` would need 1.1.1
//   (https://www.openssl.org/docs/man1.0.2/man1/req.html).
// - The instance's addresses: ECS instance metadata at 100.100.100.200, items private-ipv4 and public-ipv4
//   (the fixed public IP; an EIP, item eipv4, is not asked for: the stacks here give no EIP), with a token
//   from PUT /latest/api/token when the metadata service runs in hardened mode
//   (https://www.alibabacloud.com/help/en/ecs/user-guide/instance-metadata-items,
//   https://www.alibabacloud.com/help/en/ecs/user-guide/view-instance-metadata); `hostname -I` lists the
//   addresses of the instance's interfaces when the metadata service does not answer.
// - Validity 825 days: the longest Apple platforms accept for a TLS server certificate
//   (https://support.apple.com/en-us/103769).

/** Where a site's certificate and key live: `<directory>/<port>.crt` and `<port>.key`. */
export const TLS_DIRECTORY = '/etc/nginx/tls';

/** TLS 1.2 and 1.3 only. */
export const TLS_PROTOCOLS = 'TLSv1.2 TLSv1.3';

/**
 * TLS 1.2 ciphers: ECDHE with AES-GCM or ChaCha20-Poly1305, the suites of Mozilla's intermediate list, in
 * OpenSSL's cipher-string form (https://www.openssl.org/docs/man1.1.1/man1/ciphers.html); TLS 1.3 uses
 * OpenSSL's own suites. OpenSSL 1.0.2 has no ChaCha20 and ignores that element.
 */
export const TLS12_CIPHERS = 'ECDHE+AESGCM:ECDHE+CHACHA20';

/** How a site serves TLS. */
export enum TlsMode {
  /** A certificate the script makes on the instance at deploy time (self-signed, ECDSA P-256). */
  GENERATED = 'generated',
  /** A certificate and key given as deploy-time values (PEM). */
  PEM = 'pem',
  /**
   * No TLS on the instance: plain HTTP. Only as an explicit choice, such as behind a load balancer
   * listener that ends TLS with its own certificate.
   */
  PLAIN_HTTP = 'plain-http',
}

/** Props for {@link NginxTls.generated}. */
export interface GeneratedCertificateProps {
  /**
   * More subject alternative names, known only at deploy time (a load balancer's address, a
   * domain name): IPv4 addresses or DNS names, checked by the script.
   * @default - the instance's own addresses and 127.0.0.1 only
   */
  readonly extraSubjectAltNames?: readonly ScriptValue[];
  /**
   * Days the certificate is valid.
   * @default 825
   */
  readonly validityDays?: number;
}

/** Props for {@link NginxTls.fromPem}. */
export interface PemCertificateProps {
  /** The certificate chain (PEM), server certificate first. */
  readonly certificatePem: ScriptValue;
  /** The private key (PEM), a secret. */
  readonly privateKeyPem: ScriptValue;
  /**
   * A DNS name of the certificate: the script's own checks ask for it (resolved to 127.0.0.1) and
   * verify the certificate against it.
   */
  readonly serverName: string;
  /**
   * The CA certificate(s) the checks trust (PEM), e.g. the certificate itself when it is
   * self-signed.
   * @default - the instance's system trust store
   */
  readonly caCertificatePem?: ScriptValue;
}

/** Props for {@link NginxTls.plainHttp}. */
export interface PlainHttpProps {
  /** Why plain HTTP is acceptable (at least 10 characters), e.g. `TLS ends at the load balancer`. */
  readonly reason: string;
}

/** How the deploy script's own checks reach a TLS site (a curl config on stdin). */
export interface TlsProbe {
  /** `https`. */
  readonly scheme: string;
  /** The host name in the probe URL (`127.0.0.1`, or the certificate's server name). */
  readonly host: string;
  /** curl config lines: `cacert = "..."`, `resolve = "..."`. */
  readonly curlConfig: readonly string[];
}

const DNS_NAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * The TLS of an nginx site: its `listen` and `ssl_*` lines, the script parts that put its certificate
 * in place (made on the instance, or given), and how the script's checks reach it with the certificate
 * pinned (never `-k`). Plain HTTP is a mode of its own, chosen explicitly with a reason.
 *
 * The generated certificate's SHA-256 fingerprint is left in `$ds_signal_data`, which the SUCCESS
 * signal carries as its `data` (see `WaitConditionCallback`), so the stack can output it.
 */
export class NginxTls {
  /** A self-signed ECDSA P-256 certificate made on the instance for its own addresses. */
  public static generated(props: GeneratedCertificateProps = {}): NginxTls {
    const days = props.validityDays ?? 825;
    if (!Number.isInteger(days) || days < 1 || days > 825) {
      throw new Error(`NginxTls.generated: validityDays ${days} is not allowed: give a whole number of days from 1 to 825 (Apple platforms refuse longer).`);
    }
    return new NginxTls(TlsMode.GENERATED, { days, extraNames: props.extraSubjectAltNames ?? [] });
  }

  /** A certificate and key given as deploy-time values (the key must be a secret value). */
  public static fromPem(props: PemCertificateProps): NginxTls {
    if (!props.privateKeyPem.secret) {
      throw new Error(`NginxTls.fromPem: privateKeyPem '${props.privateKeyPem.name}' is not marked secret: use a NoEcho parameter or ScriptValue option { secret: true }.`);
    }
    if (!DNS_NAME.test(props.serverName)) {
      throw new Error(`NginxTls.fromPem: serverName '${props.serverName}' is not allowed: give a DNS name the certificate holds, such as 'chat.example.com'.`);
    }
    return new NginxTls(TlsMode.PEM, { pem: props });
  }

  /** Plain HTTP, chosen explicitly: credentials then cross the network in clear text. */
  public static plainHttp(props: PlainHttpProps): NginxTls {
    if (props.reason.trim().length < 10) {
      throw new Error(`NginxTls.plainHttp: reason '${props.reason}' is not allowed: say in at least 10 characters why plain HTTP is acceptable, e.g. 'TLS ends at the load balancer'.`);
    }
    return new NginxTls(TlsMode.PLAIN_HTTP, { reason: props.reason.trim() });
  }

  /** How the site serves TLS. */
  public readonly mode: TlsMode;
  /** Why plain HTTP (PLAIN_HTTP only). */
  public readonly plainHttpReason?: string;
  private readonly days: number;
  private readonly extraNames: readonly ScriptValue[];
  private readonly pem?: PemCertificateProps;

  private constructor(mode: TlsMode, options: { days?: number; extraNames?: readonly ScriptValue[]; pem?: PemCertificateProps; reason?: string }) {
    this.mode = mode;
    this.days = options.days ?? 825;
    this.extraNames = options.extraNames ?? [];
    this.pem = options.pem;
    this.plainHttpReason = options.reason;
  }

  /** True unless plain HTTP. */
  public get enabled(): boolean {
    return this.mode !== TlsMode.PLAIN_HTTP;
  }

  /** `https` or `http`. */
  public get scheme(): string {
    return this.enabled ? 'https' : 'http';
  }

  /** The certificate file of the site on `port`. */
  public certificatePath(port: number): string {
    return `${TLS_DIRECTORY}/${port}.crt`;
  }

  /** The key file of the site on `port` (mode 0600, root). */
  public keyPath(port: number): string {
    return `${TLS_DIRECTORY}/${port}.key`;
  }

  /** The files nginx reads for the site on `port` (certificate and key; none for plain HTTP). */
  public files(port: number): string[] {
    return this.enabled ? [this.certificatePath(port), this.keyPath(port)] : [];
  }

  /**
   * The lines a `server` block starts with: `listen`, and with TLS the certificate, TLS 1.2/1.3 only,
   * the ciphers, a session cache, and a redirect of plain HTTP on the TLS port to https on the same
   * port (nginx's code 497) instead of a reset; `server_tokens off` in both modes.
   * @param port the port the site listens on
   * @param indent spaces before each line
   */
  public serverLines(port: number, indent = '    '): string[] {
    const lines = this.enabled
      ? [
        `listen ${port} ssl;`,
        `ssl_certificate ${this.certificatePath(port)};`,
        `ssl_certificate_key ${this.keyPath(port)};`,
        `ssl_protocols ${TLS_PROTOCOLS};`,
        `ssl_ciphers ${TLS12_CIPHERS};`,
        'ssl_session_tickets off;',
        // Plain HTTP on the TLS port: a redirect to https on the same port (the Host header keeps it).
        'error_page 497 =301 https://$http_host$request_uri;',
        'server_tokens off;',
      ]
      : [`listen ${port};`, 'server_tokens off;'];
    return lines.map((l) => `${indent}${l}`);
  }

  /** The deploy-time values the TLS parts read. */
  public get values(): ScriptValue[] {
    if (this.mode === TlsMode.GENERATED) return [...this.extraNames];
    if (this.mode === TlsMode.PEM) {
      const p = this.pem!;
      return [p.certificatePem, p.privateKeyPem, ...(p.caCertificatePem ? [p.caCertificatePem] : [])];
    }
    return [];
  }

  /**
   * The parts that put the site's certificate in place (COMMANDS phase, before nginx starts) and leave
   * its SHA-256 fingerprint in `$ds_signal_data` (and the deploy log); none for plain HTTP.
   * @param port the site's port
   */
  public parts(port: number): IScriptPart[] {
    if (this.mode === TlsMode.PLAIN_HTTP) return [];
    const crt = this.certificatePath(port);
    const key = this.keyPath(port);
    const description = this.mode === TlsMode.GENERATED
      ? `make the TLS certificate for port ${port}`
      : `install the given TLS certificate for port ${port}`;
    const commands = this.mode === TlsMode.GENERATED
      ? [`ds_tls_gen ${TLS_DIRECTORY}/${port} ${this.days}${this.extraNames.map((v) => ` ${v.quoted}`).join('')}`]
      : this.pemCommands(crt, key, port);
    return [{
      phase: ScriptPhase.COMMANDS,
      description,
      budgetSeconds: 60,
      values: this.values,
      requiredCommands: ['openssl', 'sed', ...(this.mode === TlsMode.GENERATED ? ['curl', 'hostname', 'sort', 'tr'] : ['mktemp'])],
      renderFunctions: () => this.mode === TlsMode.GENERATED
        ? [renderTlsGenerateFunction(), ...(this.extraNames.length > 0 ? [renderTlsNamesFunction()] : [])].join('\n\n')
        : renderTlsFingerprintFunction(),
      renderCommands: () => [...commands, `ds_tls_fp ${crt}`].join('\n'),
    }];
  }

  /**
   * How the script's checks reach the site on `port` with the certificate pinned: the generated
   * certificate is the only CA trusted and 127.0.0.1 is one of its names; a given one is checked
   * against `caCertificatePem` (or the system's CAs) with its server name resolved to 127.0.0.1.
   * Undefined for plain HTTP.
   */
  public probe(port: number): TlsProbe | undefined {
    if (this.mode === TlsMode.GENERATED) {
      return { scheme: 'https', host: '127.0.0.1', curlConfig: [`cacert = "${this.certificatePath(port)}"`] };
    }
    if (this.mode === TlsMode.PEM) {
      const p = this.pem!;
      return {
        scheme: 'https',
        host: p.serverName,
        curlConfig: [
          ...(p.caCertificatePem ? [`cacert = "${TLS_DIRECTORY}/${port}.ca.crt"`] : []),
          `resolve = "${p.serverName}:${port}:127.0.0.1"`,
        ],
      };
    }
    return undefined;
  }

  /** The URL of `path` on the site at `port`, as the script's checks ask for it. */
  public localUrl(port: number, path = '/'): string {
    const probe = this.probe(port);
    return `${probe?.scheme ?? 'http'}://${probe?.host ?? '127.0.0.1'}:${port}${path}`;
  }

  private pemCommands(crt: string, key: string, port: number): string[] {
    const p = this.pem!;
    const write = (file: string, value: ScriptValue, mode: string) =>
      `ds_tls_write ${file} ${mode} ${value.quoted}`;
    return [
      'ds_tls_write() { local t; t=$(mktemp "$1.XXXXXX"); chmod "$2" "$t"; printf \'%s\\n\' "$3" > "$t"; mv -f "$t" "$1"; }',
      `install -d -m 0755 ${TLS_DIRECTORY}`,
      '(umask 077',
      `  ${write(key, p.privateKeyPem, '0600')}`,
      `  ${write(crt, p.certificatePem, '0644')}`,
      ...(p.caCertificatePem ? [`  ${write(`${TLS_DIRECTORY}/${port}.ca.crt`, p.caCertificatePem, '0644')}`] : []),
      ')',
      `openssl x509 -in ${crt} -noout || ds_fail 'the given certificate for port ${port} is not a PEM certificate'`,
      `[ "$(openssl x509 -in ${crt} -noout -pubkey | openssl pkey -pubin -outform DER 2>/dev/null | openssl dgst -sha256)" = "$(openssl pkey -in ${key} -pubout -outform DER 2>/dev/null | openssl dgst -sha256)" ] || ds_fail 'the given private key for port ${port} does not match its certificate'`,
      `openssl x509 -in ${crt} -noout -checkend 0 || ds_fail 'the given certificate for port ${port} has expired'`,
    ];
  }
}

/**
 * `ds_tls_fp FILE`: the certificate's SHA-256 fingerprint (`AB:CD:...`) into `$ds_signal_data` (which the
 * SUCCESS signal carries) and the deploy log. OpenSSL 1.0.2 writes `SHA256 Fingerprint=`, 3.0
 * `sha256 Fingerprint=`.
 */
export function renderTlsFingerprintFunction(): string {
  return [
    'ds_tls_fp() {',
    "  ds_signal_data=$(openssl x509 -in \"$1\" -noout -fingerprint -sha256 | sed 's/.*=//')",
    '  [[ $ds_signal_data == ??:*:?? ]] || ds_fail "no fingerprint of $1"',
    '  ds_log "$1 SHA-256 $ds_signal_data"',
    '}',
  ].join('\n');
}

/**
 * `ds_tls_names NAME...`, called by `ds_tls_gen` (bash's dynamic scope: it appends to the caller's `s`):
 * each NAME as `IP:` (IPv4) or `DNS:` (a DNS name), anything else fails the step. Rendered only for a site
 * with `extraSubjectAltNames`, so a stock script does not carry it; without it, names given to `ds_tls_gen`
 * fail the step (command not found under `set -e`).
 */
export function renderTlsNamesFunction(): string {
  return [
    'ds_tls_names() {',
    '  local n',
    '  for n in "$@"; do',
    '    if [[ $n =~ ^[0-9]{1,3}(\\.[0-9]{1,3}){3}$ ]]; then s=$s,IP:$n',
    '    elif [[ $n =~ ^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$ ]]; then s=$s,DNS:$n',
    "    else ds_fail 'a TLS name is no IPv4 address or DNS name'; fi",
    '  done',
    '}',
  ].join('\n');
}

/**
 * `ds_tls_gen FILE DAYS [NAME...]`: a self-signed ECDSA P-256 certificate `FILE.crt` with key `FILE.key`
 * (mode 0600, never leaves the instance), whose subject alternative names are the instance's IPv4
 * addresses (metadata service private-ipv4 and public-ipv4, with a hardened-mode token when it gives
 * one; `hostname -I` too),
 * 127.0.0.1 and the NAMEs (IPv4 or DNS, checked by `ds_tls_names`). A certificate already there for the same names and
 * valid for 30 more days is kept, so an update of the stack does not change the fingerprint users
 * pinned. The extensions come from a config file (OpenSSL 1.0.2 has no `-addext`).
 */
export function renderTlsGenerateFunction(): string {
  return [
    renderTlsFingerprintFunction(),
    '',
    'ds_tls_gen() {',
    '  local f=$1 d=$2 m=http://100.100.100.200/latest t n s=IP:127.0.0.1',
    '  shift 2',
    // -m 2: the metadata service answers at once on ECS; elsewhere nothing waits long
    "  t=$(curl -sf -X PUT -m 2 -H 'X-aliyun-ecs-metadata-token-ttl-seconds: 60' $m/api/token) || t=''",
    '  for n in $({ for a in private-ipv4 public-ipv4; do curl -sf -m 2 ${t:+-H "X-aliyun-ecs-metadata-token: $t"} $m/meta-data/$a; echo; done',
    "    hostname -I; } | tr ' ' '\\n' | sort -u); do",
    '    [[ $n =~ ^[0-9]{1,3}(\\.[0-9]{1,3}){3}$ && ! $n =~ ^127\\. ]] && s=$s,IP:$n',
    '  done',
    '  [ $# -eq 0 ] || ds_tls_names "$@"',
    '  if [ "$(cat "$f.names" 2>/dev/null)" = "$s" ] && [ -s "$f.key" ] && openssl x509 -in "$f.crt" -noout -checkend 2592000 >/dev/null 2>&1; then',
    '    ds_log "$f.crt kept"; return 0',
    '  fi',
    '  install -d -m 0755 "${f%/*}"',
    // new key and certificate beside the old ones (.k, .c), moved in place only when both are made
    '  (umask 077; openssl ecparam -name prime256v1 -genkey -noout -out "$f.k" &&',
    "    openssl req -new -x509 -sha256 -days \"$d\" -key \"$f.k\" -out \"$f.c\" -config <(printf '[req]\\ndistinguished_name=n\\nx509_extensions=x\\nprompt=no\\n[n]\\nCN=%s\\n[x]\\nsubjectAltName=%s\\nbasicConstraints=critical,CA:FALSE\\nextendedKeyUsage=serverAuth\\n' \"$HOSTNAME\" \"$s\")) ||",
    "    ds_fail 'openssl could not make the TLS key and certificate'",
    '  chmod 644 "$f.c"; mv -f "$f.k" "$f.key"; mv -f "$f.c" "$f.crt"; printf \'%s\\n\' "$s" > "$f.names"',
    '  ds_log "$f.crt made for $s"',
    '}',
  ].join('\n');
}
