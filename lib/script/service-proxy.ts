import { IScriptPart } from './deploy-script';

/**
 * A proxy in front of a local app, set up by deploy-script parts (such as `NginxBasicAuth`):
 * what a stack needs to open its port and add its steps.
 */
export interface IServiceProxy {
  /** The port clients connect to. */
  readonly listenPort: number;
  /** The parts that set the proxy up and check it, in the order they run. */
  readonly parts: readonly IScriptPart[];
  /**
   * The scheme clients use: `https` when the proxy serves TLS.
   * @default 'http'
   */
  readonly scheme?: string;
}
