import { NginxBasicAuth } from '../../lib/script/nginx-basic-auth';
import { ScriptValue } from '../../lib/script/script-value';
import { SystemdService } from '../../lib/script/systemd-service';

/** The rendered site and unit, from the library's own script parts. */
export interface RenderedArtifacts {
  readonly site: string;
  readonly sitePath: string;
  readonly htpasswdPath: string;
  readonly unit: string;
  readonly unitName: string;
  readonly unitPath: string;
}

/** Renders the default nginx site and app unit with the library's classes. */
export function renderedArtifacts(): RenderedArtifacts {
  const nginx = new NginxBasicAuth({
    userName: ScriptValue.fromToken('UserName', 'unused-at-render'),
    password: ScriptValue.fromToken('Password', 'unused-at-render', { secret: true }),
  });
  const app = new SystemdService({
    name: 'qwen-chat',
    description: 'Qwen chat Gradio demo',
    execStart: ['/usr/local/python3/bin/python3', 'app.py'],
    workingDirectory: '/root/Qwen-14B-Chat-Demo',
  });
  return {
    site: nginx.renderSite(), sitePath: nginx.sitePath, htpasswdPath: nginx.htpasswdPath,
    unit: app.renderUnit(), unitName: app.unitName, unitPath: app.unitPath,
  };
}
