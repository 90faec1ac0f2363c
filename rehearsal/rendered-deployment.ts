import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { QwenChatStack, QwenChatStackProps } from '../lib/qwen-chat/qwen-chat-stack';
import { renderRunCommandScript } from '../lib/ros/resolver';
import { TemplateDocument } from '../lib/ros/template';
import { NginxBasicAuth } from '../lib/script/nginx-basic-auth';

/** Props for {@link renderDeployment}. */
export interface RenderDeploymentProps {
  /**
   * Props of the stack to synthesize.
   * @default {}
   */
  readonly stackProps?: QwenChatStackProps;
  /**
   * Deploy-time parameter values (UserName, Password, ...); defaults come from the template.
   * @default { Password: 'Rehearsal-Pw-1' }
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * The stand-in value of the wait condition handle's CurlCli attribute.
   * @default "curl -sS -X POST -H 'Content-Type: application/json' http://127.0.0.1:8099/signal"
   */
  readonly curlCli?: string;
}

/** What a synthesized QwenChatStack hands to the instance. */
export interface RenderedDeployment {
  /** The synthesized template. */
  readonly template: TemplateDocument;
  /** The RunCommand script exactly as ROS would substitute it. */
  readonly script: string;
  /** The nginx site text, path and htpasswd path. */
  readonly site: string;
  /** Where the script writes the site. */
  readonly sitePath: string;
  /** Where the script writes the htpasswd file. */
  readonly htpasswdPath: string;
  /** The app's unit text. */
  readonly unit: string;
  /** The app's unit name (`x.service`). */
  readonly unitName: string;
  /** Where the script writes the unit. */
  readonly unitPath: string;
  /** The port nginx listens on. */
  readonly listenPort: number;
  /** The certificate the site serves (on the instance), when it serves TLS. */
  readonly tlsCertificate?: string;
}

/**
 * STAND-IN for a Classic Load Balancer's `IpAddress` attribute (a documentation address, RFC 5737): the
 * instances' certificates name it when a TCP listener passes their TLS through.
 */
export const STAND_IN_LOAD_BALANCER_ADDRESS = '198.51.100.20';

/** The default stand-in CurlCli: a POST to the local signal receiver. */
export const DEFAULT_CURL_CLI = "curl -sS -X POST -H 'Content-Type: application/json' http://127.0.0.1:8099/signal";

/**
 * Synthesizes a {@link QwenChatStack} (in a temp outdir) and resolves its RunCommand script with
 * the given parameter values and a stand-in CurlCli.
 */
export function renderDeployment(props: RenderDeploymentProps = {}): RenderedDeployment {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-synth-'));
  try {
    const app = new ros.App({ outdir, stackTraces: false });
    const stack = new QwenChatStack(app, 'QwenChatStack', props.stackProps ?? {});
    const proxy = stack.proxy;
    if (!(proxy instanceof NginxBasicAuth)) {
      throw new Error('renderDeployment: the stack\'s proxy is not NginxBasicAuth; the rehearsal checks the nginx site and htpasswd file it writes.');
    }
    const template = app.synth().getStackArtifact(stack.artifactId).template as TemplateDocument;
    const handle = Object.entries(template.Resources ?? {}).find(([, r]) => r.Type === 'ALIYUN::ROS::WaitConditionHandle');
    if (handle === undefined) {
      throw new Error('renderDeployment: the template has no ALIYUN::ROS::WaitConditionHandle');
    }
    const script = renderRunCommandScript({
      template,
      parameters: props.parameters ?? { Password: 'Rehearsal-Pw-1' },
      attributes: {
        [`${handle[0]}.CurlCli`]: props.curlCli ?? DEFAULT_CURL_CLI,
        ...Object.fromEntries(Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === 'ALIYUN::SLB::LoadBalancer')
          .map(([id]) => [`${id}.IpAddress`, STAND_IN_LOAD_BALANCER_ADDRESS])),
      },
    });
    return {
      template,
      script,
      site: proxy.renderSite(),
      sitePath: proxy.sitePath,
      htpasswdPath: proxy.htpasswdPath,
      unit: stack.appService.renderUnit(),
      unitName: stack.appService.unitName,
      unitPath: stack.appService.unitPath,
      listenPort: stack.proxy.listenPort,
      tlsCertificate: proxy.tls.enabled ? proxy.tls.certificatePath(proxy.listenPort) : undefined,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
