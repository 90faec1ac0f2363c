import * as ros from '@alicloud/ros-cdk-core';
import { ServiceLoadBalancer } from '../loadbalancer/service-load-balancer';
import { INetwork } from '../network/network';
import { assertLogicalIdFree } from '../ros/logical-id';
import { DeployScript, IScriptPart } from '../script/deploy-script';
import { WaitConditionCallback } from '../signal/wait-condition-callback';
import { EssScalingConfiguration, EssScalingGroup, EssScalingGroupEnable, ESS_USER_DATA_MAX_BYTES } from './ess';

/** Props for {@link ScriptedScalingGroup}. */
export interface ScriptedScalingGroupProps {
  /** The VSwitch the instances go into and the security group they join. */
  readonly network: INetwork;
  /** The fewest instances (1 to 20, or a number token): the deployment waits for one SUCCESS from each of them. */
  readonly minSize: number;
  /** The most instances the group may run (not below minSize, at most 1000, or a number token). */
  readonly maxSize: number;
  /** The instance type (a literal or a token). */
  readonly instanceType: string;
  /** The image the instances start from. */
  readonly imageId: string;
  /** The deploy script's parts: the same parts a `ScriptedDeployment` runs through a RunCommand. */
  readonly parts: readonly IScriptPart[];
  /**
   * The balancer the group attaches its instances to (and detaches them from when it scales in).
   * Give one made without `instances`: the group attaches its own.
   * @default - none
   */
  readonly loadBalancer?: ServiceLoadBalancer;
  /**
   * The file on the instance that gets the script's progress lines.
   * @default '/var/log/deploy-script.log' (DeployScript's default)
   */
  readonly logFile?: string;
  /**
   * Seconds the wait allows on top of the script's budget, for ESS to start the instances and them to boot.
   * @default 900
   */
  readonly startupMarginSeconds?: number;
  /**
   * A RAM role the instances get.
   * @default - none
   */
  readonly ramRoleName?: string;
  /**
   * The key pair for SSH logins.
   * @default - none
   */
  readonly keyPairName?: string;
  /**
   * The system disk's size, GiB.
   * @default 100
   */
  readonly systemDiskSizeGiB?: number;
  /**
   * Prefix of the logical ids (`ScalingGroup`, `ScalingConfiguration`, `ScalingGroupEnable`,
   * `WaitConditionHandle`, `WaitCondition`); a stack that also has a ScriptedDeployment needs one.
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

/** The most instances one stack waits for at creation (as the RunCommand path's limit, lib/ros/limits.ts). */
const MAX_MIN_SIZE = 20;

/**
 * An ESS scaling group whose instances run a {@link DeployScript} from their user data: the same
 * parts, rendered into the same `Fn::Sub`, that a `ScriptedDeployment` gives a RunCommand. The wait
 * counts one SUCCESS per instance of `minSize` and starts when the group is enabled; instances the
 * group adds later run the same script at their first boot (their signals reach a wait that is
 * already complete). With `loadBalancer`, the group attaches every instance it starts to the CLB
 * and detaches the ones it removes.
 *
 * What it is not: no scaling rules or alarms (the group keeps `minSize` and replaces a stopped
 * instance; scaling out means raising minSize, or adding rules to `scalingGroup` yourself), and
 * no deploy-time value that only a RunCommand has (a Cloud Assistant `{{...}}` parameter, such as
 * an OOS secret reference, is refused: user data is not run by Cloud Assistant).
 */
export class ScriptedScalingGroup extends ros.Construct {
  /** The scaling group. */
  public readonly scalingGroup: EssScalingGroup;
  /** The scaling configuration (with the user data). */
  public readonly configuration: EssScalingConfiguration;
  /** The enabling of the group with the configuration. */
  public readonly enable: EssScalingGroupEnable;
  /** The wait for the first instances' signals. */
  public readonly callback: WaitConditionCallback;
  /** The deploy script the user data runs. */
  public readonly script: DeployScript;
  /** How many instances the deployment waits for (minSize). */
  public readonly minSize: number;

