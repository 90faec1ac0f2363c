import * as ros from '@alicloud/ros-cdk-core';
import { QwenGpuInstance } from '../compute/qwen-gpu-instance';
import { QwenModel } from '../compute/models';
import { ServiceNetwork } from '../network/service-network';
import { applyRulePack, RuleSuppression } from '../rules';
import { DeployScript } from '../script/deploy-script';
import { DeployScriptRunCommand } from '../script/deploy-script-run-command';
import { HealthCheck } from '../script/health-check';
import { NginxBasicAuth, PasswordHash } from '../script/nginx-basic-auth';
import { ScriptValue } from '../script/script-value';
import { SystemdService } from '../script/systemd-service';
import { WaitConditionCallback } from '../signal/wait-condition-callback';

/** Props for {@link QwenChatStack}. */
export interface QwenChatStackProps extends ros.StackProps {
  /**
   * The model to serve; decides the allowed instance types and the demo app.
   * @default QwenModel.QWEN_14B_CHAT (16-bit)
   */
  readonly model?: QwenModel;
  /**
   * The image id the instance starts from; Compute Nest maps it to the service's image artifact
   * (config.yaml ArtifactRelation).
   * @default 'centos_7'
   */
  readonly imageId?: string;
  /**
   * The port nginx serves the demo on (behind basic auth), opened in the security group.
   * @default 5000
   */
  readonly listenPort?: number;
  /**
   * Seconds the deploy script waits for the app to answer on its local port (loading the model)
   * before it signals FAILURE.
   * @default 1800
   */
  readonly healthCheckTimeoutSeconds?: number;
  /**
   * Seconds the nginx checks (401 without credentials, 200 with them) may keep failing.
   * @default 60
   */
  readonly proxyCheckTimeoutSeconds?: number;
  /**
   * Name of the systemd unit of the app (kept from the reference so an update replaces it).
   * @default 'tongyi'
   */
  readonly serviceName?: string;
  /**
   * The Python interpreter the image provides.
   * @default '/usr/local/python3/bin/python3'
   */
  readonly pythonPath?: string;
  /**
   * The OpenSSL 1.1.1+ program that hashes the login password (SHA-512 crypt); the image build
   * installs it there.
   * @default '/usr/local/openssl/bin/openssl'
   */
  readonly opensslPath?: string;
  /**
   * System disk size in GiB.
   * @default - 200, or more when the model needs it (see QwenGpuInstanceProps.systemDiskSize)
   */
  readonly systemDiskSize?: number;
  /**
   * Findings of the template rule pack to accept, each with a reason; synth fails on any other
   * finding, and on a suppression that matches nothing.
   * @default - none
   */
  readonly ruleSuppressions?: RuleSuppression[];
}

/** Bilingual text as ROS renders it. */
type Text = { readonly en: string; readonly 'zh-cn': string };

const PASSWORD_PATTERN = '^[a-zA-Z0-9-\\(\\)\\`\\~\\!\\@\\#\\$\\%\\^\\&\\*\\_\\-\\+\\=\\|\\{\\}\\[\\]\\:\\;\\<\\>\\,\\.\\?\\/]*$';
const PASSWORD_RULE: Text = {
  en: "Length 8-30, must contain three(Capital letters, lowercase letters, numbers, ()`~!@#$%^&*_-+=|{}[]:;'<>,.?/ Special symbol in)",
  'zh-cn': "长度8-30，必须包含三项（大写字母、小写字母、数字、 ()`~!@#$%^&*_-+=|{}[]:;'<>,.?/ 中的特殊符号）",
};
/** A user name htpasswd and the deploy script accept: no ':' (htpasswd's separator), no leading '-'. */
export const USER_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.@-]*$';
/** An IPv4 CIDR block. */
export const CIDR_PATTERN = '^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}/(3[0-2]|[12]?[0-9])$';

/**
 * The Qwen chat Compute Nest service: a new VPC, VSwitch and security group, one GPU ECS instance
 * sized for the model, and a RunCommand whose script installs the app's systemd unit and an nginx
 * basic-auth reverse proxy, checks both answer, and signals the WaitCondition.
 *
 * Parameter names, resource logical ids, outputs and the console metadata are those of the
 * hand-written template it replaces, so a stack made from that template can be updated to it, with
 * the caveats the README lists (stricter parameter constraints, a replaced WaitCondition).
 */
