export interface Service {
  add(a: number, b: number): number;
  sumViaCallback(values: number[], callback: (total: number, v: number) => number | Promise<number>): Promise<number>;
  fill(buffer: ArrayBuffer, byte: number): ArrayBuffer;
  byteLength(buffer: ArrayBuffer): number;
  fail(message: string): void;
  roundTrip(value: Record<string, any>): Record<string, any>;
  Counter: new () => { count: number; increment(by: number): number };
}
export const service: Service;
