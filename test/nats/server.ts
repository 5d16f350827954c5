// The tests' nats-server: the bench's helper (one implementation for both).
export { startNats, type NatsServer } from '../../bench/lib/nats-server.mjs';
