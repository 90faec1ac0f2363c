/**
 * The benchmark's floor: the same template as `QwenChatStack` built from raw L1 `Ros*` classes and
 * literal values, with no validation, catalogs or script rendering. The script body, parameters,
 * description and metadata are literals captured once (bench/baseline-literals.ts, written by
 * bench/capture-baseline.ts); bench/bench.ts asserts both templates are equal before timing.
 */
import * as ros from '@alicloud/ros-cdk-core';
import * as ecs from '@alicloud/ros-cdk-ecs';
import * as ram from '@alicloud/ros-cdk-ram';
import * as rosRos from '@alicloud/ros-cdk-ros';
import { DESCRIPTION, METADATA, PARAMETERS, SCRIPT_BODY } from './baseline-literals';

/** Template parameter keys -> RosParameterProps keys. */
const PARAMETER_KEYS: { [templateKey: string]: string } = {
  Type: 'type', Default: 'defaultValue', AllowedValues: 'allowedValues', AllowedPattern: 'allowedPattern',
  Label: 'label', Description: 'description', NoEcho: 'noEcho', MinLength: 'minLength', MaxLength: 'maxLength',
  MinValue: 'minValue', MaxValue: 'maxValue', ConstraintDescription: 'constraintDescription',
  AssociationProperty: 'associationProperty', AssociationPropertyMetadata: 'associationPropertyMetadata', Required: 'required',
};

