import * as ros from '@alicloud/ros-cdk-core';
import { IngressPort, ServiceNetwork } from '../network/service-network';
import { bilingual, BilingualText } from './console-metadata';

/**
 * Whether the service gets a new VPC or goes into one that exists: the values of the `VpcOption`
 * parameter, as Compute Nest templates spell them (`NewVPC` / `ExistingVPC`,
 * aliyun-computenest/quickstart-dify .computenest/ros_templates/template-HA.yaml, parameter VpcOption).
 */
export enum VpcOption {
  /** A new VPC and VSwitch from the `VpcCidrBlock` and `VSwitchCidrBlock` parameters. */
  NEW_VPC = 'NewVPC',
  /** The VPC and VSwitch chosen in the `VpcId` and `VSwitchId` parameters. */
  EXISTING_VPC = 'ExistingVPC',
}

/** An IPv4 CIDR block (the `SourceCidrIp` parameter's AllowedPattern). */
export const CIDR_PATTERN = '^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}/(3[0-2]|[12]?[0-9])$';

/** Props for {@link NetworkParameters}. */
export interface NetworkParametersProps {
  /**
   * The zone parameter (`${ZoneId}` in the console metadata): a new VSwitch is made in its zone, and
   * the existing VSwitches offered are those of the chosen VPC in that zone.
   */
  readonly zoneId: ros.RosParameter;
  /** The port clients connect to, named in `SourceCidrIp`'s description. */
  readonly servicePort: number;
  /**
   * `SourceCidrIp`'s description: who may connect, and what they reach there.
   * @default - a generic text naming the port
   */
  readonly sourceCidrIpDescription?: BilingualText;
  /**
   * The default of `VpcOption`.
   * @default VpcOption.NEW_VPC
   */
  readonly defaultVpcOption?: VpcOption;
  /**
   * The default of `EnablePublicAccess`.
   * @default true
   */
  readonly defaultPublicAccess?: boolean;
}

/** Props for {@link NetworkParameters.createNetwork}. */
export interface NetworkFromParametersProps {
  /**
   * Inbound TCP ports of the security group; a port clients reach takes `clientSourceCidrIp` as its source.
   */
  readonly ingressPorts: readonly IngressPort[];
  /**
   * Prefix of the logical ids (`EcsVpc`, `EcsVSwitch`, `EcsSecurityGroup`).
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

// Console visibility: `AssociationPropertyMetadata.Visible.Condition` with `${Parameter}` references
// (https://help.aliyun.com/document_detail/357710.htm); the pattern (VpcOption, hidden CIDR or id
// parameters, `Required` as an expression) is the one of aliyun-computenest/quickstart-dify
// .computenest/ros_templates/template-HA.yaml (parameters VpcOption, VpcCidrBlock, VpcId, VSwitchId1).
const whenNewVpc = { 'Fn::Equals': ['${VpcOption}', VpcOption.NEW_VPC] };
const whenExistingVpc = { 'Fn::Equals': ['${VpcOption}', VpcOption.EXISTING_VPC] };
const whenPublic = { 'Fn::Equals': ['${EnablePublicAccess}', true] };

/**
 * The console's network choices as ROS parameters and conditions, in the pattern of Compute Nest
 * templates: `VpcOption` (new or existing VPC), the new network's `VpcCidrBlock` and
 * `VSwitchCidrBlock` (shown for a new VPC), the existing `VpcId` and `VSwitchId` (shown for an
 * existing one; the VSwitch list filtered by the VPC and the zone), `EnablePublicAccess` (public
 * IPs and the public endpoint, or none) and `SourceCidrIp` (who may connect; shown where it
 * applies). The conditions `CreateVpc`, `PublicAccess`, `PrivateAccess` and
 * `PrivateAccessInNewVpc` make the new network and the public parts exist only when chosen.
 * `createNetwork` makes the matching {@link ServiceNetwork}.
 */
export class NetworkParameters extends ros.Construct {
  /** `VpcOption`: NewVPC or ExistingVPC. */
  public readonly vpcOption: ros.RosParameter;
  /** `VpcCidrBlock` (the reference's parameter): the new VPC's block. */
  public readonly vpcCidrBlock: ros.RosParameter;
  /** `VSwitchCidrBlock` (the reference's parameter): the new VSwitch's block. */
  public readonly vSwitchCidrBlock: ros.RosParameter;
  /** `VpcId`: the existing VPC. */
  public readonly vpcId: ros.RosParameter;
  /** `VSwitchId`: the existing VSwitch, in `VpcId` and the zone. */
  public readonly vSwitchId: ros.RosParameter;
  /** `EnablePublicAccess` (Boolean): public IPs and the public endpoint, or only the private one. */
  public readonly enablePublicAccess: ros.RosParameter;
  /** `SourceCidrIp`: who may connect to the service's port. */
  public readonly sourceCidrIp: ros.RosParameter;
  /** `CreateVpc`: VpcOption is NewVPC; the new VPC and VSwitch carry it. */
  public readonly createVpc: ros.RosCondition;
  /** `PublicAccess`: EnablePublicAccess is true. */
  public readonly publicAccess: ros.RosCondition;
  /** `PrivateAccess`: EnablePublicAccess is false. */
  public readonly privateAccess: ros.RosCondition;
  /** `PrivateAccessInNewVpc`: no public access in a new VPC (clients are the new VPC's addresses). */
  public readonly privateAccessInNewVpc: ros.RosCondition;
  /** The zone parameter given (a new VSwitch's zone; the existing VSwitches' filter). */
  public readonly zoneId: ros.RosParameter;
  /**
   * The source to admit on the port clients use: `SourceCidrIp`, or the new VPC's `VpcCidrBlock`
   * without public access in a new VPC (an `Fn::If`).
   */
  public readonly clientSourceCidrIp: string;