export class QwenChatStack extends ros.Stack {
  /** The network. */
  public readonly network: ServiceNetwork;
  /** The GPU instance. */
  public readonly instance: QwenGpuInstance;
  /** The wait for the deploy script's signal. */
  public readonly callback: WaitConditionCallback;
  /** The deploy script. */
  public readonly script: DeployScript;
  /** The app's systemd unit. */
  public readonly appService: SystemdService;
  /** The nginx basic-auth proxy. */
  public readonly proxy: NginxBasicAuth;
  /** The RunCommand that runs the script. */
  public readonly runCommand: DeployScriptRunCommand;
  /** The model served. */
  public readonly model: QwenModel;

  constructor(scope: ros.Construct, id: string, props: QwenChatStackProps = {}) {
    super(scope, id, props);
    const model = props.model ?? QwenModel.QWEN_14B_CHAT;
    this.model = model;
    const listenPort = props.listenPort ?? 5000;
    const allowedTypes = QwenGpuInstance.allowedInstanceTypesFor(model);

    new ros.RosInfo(this, ros.RosInfo.description, {
      en: `Deploys the ${model.displayName} Gradio chat demo on one GPU ECS instance in a new VPC, behind an nginx reverse proxy with HTTP basic auth on port ${listenPort}.`,
      'zh-cn': `在新建专有网络中的一台 GPU ECS 实例上部署 ${model.displayName} Gradio 对话演示，通过端口 ${listenPort} 上带 HTTP 基本认证的 nginx 反向代理访问。`,
    });

    const p = parameters(this, allowedTypes, listenPort);

    this.network = new ServiceNetwork(this, 'Network', {
      vpcCidrBlock: p.VpcCidrBlock.valueAsString,
      vSwitchCidrBlock: p.VSwitchCidrBlock.valueAsString,
      zoneId: p.ZoneId.valueAsString,
      ingressPorts: [{ port: listenPort, sourceCidrIp: p.SourceCidrIp.valueAsString }],
    });

    this.instance = new QwenGpuInstance(this, 'Instance', {
      model,
      instanceType: p.EcsInstanceType.valueAsString,
      allowedInstanceTypes: allowedTypes,
      vpcId: this.network.vpcId,
      vSwitchId: this.network.vSwitchId,
      securityGroupId: this.network.securityGroupId,
      zoneId: p.ZoneId.valueAsString,
      imageId: props.imageId ?? 'centos_7',
      password: p.InstancePassword.valueAsString,
      instanceChargeType: p.PayType.valueAsString,
      periodUnit: p.PayPeriodUnit.valueAsString,
      period: p.PayPeriod.valueAsNumber,
      systemDiskSize: props.systemDiskSize,
    });

    this.callback = new WaitConditionCallback(this, 'Signal', {
      count: this.instance.amount,
      startAfter: [this.instance.instanceGroup],
    });
    this.script = new DeployScript({ signal: this.callback });

    const python = props.pythonPath ?? '/usr/local/python3/bin/python3';
    const serviceName = props.serviceName ?? 'tongyi';
    if (serviceName === 'nginx') {
      throw new Error("QwenChatStack: serviceName 'nginx' is not allowed: it would overwrite nginx's own unit. Give another name, e.g. 'tongyi'.");
    }
    this.appService = new SystemdService({
      name: serviceName,
      description: `${model.displayName} Gradio demo`,
      workingDirectory: model.app.directory,
      execStart: [python, model.app.entrypoint],
      environment: {
        GRADIO_SERVER_NAME: '127.0.0.1',
        GRADIO_SERVER_PORT: String(model.app.port),
        PATH: '/usr/local/python3/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        LD_LIBRARY_PATH: '/usr/local/openssl/lib',
      },
    });
    this.proxy = new NginxBasicAuth({
      userName: ScriptValue.fromParameter(p.UserName),
      password: ScriptValue.fromParameter(p.Password),
      listenPort,
      upstreamPort: model.app.port,
      healthCheckTimeoutSeconds: props.proxyCheckTimeoutSeconds,
      // nginx checks the hash with the image's crypt(); CentOS 7's glibc 2.17 knows SHA-512 crypt, not bcrypt.
      passwordHash: PasswordHash.SHA512_CRYPT,
      opensslPath: props.opensslPath ?? '/usr/local/openssl/bin/openssl',
    });
    const appCheck = new HealthCheck({
      description: `the app answers on 127.0.0.1:${model.app.port}`,
      url: `http://127.0.0.1:${model.app.port}/`,
      timeoutSeconds: props.healthCheckTimeoutSeconds ?? 1800,
    });
    this.script.addParts(...this.appService.parts, appCheck, ...this.proxy.parts);

    this.runCommand = new DeployScriptRunCommand(this, 'Deploy', {
      script: this.script,
      instanceIds: this.instance.instanceIds,
    });

    const endpoint = (name: string, ips: string[], description: Text) =>
      new ros.RosOutput(this, name, {
        description: description as unknown as string,
        value: ros.Fn.sub(`http://\${ServerAddress}:${listenPort}`, {
          ServerAddress: ros.Fn.select(0, ips),
        }),
      });
    endpoint('Endpoint', this.instance.publicIps, {
      en: 'Public address of the chat demo (HTTP basic auth with UserName and Password)',
      'zh-cn': '对话演示的公网访问地址（使用软件登录名和密码进行 HTTP 基本认证）',
    });
    endpoint('PrivateEndpoint', this.instance.privateIps, {
      en: 'Private address of the chat demo, reachable inside the VPC',
      'zh-cn': '对话演示的内网访问地址，在专有网络内可达',
    });

    applyRulePack(this, { suppressions: props.ruleSuppressions });

    this.templateOptions.metadata = {
      'ALIYUN::ROS::Interface': {
        TemplateTags: ['acs:integrate:计算巢:ModelScope'],
        ParameterGroups: [
          group(['PayType', 'PayPeriodUnit', 'PayPeriod'], { en: 'PayType Configuration', 'zh-cn': '付费类型配置' }),
          group(['EcsInstanceType', 'InstancePassword'], { en: 'Instance', 'zh-cn': 'ECS实例配置' }),
          group(['UserName', 'Password'], { en: 'Login Information', 'zh-cn': '登录信息' }),
          group(['ZoneId'], { en: 'Zone Configuration', 'zh-cn': '可用区配置' }),
          group(['VpcCidrBlock', 'VSwitchCidrBlock', 'SourceCidrIp'], { en: 'Choose existing Infrastructure Configuration', 'zh-cn': '选择网络配置' }),
        ],
      },
    };
  }
}

