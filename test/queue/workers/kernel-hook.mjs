// A test-only seam inside a real Queue operation: `before` runs before every
// call the Queue makes to the kernel export `name` (e.g. publishWrite, between
// a push's claim and its publish), and `after` (if given) with its result. It wraps the exports of every kernel
// instance this thread creates from now on (WebAssembly.Instance is replaced
// in this thread only), so the Queue code around the call is the shipped one.
// Install it before the thread attaches its queue.
export function hookKernel(name, before, after) {
  const RealInstance = WebAssembly.Instance;
  class HookedInstance extends RealInstance {
    #wrapped;
    get exports() {
      if (!this.#wrapped) {
        const real = super.exports;
        this.#wrapped = {
          ...real,
          [name]: (...args) => {
            before();
            const result = real[name](...args);
            after?.(result);
            return result;
          },
        };
      }
      return this.#wrapped;
    }
  }
  WebAssembly.Instance = HookedInstance;
}
