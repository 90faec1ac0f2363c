import { ScriptValue } from '../script/script-value';

/** The HTTP method of a {@link ReadinessProbe}. */
export enum HttpMethod {
  /** GET, no body. */
  GET = 'GET',
  /** POST with a body. */
  POST = 'POST',
}

/**
 * One HTTP request that must succeed before the server counts as ready; probes run in order, each
 * retried until its timeout.
 */
export interface ReadinessProbe {
  /** A short, secret-free name of the check, e.g. `the model answers a chat completion`. */
  readonly description: string;
  /**
   * The method.
   * @default HttpMethod.GET
   */
  readonly method?: HttpMethod;
  /** The path on the server's loopback port, e.g. `/health`. */
  readonly path: string;
  /**
   * Headers known at synth time (no secrets), e.g. `{ 'Content-Type': 'application/json' }`.
   * @default - none
   */
  readonly headers?: { readonly [name: string]: string };
  /**
   * A secret sent as `Authorization: Bearer <value>` (never in argv or the log).
   * @default - none
   */
  readonly bearerToken?: ScriptValue;
  /**
   * The request body (POST only), known at synth time.
   * @default - none
   */
  readonly body?: string;
  /**
   * The HTTP status that counts as ready.
   * @default 200
   */
  readonly expectStatus?: number;
  /**
   * An extended regular expression (grep -E) the response body must match, e.g.
   * `"object" *: *"chat\.completion"`.
   * @default - the body is not checked
   */
  readonly bodyPattern?: string;
  /**
   * The most seconds to keep probing.
   * @default 1800
   */
  readonly timeoutSeconds?: number;
}

/** Where a model server's weights come from. */
export enum ModelSourceKind {
  /** Downloaded from ModelScope by id and revision when the image is built, and kept in the image. */
  MODELSCOPE = 'modelscope',
  /** Already on the instance at a path (a data disk, an image made elsewhere). */
  LOCAL_PATH = 'local-path',
}

const MODELSCOPE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SAFE_PATH = /^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/;

/** Where the weights come from and where they are on the instance. */
export class ModelSource {
  /**
   * A ModelScope model baked into the image: the image build downloads `modelScopeId` at `revision`
   * into `<modelsDirectory>/<modelScopeId>`, which is where the server loads it from.
   * @param revision a tag or branch (ModelScope's client downloads branches and tags); `master` builds
   *   unpinned and the image build says so
   */
  public static modelScope(modelScopeId: string, revision: string, modelsDirectory: string): ModelSource {
    if (typeof modelScopeId !== 'string' || !MODELSCOPE_ID.test(modelScopeId)) {
      throw new Error(`ModelSource.modelScope: modelScopeId '${modelScopeId}' is not allowed: give '<owner>/<model>', e.g. 'Qwen/Qwen3-8B'.`);
    }
    if (typeof revision !== 'string' || !REVISION.test(revision)) {
      throw new Error(`ModelSource.modelScope: revision '${revision}' is not allowed: give a ModelScope tag or branch of letters, digits and '._-', e.g. 'v1.0.0' or 'master'.`);
    }
    checkPath('ModelSource.modelScope: modelsDirectory', modelsDirectory);
    return new ModelSource(ModelSourceKind.MODELSCOPE, `${modelsDirectory}/${modelScopeId}`, modelScopeId, revision);
  }

  /** Weights already at a path on the instance. */
  public static localPath(path: string): ModelSource {
    checkPath('ModelSource.localPath: path', path);
    return new ModelSource(ModelSourceKind.LOCAL_PATH, path);
  }

  private constructor(
    /** How the weights arrive. */
    public readonly kind: ModelSourceKind,
    /** The directory the server loads the weights from. */
    public readonly path: string,
    /** The ModelScope id (MODELSCOPE only). */
    public readonly modelScopeId?: string,
    /** The ModelScope revision (MODELSCOPE only). */
    public readonly revision?: string,
  ) {}
}

function checkPath(what: string, path: string): void {
  if (typeof path !== 'string' || !SAFE_PATH.test(path) || path.split('/').includes('..')) {
    throw new Error(`${what} '${path}' is not allowed: give an absolute path of letters, digits and '._-/', without '..' or a trailing '/'.`);
  }
}

/**
 * What a deploy needs from a served app: the command, where it runs, the loopback port it listens on,
 * how to tell it is ready, its environment (deploy-time secrets through an environment file of mode
 * 0600, never argv) and where its model comes from. `modelServerParts` turns it into a systemd unit and
 * health checks.
 */