function group(parameterNames: string[], label: Text) {
  return { Parameters: parameterNames, Label: { default: label } };
}

/** The template's parameters, named and described as in the reference template. */
function parameters(stack: QwenChatStack, allowedTypes: string[], listenPort: number) {
  // ROS renders bilingual labels, but RosParameterProps types `label` as a string.
  type Props = Omit<ros.RosParameterProps, 'label'> & { readonly label: Text };
  const param = (name: string, props: Props) => new ros.RosParameter(stack, name, props as unknown as ros.RosParameterProps);
  const visibleWhenPrePaid = { Visible: { Condition: { 'Fn::Not': { 'Fn::Equals': ['${PayType}', 'PostPaid'] } } } };
  const S = ros.RosParameterType.STRING;
  return {
    PayType: param('PayType', {
      type: S,
      label: { en: 'ECS Instance Charge Type', 'zh-cn': '付费类型' },
      defaultValue: 'PostPaid',
      allowedValues: ['PostPaid', 'PrePaid'],
      associationProperty: 'ChargeType',
      associationPropertyMetadata: { LocaleKey: 'InstanceChargeType' },
    }),
    PayPeriodUnit: param('PayPeriodUnit', {
      type: S,
      label: { en: 'Pay Period Unit', 'zh-cn': '购买资源时长周期' },
      defaultValue: 'Month',
      allowedValues: ['Month', 'Year'],
      associationProperty: 'PayPeriodUnit',
      associationPropertyMetadata: visibleWhenPrePaid,
    }),
    PayPeriod: param('PayPeriod', {
      type: ros.RosParameterType.NUMBER,
      label: { en: 'Period', 'zh-cn': '购买资源时长' },
      defaultValue: 1,
      allowedValues: [1, 2, 3, 4, 5, 6, 7, 8, 9],
      associationProperty: 'PayPeriod',
      associationPropertyMetadata: visibleWhenPrePaid,
    }),
    ZoneId: param('ZoneId', {
      type: S,
      label: { en: 'VSwitch Availability Zone', 'zh-cn': '交换机可用区' },
      associationProperty: 'ALIYUN::ECS::Instance::ZoneId',
      // Only zones with stock of the chosen type and charge type (ROS "ECS resources" AssociationPropertyMetadata).
      associationPropertyMetadata: {
        InstanceType: '${EcsInstanceType}',
        InstanceChargeType: '${PayType}',
        SystemDiskCategory: 'cloud_essd',
      },
    }),
    VpcCidrBlock: param('VpcCidrBlock', {
      type: S,
      label: { en: 'VPC CIDR IPv4 Block', 'zh-cn': '专有网络IPv4网段' },
      description: {
        'zh-cn': "VPC的ip地址段范围，<br>您可以使用以下的ip地址段或其子网:<br><font color='green'>[10.0.0.0/8]</font><br><font color='green'>[172.16.0.0/12]</font><br><font color='green'>[192.168.0.0/16]</font>",
        en: "The ip address range of the VPC in the CidrBlock form; <br>You can use the following ip address ranges and their subnets: <br><font color='green'>[10.0.0.0/8]</font><br><font color='green'>[172.16.0.0/12]</font><br><font color='green'>[192.168.0.0/16]</font>",
      },
      defaultValue: '192.168.0.0/16',
      associationProperty: 'ALIYUN::VPC::VPC::CidrBlock',
    }),
    VSwitchCidrBlock: param('VSwitchCidrBlock', {
      type: S,
      label: { en: 'VSwitch CIDR Block', 'zh-cn': '交换机子网网段' },
      description: { 'zh-cn': '必须属于VPC的子网段。', en: 'Must belong to the subnet segment of VPC.' },
      defaultValue: '192.168.1.0/24',
      associationProperty: 'ALIYUN::VPC::VSwitch::CidrBlock',
      associationPropertyMetadata: { VpcCidrBlock: 'VpcCidrBlock' },
    }),
    SourceCidrIp: param('SourceCidrIp', {
      type: S,
      label: { en: 'Allowed Source CIDR', 'zh-cn': '允许访问的来源网段' },
      description: {
        en: `Who may connect to port ${listenPort}: an IPv4 CIDR block. 0.0.0.0/0 lets the whole internet reach the login prompt; narrow it to your office's range.`,
        'zh-cn': `允许访问端口 ${listenPort} 的来源 IPv4 网段。0.0.0.0/0 表示整个互联网均可访问登录页，建议缩小为您办公网络的网段。`,
      },
      defaultValue: '0.0.0.0/0',
      allowedPattern: CIDR_PATTERN,
      constraintDescription: { en: 'An IPv4 CIDR block such as 203.0.113.0/24.', 'zh-cn': 'IPv4 网段，例如 203.0.113.0/24。' },
    }),
    EcsInstanceType: param('EcsInstanceType', {
      type: S,
      label: { en: 'Instance Type', 'zh-cn': '实例类型' },
      associationProperty: 'ALIYUN::ECS::Instance::InstanceType',
      // The type is chosen first (its group comes before the zone's); ZoneId is then filtered by it.
      // Filtering this list by ZoneId too would make the two parameters depend on each other.
      associationPropertyMetadata: { InstanceChargeType: '${PayType}' },
      allowedValues: allowedTypes,
    }),
    InstancePassword: param('InstancePassword', {
      type: S,
      noEcho: true,
      description: {
        en: "Server login password, Length 8-30, must contain three(Capital letters, lowercase letters, numbers, ()`~!@#$%^&*_-+=|{}[]:;'<>,.?/ Special symbol in)",
        'zh-cn': "服务器登录密码,长度8-30，必须包含三项（大写字母、小写字母、数字、 ()`~!@#$%^&*_-+=|{}[]:;'<>,.?/ 中的特殊符号）",
      },
      allowedPattern: PASSWORD_PATTERN,
      label: { en: 'Instance Password', 'zh-cn': '实例密码' },
      constraintDescription: PASSWORD_RULE,
      minLength: 8,
      maxLength: 30,
      associationProperty: 'ALIYUN::ECS::Instance::Password',
    }),
    UserName: param('UserName', {
      type: S,
      label: { en: 'User Name', 'zh-cn': '软件登录名' },
      description: {
        en: 'User name for the chat demo\'s login: 1-32 letters, digits and _.@-, starting with a letter or digit.',
        'zh-cn': '对话演示的登录名：1-32 位字母、数字及 _.@-，以字母或数字开头。',
      },
      defaultValue: 'admin',
      allowedPattern: USER_NAME_PATTERN,
      minLength: 1,
      maxLength: 32,
      constraintDescription: {
        en: '1-32 letters, digits and _.@-, starting with a letter or digit.',
        'zh-cn': '1-32 位字母、数字及 _.@-，以字母或数字开头。',
      },
    }),
    Password: param('Password', {
      type: S,
      noEcho: true,
      description: { en: `Software login password, ${PASSWORD_RULE.en}`, 'zh-cn': `软件登录密码，${PASSWORD_RULE['zh-cn']}` },
      allowedPattern: PASSWORD_PATTERN,
      label: { en: 'Software Login Password', 'zh-cn': '软件登录密码' },
      constraintDescription: PASSWORD_RULE,
      minLength: 8,
      maxLength: 30,
      associationProperty: 'ALIYUN::ECS::Instance::Password',
    }),
  };
}