  constructor(scope: ros.Construct, id: string, props: NetworkParametersProps) {
    super(scope, id);
    this.zoneId = props.zoneId;
    const port = props.servicePort;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`NetworkParameters: servicePort ${port} is not allowed: give a whole port number from 1 to 65535.`);
    }
    const defaultVpcOption = props.defaultVpcOption ?? VpcOption.NEW_VPC;
    if (!Object.values(VpcOption).includes(defaultVpcOption)) {
      throw new Error(`NetworkParameters: defaultVpcOption '${defaultVpcOption}' is not allowed: give VpcOption.NEW_VPC or VpcOption.EXISTING_VPC.`);
    }
    const S = ros.RosParameterType.STRING;
    this.vpcOption = param(this, 'VpcOption', {
      type: S,
      label: { en: 'Select Existing or New VPC', 'zh-cn': '选择已有/新建的专有网络' },
      description: {
        en: 'A new VPC and VSwitch for the service, or a VPC and VSwitch you already have (the service then gets its own security group in it).',
        'zh-cn': '为服务新建专有网络和交换机，或使用您已有的专有网络和交换机（服务会在其中新建自己的安全组）。',
      },
      defaultValue: defaultVpcOption,
      allowedValues: [VpcOption.NEW_VPC, VpcOption.EXISTING_VPC],
      associationPropertyMetadata: {
        ValueLabelMapping: {
          [VpcOption.NEW_VPC]: { en: 'New VPC', 'zh-cn': '新建专有网络' },
          [VpcOption.EXISTING_VPC]: { en: 'Existing VPC', 'zh-cn': '已有专有网络' },
        },
      },
    });
    // VpcCidrBlock and VSwitchCidrBlock keep the reference template's definitions; only Visible is added.
    this.vpcCidrBlock = param(this, 'VpcCidrBlock', {
      type: S,
      label: { en: 'VPC CIDR IPv4 Block', 'zh-cn': '专有网络IPv4网段' },
      description: {
        'zh-cn': "VPC的ip地址段范围，<br>您可以使用以下的ip地址段或其子网:<br><font color='green'>[10.0.0.0/8]</font><br><font color='green'>[172.16.0.0/12]</font><br><font color='green'>[192.168.0.0/16]</font>",
        en: "The ip address range of the VPC in the CidrBlock form; <br>You can use the following ip address ranges and their subnets: <br><font color='green'>[10.0.0.0/8]</font><br><font color='green'>[172.16.0.0/12]</font><br><font color='green'>[192.168.0.0/16]</font>",
      },
      defaultValue: '192.168.0.0/16',
      associationProperty: 'ALIYUN::VPC::VPC::CidrBlock',
      associationPropertyMetadata: { Visible: { Condition: whenNewVpc } },
    });
    this.vSwitchCidrBlock = param(this, 'VSwitchCidrBlock', {
      type: S,
      label: { en: 'VSwitch CIDR Block', 'zh-cn': '交换机子网网段' },
      description: { 'zh-cn': '必须属于VPC的子网段。', en: 'Must belong to the subnet segment of VPC.' },
      defaultValue: '192.168.1.0/24',
      associationProperty: 'ALIYUN::VPC::VSwitch::CidrBlock',
      associationPropertyMetadata: { VpcCidrBlock: 'VpcCidrBlock', Visible: { Condition: whenNewVpc } },
    });
    // Hidden unless ExistingVPC: a Default of '' lets a new-VPC deploy leave them out; the console
    // requires them for ExistingVPC (Required as a condition, as in quickstart-dify's VpcId).
    this.vpcId = param(this, 'VpcId', {
      type: S,
      label: { en: 'VPC ID', 'zh-cn': '专有网络VPC实例ID' },
      description: { en: 'The existing VPC the service is deployed into.', 'zh-cn': '部署服务的已有专有网络。' },
      defaultValue: '',
      required: whenExistingVpc as unknown as boolean,
      associationProperty: 'ALIYUN::ECS::VPC::VPCId',
      associationPropertyMetadata: { Visible: { Condition: whenExistingVpc } },
    });
    this.vSwitchId = param(this, 'VSwitchId', {
      type: S,
      label: { en: 'VSwitch ID', 'zh-cn': '交换机实例ID' },
      description: {
        en: 'An existing VSwitch of that VPC, in the chosen zone; the instances get their private addresses from it.',
        'zh-cn': '该专有网络中位于所选可用区的已有交换机，实例从中获得内网地址。',
      },
      defaultValue: '',
      required: whenExistingVpc as unknown as boolean,
      // The VSwitch list follows the chosen VPC and zone (AssociationProperty ALIYUN::ECS::VSwitch::VSwitchId
      // with VpcId and ZoneId, as in aliyun/ros-templates and aliyun-computenest/springboot-scaling-ecs-demo).
      associationProperty: 'ALIYUN::ECS::VSwitch::VSwitchId',
      associationPropertyMetadata: { VpcId: '${VpcId}', ZoneId: `\${${props.zoneId.logicalId}}`, Visible: { Condition: whenExistingVpc } },
    });
    this.enablePublicAccess = param(this, 'EnablePublicAccess', {
      type: ros.RosParameterType.BOOLEAN,
      label: { en: 'Public Access', 'zh-cn': '公网访问' },
      description: {
        en: 'Give the service a public address. Off: no public IP at all; only the private endpoint is output, reachable inside the VPC (and networks connected to it).',
        'zh-cn': '为服务分配公网地址。关闭时不分配任何公网 IP，仅输出内网访问地址，在专有网络（及与其连通的网络）内可达。',
      },
      defaultValue: props.defaultPublicAccess ?? true,
    });
    // Without public access in a new VPC, the new VPC's block is admitted instead (clientSourceCidrIp).
    this.sourceCidrIp = sourceCidrIp(this, port, props.sourceCidrIpDescription, { Visible: { Condition: { 'Fn::Or': [whenPublic, whenExistingVpc] } } });