/** A stack that renders the same template as `new QwenChatStack(app, id)` with default props. */
export class BaselineStack extends ros.Stack {
  constructor(scope: ros.Construct, id: string) {
    super(scope, id);
    new ros.RosInfo(this, ros.RosInfo.description, DESCRIPTION);
    const p: { [name: string]: ros.RosParameter } = {};
    for (const [name, spec] of Object.entries(PARAMETERS)) {
      const props: { [key: string]: any } = {};
      for (const [k, v] of Object.entries(spec)) {
        const key = PARAMETER_KEYS[k];
        if (!key) throw new Error(`BaselineStack: parameter ${name} has key ${k} the baseline does not map; add it to PARAMETER_KEYS.`);
        props[key] = v;
      }
      p[name] = new ros.RosParameter(this, name, props as ros.RosParameterProps);
    }
    const stackName = ros.Fn.ref('ALIYUN::StackName');
    // The Password as an OOS secret parameter, and the instances' role that may read only it (issue 15).
    const secret = new ros.RosResource(this, 'PasswordSecretParameter', {
      type: 'ALIYUN::OOS::SecretParameter',
      properties: {
        SecretParameterName: ros.Fn.sub('qwen-chat-${ALIYUN::StackId}-password'),
        Value: p.Password.valueAsString,
        Description: 'Login password of the Qwen chat demo (the stack\'s Password parameter)',
        Constraints: { AllowedPattern: PARAMETERS.Password.AllowedPattern, MinLength: 8, MaxLength: 30 },
      },
    });
    const role = new ram.RosRole(this, 'SecretReaderRole', {
      assumeRolePolicyDocument: { version: '1', statement: [{ action: 'sts:AssumeRole', effect: 'Allow', principal: { service: ['ecs.aliyuncs.com'] } }] },
      roleName: ros.Fn.sub('qwen-chat-${ALIYUN::StackId}'),
      description: 'Lets the instances of this stack read their OOS secret parameters',
    }, true);
    const policy = new ram.RosManagedPolicy(this, 'SecretReaderPolicy', {
      policyName: ros.Fn.sub('qwen-chat-${ALIYUN::StackId}'),
      description: 'Read and decrypt only the OOS secret parameters of this stack',
      policyDocument: {
        version: '1',
        statement: [{
          action: ['oos:GetSecretParameter', 'oos:GetSecretParameters', 'kms:GetSecretValue'],
          resource: [ros.Fn.sub('acs:oos:${ALIYUN::Region}:${ALIYUN::AccountId}:secretparameter/qwen-chat-${ALIYUN::StackId}-password')],
          effect: 'Allow',
        }],
      },
      roles: [role.attrRoleName],
    }, true);
    // The console's network choices (NetworkParameters): a new VPC or an existing one, public access or not.
    const createVpc = new ros.RosCondition(this, 'CreateVpc', { expression: ros.Fn.conditionEquals(p.VpcOption.valueAsString, 'NewVPC') });
    const publicAccess = new ros.RosCondition(this, 'PublicAccess', { expression: ros.Fn.conditionEquals(true, p.EnablePublicAccess.value) });
    const privateAccess = new ros.RosCondition(this, 'PrivateAccess', { expression: ros.Fn.conditionNot(publicAccess) });
    const privateInNewVpc = new ros.RosCondition(this, 'PrivateAccessInNewVpc', { expression: ros.Fn.conditionAnd(privateAccess, createVpc) });
    const choose = (c: ros.RosCondition, a: unknown, b: unknown) => ros.Fn.conditionIf(c.logicalId, a, b);

    const vpc = new ecs.RosVPC(this, 'EcsVpc', { vpcName: stackName, cidrBlock: p.VpcCidrBlock.valueAsString }, true);
    const vsw = new ecs.RosVSwitch(this, 'EcsVSwitch', {
      vSwitchName: stackName, vpcId: vpc.ref, zoneId: p.ZoneId.valueAsString, cidrBlock: p.VSwitchCidrBlock.valueAsString,
    }, true);
    vpc.addCondition(createVpc);
    vsw.addCondition(createVpc);
    const vpcId = ros.Token.asString(choose(createVpc, vpc.ref, p.VpcId.valueAsString));
    const vSwitchId = ros.Token.asString(choose(createVpc, vsw.ref, p.VSwitchId.valueAsString));
    const sg = new ecs.RosSecurityGroup(this, 'EcsSecurityGroup', {
      securityGroupName: stackName,
      vpcId,
      securityGroupIngress: [{
        portRange: '5000/5000', priority: 1, ipProtocol: 'tcp', nicType: 'intranet',
        sourceCidrIp: ros.Token.asString(choose(privateInNewVpc, p.VpcCidrBlock.valueAsString, p.SourceCidrIp.valueAsString)),
      }],
      securityGroupEgress: [{ portRange: '-1/-1', priority: 1, ipProtocol: 'all', destCidrIp: '0.0.0.0/0', nicType: 'intranet' }],
    }, true);
    const group = new ecs.RosInstanceGroup(this, 'EcsInstanceGroup', {
      instanceName: ros.Fn.join('-', [stackName, '[1,4]']),
      ioOptimized: 'optimized',
      instanceChargeType: p.PayType.valueAsString,
      periodUnit: p.PayPeriodUnit.valueAsString,
      period: p.PayPeriod.valueAsNumber,
      vpcId,
      zoneId: p.ZoneId.valueAsString,
      vSwitchId,
      securityGroupId: sg.ref,
      systemDiskCategory: 'cloud_essd',
      systemDiskSize: 200,
      maxAmount: 1,
      imageId: 'centos_7',
      instanceType: p.EcsInstanceType.valueAsString,
      password: p.InstancePassword.valueAsString,
      allocatePublicIp: choose(publicAccess, true, false),
      internetMaxBandwidthOut: choose(publicAccess, 2, 0),
      ramRoleName: ros.Token.asString(role.attrRoleName),
    }, true);
    group.addRosDependency(policy.logicalId);
    const handle = new rosRos.RosWaitConditionHandle(this, 'WaitConditionHandle', {}, true);
    const wait = new rosRos.RosWaitCondition(this, 'WaitCondition', { handle: handle.ref, count: 1, timeout: 3700 }, true);
    wait.addRosDependency(group.logicalId);
    new ecs.RosRunCommand(this, 'InstanceRunCommand', {
      type: 'RunShellScript',
      sync: true,
      instanceIds: ros.Token.asList(group.attrInstanceIds),
      commandContent: ros.Fn.sub(SCRIPT_BODY, {
        CurlCli: ros.Token.asString(handle.attrCurlCli),
        UserNameBase64: ros.Fn.base64Encode(p.UserName.valueAsString),
        PasswordReference: ros.Fn.join('', ['{{oos-secret:', ros.Token.asString(secret.getAtt('SecretParameterName')), '}}']),
      }),
      enableParameter: true,
      timeout: 2860,
    }, true);
    const endpoint = (name: string, ips: ros.IResolvable, description: { en: string; 'zh-cn': string }, condition?: ros.RosCondition) =>
      new ros.RosOutput(this, name, {
        description: description as unknown as string,
        value: ros.Fn.sub('https://${ServerAddress}:5000', { ServerAddress: ros.Fn.select(0, ips as unknown as string[]) }),
        condition,
      });
    endpoint('Endpoint', group.attrPublicIps, {
      en: 'Public address of the chat demo (HTTP basic auth with UserName and Password; TLS, pin the certificate by TlsCertificateFingerprint)',
      'zh-cn': '对话演示的公网访问地址（使用软件登录名和密码进行 HTTP 基本认证；TLS 加密，请按 TlsCertificateFingerprint 固定证书）',
    }, publicAccess);
    endpoint('PrivateEndpoint', group.attrPrivateIps, {
      en: 'Private address of the chat demo, reachable inside the VPC',
      'zh-cn': '对话演示的内网访问地址，在专有网络内可达',
    });
    new ros.RosOutput(this, 'TlsCertificateFingerprint', {
      description: {
        en: 'SHA-256 fingerprint of the TLS certificate each instance made for itself: before you send the password, check that the certificate your browser shows has it',
        'zh-cn': '各实例自行生成的 TLS 证书的 SHA-256 指纹：发送密码前，请确认浏览器显示的证书指纹与此一致',
      } as unknown as string,
      value: ros.Fn.jq('First', '.[]', wait.attrData),
    });
    this.templateOptions.metadata = METADATA;
  }
}
