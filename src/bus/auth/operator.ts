import { encodeOperator, type KeyPair } from "@nats-io/jwt";

/** The operator's self-signed JWT, the bus's trust root; it names the system account. */
export function encodeOperatorJwt(name: string, operator: KeyPair, systemAccount: string): Promise<string> {
  return encodeOperator(name, operator, { system_account: systemAccount });
}
