/**
 * Whether this api node is draining: set on SIGTERM, when /readyz starts answering 503 so a load
 * balancer takes the node out while in-flight requests finish and keep-alive connections close.
 */
export class DrainState {
  draining = false;
}