    // Conditions compare the parameters' values (ROS Conditions, https://www.alibabacloud.com/help/en/ros/user-guide/conditions;
    // a Boolean parameter compared with true as in quickstart-dify's EnableTLSConfigConditions).
    this.createVpc = new ros.RosCondition(this, 'CreateVpc', {
      expression: ros.Fn.conditionEquals(this.vpcOption.valueAsString, VpcOption.NEW_VPC),
    });
    this.publicAccess = new ros.RosCondition(this, 'PublicAccess', {
      expression: ros.Fn.conditionEquals(true, this.enablePublicAccess.value),
    });
    this.privateAccess = new ros.RosCondition(this, 'PrivateAccess', {
      expression: ros.Fn.conditionNot(this.publicAccess),
    });
    this.privateAccessInNewVpc = new ros.RosCondition(this, 'PrivateAccessInNewVpc', {
      expression: ros.Fn.conditionAnd(this.privateAccess, this.createVpc),
    });
    this.clientSourceCidrIp = ros.Token.asString(ros.Fn.conditionIf(
      this.privateAccessInNewVpc.logicalId, this.vpcCidrBlock.valueAsString, this.sourceCidrIp.valueAsString,
    ));
  }

  /** The parameters in the order the console shows them. */
  public get parameters(): ros.RosParameter[] {
    return [this.vpcOption, this.vpcCidrBlock, this.vSwitchCidrBlock, this.vpcId, this.vSwitchId, this.enablePublicAccess, this.sourceCidrIp];
  }

  /**
   * The network the parameters choose: the new VPC and VSwitch (logical ids `EcsVpc`,
   * `EcsVSwitch`, made only under `CreateVpc`) or the existing ones, and the service's own
   * security group (`EcsSecurityGroup`) in the VPC used.
   */
  public createNetwork(scope: ros.Construct, id: string, props: NetworkFromParametersProps): ServiceNetwork {
    return new ServiceNetwork(scope, id, {
      vpcCidrBlock: this.vpcCidrBlock.valueAsString,
      vSwitchCidrBlock: this.vSwitchCidrBlock.valueAsString,
      zoneId: this.zoneId.valueAsString,
      ingressPorts: props.ingressPorts,
      logicalIdPrefix: props.logicalIdPrefix,
      newNetworkCondition: this.createVpc,
      existingVpcId: this.vpcId.valueAsString,
      existingVSwitchId: this.vSwitchId.valueAsString,
    });
  }
}