export interface IModelServer {
  /** A short name for messages and the unit's description, e.g. `Qwen3-8B (bf16) on vLLM`. */
  readonly displayName: string;
  /**
   * The command as argv; the first element is an absolute path. An element may be exactly `${NAME}` for
   * a variable of `environment` or `environmentValues` (systemd substitutes it as one argument).
   */
  readonly command: readonly string[];
  /** The working directory, if the app needs one. */
  readonly workingDirectory?: string;
  /** The loopback port the server listens on (127.0.0.1 only: the proxy is the way in). */
  readonly port: number;
  /** Environment known at synth time. */
  readonly environment: { readonly [name: string]: string };
  /** Environment known at deploy time (parameters, secrets): written to the unit's environment file, mode 0600. */
  readonly environmentValues: { readonly [name: string]: ScriptValue };
  /** Probes that must pass, in order, before the deploy signals SUCCESS. */
  readonly readiness: readonly ReadinessProbe[];
  /** Where the weights come from. */
  readonly modelSource: ModelSource;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SAFE_ARG = /^[A-Za-z0-9_@+=:,./-]+$/;
const ENV_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * Throws unless a model server is renderable: absolute program, safe arguments (or `${NAME}` of a
 * declared variable), a port, safe environment names and values, and at least one probe with a path.
 * @param owner prefix of the message, e.g. `VllmServer`
 */
export function validateModelServer(server: IModelServer, owner: string): void {
  if (server.command.length === 0 || !SAFE_PATH.test(server.command[0])) {
    throw new Error(`${owner}: command[0] '${server.command[0]}' is not allowed: give the absolute path of the program, e.g. '/usr/local/python3/bin/python3'.`);
  }
  const declared = new Set([...Object.keys(server.environment), ...Object.keys(server.environmentValues)]);
  server.command.forEach((arg, i) => {
    const ref = ENV_REF.exec(arg);
    if (ref) {
      if (!declared.has(ref[1])) {
        throw new Error(`${owner}: command[${i}] '${arg}' names no variable of environment or environmentValues; declare ${ref[1]} there.`);
      }
    } else if (!SAFE_ARG.test(arg)) {
      throw new Error(`${owner}: command[${i}] '${arg}' is not allowed: use letters, digits and '_@+=:,./-', or exactly \${NAME} of a declared variable.`);
    }
  });
  if (!Number.isInteger(server.port) || server.port < 1 || server.port > 65535) {
    throw new Error(`${owner}: port ${server.port} is not allowed: give a whole port number from 1 to 65535.`);
  }
  for (const [k, v] of Object.entries(server.environment)) {
    if (!ENV_NAME.test(k) || !SAFE_ARG.test(v)) {
      throw new Error(`${owner}: environment ${k}='${v}' is not allowed: names of letters, digits and '_'; values of letters, digits and '_@+=:,./-'.`);
    }
  }
  for (const [k, v] of Object.entries(server.environmentValues)) {
    if (!ENV_NAME.test(k) || !(v instanceof ScriptValue)) {
      throw new Error(`${owner}: environmentValues '${k}' is not allowed: give a variable name and a ScriptValue.`);
    }
    if (k in server.environment) {
      throw new Error(`${owner}: '${k}' is in both environment and environmentValues; set it in one.`);
    }
  }
  if (server.readiness.length === 0) {
    throw new Error(`${owner}: readiness is empty; give at least one probe, e.g. { description: 'the app answers', path: '/' }.`);
  }
  server.readiness.forEach((p, i) => {
    if (!/^\/[A-Za-z0-9_.~/-]*$/.test(p.path)) {
      throw new Error(`${owner}: readiness[${i}].path '${p.path}' is not allowed: give a path such as '/health' (no query).`);
    }
    if (p.body !== undefined && (p.method ?? HttpMethod.GET) !== HttpMethod.POST) {
      throw new Error(`${owner}: readiness[${i}] has a body but method ${p.method ?? 'GET'}; use HttpMethod.POST.`);
    }
    if (p.bearerToken !== undefined && !p.bearerToken.secret) {
      throw new Error(`${owner}: readiness[${i}].bearerToken '${p.bearerToken.name}' is not marked secret; use a NoEcho parameter or { secret: true }.`);
    }
  });
}