  constructor(scope: ros.Construct, id: string, props: ScriptedScalingGroupProps) {
    super(scope, id);
    const owner = 'ScriptedScalingGroup';
    const prefix = props.logicalIdPrefix ?? '';
    for (const logicalId of ['WaitConditionHandle', 'WaitCondition']) {
      assertLogicalIdFree(this, `${prefix}${logicalId}`, owner, 'logicalIdPrefix');
    }
    this.minSize = props.minSize;
    if (!ros.Token.isUnresolved(this.minSize) && (!Number.isInteger(this.minSize) || this.minSize < 1 || this.minSize > MAX_MIN_SIZE)) {
      throw new Error(`${owner}: minSize ${this.minSize} is not allowed: give a whole number from 1 to ${MAX_MIN_SIZE} (the deployment waits for one signal from each).`);
    }
    this.scalingGroup = new EssScalingGroup(this, 'Group', {
      minSize: props.minSize,
      maxSize: props.maxSize,
      vSwitchId: props.network.vSwitchId,
      loadBalancerIds: props.loadBalancer === undefined ? undefined : [props.loadBalancer.loadBalancer.loadBalancerId],
      logicalIdPrefix: prefix,
    });
    if (props.loadBalancer !== undefined) {
      if (props.loadBalancer.backendServers !== undefined) {
        throw new Error(`${owner}: loadBalancer has instances attached already (made with 'instances'); give one made without them: the scaling group attaches its own.`);
      }
      // ESS attaches to the balancer's listeners: they must exist (with their health check) first.
      this.scalingGroup.resource.addRosDependency(props.loadBalancer.listener.resource.logicalId);
    }
    this.callback = new WaitConditionCallback(this, 'Signal', {
      count: this.minSize,
      startupMarginSeconds: props.startupMarginSeconds,
      logicalIdPrefix: prefix,
    });
    this.script = new DeployScript({ signal: this.callback, logFile: props.logFile });
    this.script.addParts(...props.parts);
    this.configuration = new EssScalingConfiguration(this, 'Configuration', {
      scalingGroupId: this.scalingGroup.scalingGroupId,
      imageId: props.imageId,
      instanceType: props.instanceType,
      securityGroupId: props.network.securityGroupId,
      // A problem is reported by validate(); the placeholder is never written to a template.
      userData: ros.Lazy.stringValue({ produce: () => (this.problem() === undefined ? this.script.toFnSub() : '#!/bin/bash\nexit 1\n') }),
      ramRoleName: props.ramRoleName,
      keyPairName: props.keyPairName,
      systemDiskSizeGiB: props.systemDiskSizeGiB,
      logicalIdPrefix: prefix,
    });
    this.enable = new EssScalingGroupEnable(this, 'Enable', {
      scalingGroupId: this.scalingGroup.scalingGroupId,
      scalingConfigurationId: this.configuration.scalingConfigurationId,
      logicalIdPrefix: prefix,
    });
    // The wait's clock starts when the group is enabled (it then starts minSize instances).
    this.callback.startAfter(this.enable.resource);
  }

  protected override validate(): string[] {
    const problem = this.problem();
    return problem === undefined ? [] : [problem];
  }

  /** What keeps the script from being user data, or undefined. */
  private problem(): string | undefined {
    let rendered;
    try {
      rendered = this.script.render();
    } catch (e) {
      return (e as Error).message;
    }
    if (!rendered.body.startsWith('#!/bin/bash\n')) {
      return 'ScriptedScalingGroup: the script does not start with #!/bin/bash, so cloud-init would not run it as user data.';
    }
    // Cloud Assistant's parameter forms ({{name}}, {{oos:...}}, {{oos-secret:...}}, {{ACS::...}}), in the
    // body or in a part (parts travel packed in the body; `readable` has them unpacked).
    const parameter = /\{\{\s*[A-Za-z][A-Za-z0-9_:.-]*\s*\}\}/.exec(`${rendered.body}\n${rendered.readable}`);
    if (parameter !== null) {
      return `ScriptedScalingGroup: the script refers to the Cloud Assistant parameter '${parameter[0]}', which only a RunCommand fills in; user data would run it as it is. Give that value through the template (a ScriptValue from a parameter or an attribute), or deploy with a ScriptedDeployment.`;
    }
    const bytes = Buffer.byteLength(rendered.body) + rendered.reserveBytes;
    if (bytes > ESS_USER_DATA_MAX_BYTES) {
      return `ScriptedScalingGroup: the user data would be up to ${bytes} bytes (with ${rendered.reserveBytes} bytes kept for substituted values); ALIYUN::ESS::ScalingConfiguration allows ${ESS_USER_DATA_MAX_BYTES}. Remove parts or move work into the image build.`;
    }
    return undefined;
  }
}
