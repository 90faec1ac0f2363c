import { HealthCheck } from '../script/health-check';
import { IScriptPart } from '../script/deploy-script';
import { ServiceUser, SystemdService } from '../script/systemd-service';
import { HttpMethod, IModelServer, validateModelServer } from './model-server';

/** Props for {@link ModelServerDeployment}. */
export interface ModelServerDeploymentProps {
  /** The server. */
  readonly server: IModelServer;
  /** The systemd unit's name (without `.service`). */
  readonly serviceName: string;
  /**
   * More synth-time environment (e.g. `ImageLayout.serviceEnvironment`).
   * @default - none
   */
  readonly environment?: { readonly [name: string]: string };
  /**
   * Seconds systemd waits for the server to start and stop (TimeoutSec=).
   * @default 120
   */
  readonly timeoutSec?: number;
  /**
   * Run the server as this system user, not root (SystemdService `user`).
   * @default - root
   */
  readonly user?: ServiceUser;
  /**
   * Sandbox the unit (SystemdService `sandbox`: NoNewPrivileges, ProtectSystem=full, PrivateTmp, and
   * ProtectHome with a user).
   * @default false
   */
  readonly sandbox?: boolean;
}

/**
 * A model server as deploy-script parts: its systemd unit (command as ExecStart, synth-time environment
 * as Environment=, deploy-time values and secrets in the unit's EnvironmentFile, mode 0600) and one
 * health check per readiness probe, each watching the unit for crashes, in order. The script signals
 * SUCCESS only after all of them pass.
 */
export class ModelServerDeployment {
  /** The unit. */
  public readonly service: SystemdService;
  /** The readiness checks, in order. */
  public readonly checks: readonly HealthCheck[];
  /** The unit's parts then the checks: add them to a DeployScript. */
  public readonly parts: readonly IScriptPart[];

  constructor(props: ModelServerDeploymentProps) {
    const s = props.server;
    validateModelServer(s, 'ModelServerDeployment');
    this.service = new SystemdService({
      name: props.serviceName,
      description: s.displayName,
      workingDirectory: s.workingDirectory,
      execStart: s.command,
      environment: { ...s.environment, ...props.environment },
      environmentValues: s.environmentValues,
      timeoutSec: props.timeoutSec,
      user: props.user,
      sandbox: props.sandbox,
    });
    this.checks = s.readiness.map((probe) => new HealthCheck({
      description: probe.description,
      url: `http://127.0.0.1:${s.port}${probe.path}`,
      expectStatus: probe.expectStatus,
      timeoutSeconds: probe.timeoutSeconds ?? 1800,
      watchUnit: this.service.unitName,
      request: probe.method === HttpMethod.POST || probe.headers || probe.bearerToken || probe.bodyPattern !== undefined
        ? {
          method: probe.method ?? HttpMethod.GET,
          headers: probe.headers,
          bearerToken: probe.bearerToken,
          body: probe.body,
          bodyPattern: probe.bodyPattern,
        }
        : undefined,
    }));
    this.parts = [...this.service.parts, ...this.checks];
  }
}
