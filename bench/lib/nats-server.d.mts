export interface NatsServer {
  readonly url: string;
  readonly port: number;
  /** Kills the server (SIGKILL when `hard`) and removes its store. */
  stop(hard?: boolean): Promise<void>;
}
/** Starts nats-server -js on a free loopback port with a temporary store; resolves once it accepts clients. */
export function startNats(args?: string[]): Promise<NatsServer>;
