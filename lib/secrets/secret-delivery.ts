/** How a stack's secret parameters (a Password, an API key) reach the deploy script. */
export enum SecretDelivery {
  /**
   * Stored as `ALIYUN::OOS::SecretParameter` (KMS-encrypted) and put in by Cloud Assistant on the
   * instance (`{{oos-secret:NAME}}`, `EnableParameter: true`); the instances get a RAM role that may read
   * only these parameters. The deployer needs OOS secret parameter, KMS and RAM permissions.
   */
  OOS_SECRET_PARAMETER = 'oos-secret-parameter',
  /**
   * Base64-encoded in the RunCommand's content, for deployers without those permissions: readable from
   * Cloud Assistant's invocation records (the stack writes a `secret-in-command-text` suppression saying so).
   */
  COMMAND_TEXT = 'command-text',
}

/** `delivery`, checked: the error names the prop, the value and the fix. */
export function checkSecretDelivery(owner: string, delivery: SecretDelivery | undefined): SecretDelivery {
  const d = delivery ?? SecretDelivery.OOS_SECRET_PARAMETER;
  if (!Object.values(SecretDelivery).includes(d)) {
    throw new Error(`${owner}: secretDelivery '${d}' is not allowed: give SecretDelivery.OOS_SECRET_PARAMETER or SecretDelivery.COMMAND_TEXT.`);
  }
  return d;
}