/**
 * The `SourceCidrIp` console parameter: who may connect to `servicePort` (an IPv4 CIDR block,
 * default 0.0.0.0/0, checked by {@link CIDR_PATTERN}). `NetworkParameters` makes it; a stack with a
 * network of its own making can use this one alone.
 * @param scope where the parameter goes (its logical id is `SourceCidrIp`)
 * @param servicePort the port clients connect to, named in the description
 * @param description who may connect and what they reach (default: a generic text naming the port)
 */
export function sourceCidrIpParameter(scope: ros.Construct, servicePort: number, description?: BilingualText): ros.RosParameter {
  return sourceCidrIp(scope, servicePort, description, undefined);
}

function sourceCidrIp(scope: ros.Construct, port: number, description: BilingualText | undefined, metadata: { [key: string]: unknown } | undefined): ros.RosParameter {
  return param(scope, 'SourceCidrIp', {
    type: ros.RosParameterType.STRING,
    label: { en: 'Allowed Source CIDR', 'zh-cn': '允许访问的来源网段' },
    description: description ?? {
      en: `Who may connect to port ${port}: an IPv4 CIDR block. 0.0.0.0/0 admits every address; narrow it to the range of your users.`,
      'zh-cn': `允许访问端口 ${port} 的来源 IPv4 网段。0.0.0.0/0 表示允许所有地址，建议缩小为您的用户所在网段。`,
    },
    defaultValue: '0.0.0.0/0',
    allowedPattern: CIDR_PATTERN,
    constraintDescription: { en: 'An IPv4 CIDR block such as 203.0.113.0/24.', 'zh-cn': 'IPv4 网段，例如 203.0.113.0/24。' },
    associationPropertyMetadata: metadata,
  });
}

// ROS renders bilingual labels, but RosParameterProps types `label` and the descriptions as strings.
type ParamProps = Omit<ros.RosParameterProps, 'label' | 'description' | 'constraintDescription'> & {
  readonly label: BilingualText; readonly description?: BilingualText; readonly constraintDescription?: BilingualText;
};

function param(scope: ros.Construct, name: string, props: ParamProps): ros.RosParameter {
  return new ros.RosParameter(scope, name, {
    ...props,
    label: bilingual(props.label),
    description: props.description && bilingual(props.description),
    constraintDescription: props.constraintDescription && bilingual(props.constraintDescription),
  });
}
