/** Props for {@link ImageLayout}. */
export interface ImageLayoutProps {
  /** Prefix of the Python installation the image provides: python is `<prefix>/bin/python3`. */
  readonly pythonPrefix: string;
  /**
   * Prefix of an OpenSSL the image builds beside the system's: `<prefix>/bin/openssl`, libraries
   * in `<prefix>/lib`.
   * @default - none: the system's `openssl` and libraries
   */
  readonly opensslPrefix?: string;
  /** The app's directory (its checkout, and the unit's WorkingDirectory). */
  readonly appDirectory: string;
  /** Where the model's weights are downloaded to (the model hub's cache directory). */
  readonly modelCacheDirectory: string;
  /**
   * Commands the image installs beyond the base OS, which the deploy script uses; the build
   * fails if one is missing.
   * @default []
   */
  readonly tools?: readonly string[];
}

const SAFE_PATH = /^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/;
const TOOL = /^[a-z0-9][a-z0-9._-]*$/;
/** The system directories every unit's PATH ends with. */
const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * Where an image keeps what the deploy script relies on: the one description both the image
 * build (which installs there) and the stack (which runs from there) read, so no path of the
 * image is written twice.
 */
export class ImageLayout {
  /** Prefix of the Python installation. */
  public readonly pythonPrefix: string;
  /** Prefix of the image's own OpenSSL, if it builds one. */
  public readonly opensslPrefix?: string;
  /** The app's directory. */
  public readonly appDirectory: string;
  /** The model cache directory. */
  public readonly modelCacheDirectory: string;
  /** Commands the image installs for the deploy script. */
  public readonly tools: readonly string[];

  constructor(props: ImageLayoutProps) {
    const paths: [string, string | undefined][] = [
      ['pythonPrefix', props.pythonPrefix], ['opensslPrefix', props.opensslPrefix],
      ['appDirectory', props.appDirectory], ['modelCacheDirectory', props.modelCacheDirectory],
    ];
    for (const [prop, value] of paths) {
      if (value === undefined && prop === 'opensslPrefix') continue;
      if (typeof value !== 'string' || !SAFE_PATH.test(value) || value.split('/').includes('..')) {
        throw new Error(`ImageLayout: ${prop} ${JSON.stringify(value)} is not allowed: give an absolute path of letters, digits and '._-/', without '..' or a trailing '/', e.g. '/usr/local/python3'.`);
      }
    }
    (props.tools ?? []).forEach((tool, i) => {
      if (!TOOL.test(tool)) {
        throw new Error(`ImageLayout: tools[${i}] '${tool}' is not allowed: give a bare command name such as 'nginx'.`);
      }
    });
    this.pythonPrefix = props.pythonPrefix;
    this.opensslPrefix = props.opensslPrefix;
    this.appDirectory = props.appDirectory;
    this.modelCacheDirectory = props.modelCacheDirectory;
    this.tools = Object.freeze([...(props.tools ?? [])]);
  }

  /** The Python interpreter: `<pythonPrefix>/bin/python3`. */
  public get pythonPath(): string {
    return `${this.pythonPrefix}/bin/python3`;
  }

  /** The openssl program: `<opensslPrefix>/bin/openssl`, or `openssl` from PATH without a prefix. */
  public get opensslPath(): string {
    return this.opensslPrefix === undefined ? 'openssl' : `${this.opensslPrefix}/bin/openssl`;
  }

  /**
   * The environment a service on the image runs with: `PATH` with the Python's bin directory
   * first, then the system directories; `LD_LIBRARY_PATH` with the image's OpenSSL libraries when
   * it builds one.
   */
  public get serviceEnvironment(): { readonly [name: string]: string } {
    return {
      PATH: [`${this.pythonPrefix}/bin`, ...SYSTEM_PATH].join(':'),
      ...(this.opensslPrefix === undefined ? {} : { LD_LIBRARY_PATH: `${this.opensslPrefix}/lib` }),
    };
  }
}
