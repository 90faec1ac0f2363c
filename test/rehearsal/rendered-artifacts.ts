import { RenderedDeployment, renderDeployment } from '../../rehearsal/rendered-deployment';

let cached: RenderedDeployment | undefined;

/** The default QwenChatStack's rendered deployment (synthesized once per test file). */
export function renderedArtifacts(): RenderedDeployment {
  cached ??= renderDeployment();
  return cached;
}
